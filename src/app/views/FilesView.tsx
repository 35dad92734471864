import { Box } from 'ink';
import { CursorRow } from '../../../components/CursorRow.js';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';
import { useLook } from '../../../components/theme-context.js';
import { Text } from '../../../components/Text.js';
import { filesReadingLine, listingLines, listingRow } from '../../present/file-diff.js';
import { useUi } from './hooks.js';

/** The file browser (`f`): a directory of a checkpoint as `ls -l` shows it; Enter goes in or restores a file, Backspace goes up. */
export function FilesView({ height }: { height: number }) {
  const { theme, ascii } = useLook();
  const v = useUi((s) => s.filesView);
  if (!v) return null;
  const l = v.listing;
  const entries = l?.entries ?? [];
  const cursor = Math.max(0, Math.min(v.cursor, entries.length - 1));
  const w = windowRows(entries.length, Math.max(1, height - 4), cursor);
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle={ascii ? 'classic' : 'round'} borderColor={theme.color('border.focus')} paddingX={1}>
      <Text bold color={theme.color('title')} wrap="truncate">
        {l ? listingLines({ ...l, entries })[0] : `${v.container} @ ${v.label}: ${v.path}`}
      </Text>
      {v.error ? (
        <Text color={theme.color('status.error')}>{`cannot list: ${v.error}`}</Text>
      ) : !l ? (
        <Text color={theme.color('text.dim')}>{filesReadingLine(v.container, v.label, v.path)}</Text>
      ) : !entries.length ? (
        <Text color={theme.color('text.dim')}>(empty directory)</Text>
      ) : (
        <Text> </Text>
      )}
      <ScrollHint direction="up" count={w.above} />
      {l?.type === 'dir'
        ? entries.slice(w.start, w.end).map((e, i) => (
            <CursorRow key={w.start + i} cursor={w.start + i === cursor} focused color={e.type === 'dir' ? 'text.accent' : 'text'}>
              {listingRow(e)}
            </CursorRow>
          ))
        : null}
      <ScrollHint direction="down" count={w.below} />
    </Box>
  );
}

import { Box } from 'ink';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';
import { useLook } from '../../../components/theme-context.js';
import { Text } from '../../../components/Text.js';
import { textDiffLines, textDiffReadingLine, type TextDiffLineKind } from '../../present/text-diff.js';
import type { Token } from '../../../themes/index.js';
import { useUi } from './hooks.js';

const COLOUR: Record<TextDiffLineKind, Token> = {
  title: 'title',
  file: 'text.dim',
  hunk: 'text.accent',
  added: 'status.ok',
  removed: 'status.error',
  context: 'text',
  note: 'text.dim',
};

/**
 * One file's text diff, opened by Enter on a file in the diff view: its title, then the unified diff (`+` green, `-`
 * red, hunk headers accented), scrolled; Esc goes back to the diff view as it was.
 */
export function TextDiffView({ height }: { height: number }) {
  const { theme, ascii } = useLook();
  const v = useUi((s) => s.textDiffView);
  if (!v) return null;
  const all = v.result ? textDiffLines(v.result) : [];
  const [title, ...lines] = all;
  const w = windowRows(lines.length, Math.max(1, height - 3), Math.max(0, Math.min(v.scroll, lines.length - 1)), false);
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle={ascii ? 'classic' : 'round'} borderColor={theme.color('border.focus')} paddingX={1}>
      <Text bold color={theme.color('title')} wrap="truncate">
        {title ? title.text : `${v.container} ${v.path}: ${v.fromLabel} -> ${v.toLabel}`}
      </Text>
      {v.error ? (
        <Text color={theme.color('status.error')}>{`cannot compare: ${v.error}`}</Text>
      ) : !v.result ? (
        <Text color={theme.color('text.dim')}>{textDiffReadingLine(v.container, v.path, v.fromLabel, v.toLabel)}</Text>
      ) : !lines.length ? (
        <Text color={theme.color('text.dim')}>{`the text is the same in ${v.fromLabel} and ${v.toLabel} (its metadata changed)`}</Text>
      ) : null}
      <ScrollHint direction="up" count={w.above} />
      {lines.slice(w.start, w.end).map((l, i) => (
        <Text key={w.start + i} wrap="truncate" bold={l.kind === 'hunk'} color={theme.color(COLOUR[l.kind])}>
          {l.text || ' '}
        </Text>
      ))}
      <ScrollHint direction="down" count={w.below} />
    </Box>
  );
}

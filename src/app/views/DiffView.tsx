import { Box } from 'ink';
import { CursorRow } from '../../../components/CursorRow.js';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';
import { useLook } from '../../../components/theme-context.js';
import { Text } from '../../../components/Text.js';
import { diffGroupLine, diffHeading, diffReadingLine, diffViewChangeLine } from '../../present/file-diff.js';
import { diffHeadLines, diffRows } from '../file-views.js';
import { useUi } from './hooks.js';

/**
 * The diff view (`=`): what changed in a container's files between two checkpoints (or one and NOW), the summary and
 * any mass-deletion warning on top, the changes grouped by top-level directory (Enter or z folds one).
 */
export function DiffView({ height }: { height: number }) {
  const { theme, ascii } = useLook();
  const v = useUi((s) => s.diffView);
  if (!v) return null;
  const r = v.result;
  const head = diffHeadLines(r);
  const rows = diffRows(r, v.folded);
  const cursor = Math.max(0, Math.min(v.cursor, rows.length - 1));
  const w = windowRows(rows.length, Math.max(1, height - 3 - head.length), cursor);
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle={ascii ? 'classic' : 'round'} borderColor={theme.color('border.focus')} paddingX={1}>
      <Text bold color={theme.color('title')} wrap="truncate">
        {r ? diffHeading(r) : `diff ${v.container}: ${v.fromLabel} -> ${v.toLabel}`}
      </Text>
      {v.error ? (
        <Text color={theme.color('status.error')}>{`cannot diff: ${v.error}`}</Text>
      ) : !r ? (
        <Text color={theme.color('text.dim')}>{diffReadingLine(v.container, v.fromLabel, v.toLabel)}</Text>
      ) : null}
      {head.map((line, i) => (
        <Text key={`h${i}`} wrap="truncate" color={theme.color(line.startsWith('warning:') ? 'status.warning' : i === 0 ? 'text.accent' : 'text.dim')}>
          {line}
        </Text>
      ))}
      <ScrollHint direction="up" count={w.above} />
      {rows.slice(w.start, w.end).map((row, i) => (
        <CursorRow key={w.start + i} cursor={w.start + i === cursor} focused color={row.kind === 'group' ? 'text.accent' : 'text'}>
          {row.kind === 'group' ? diffGroupLine(row.summary, row.folded, ascii) : `    ${diffViewChangeLine(row.change, r!)}`}
        </CursorRow>
      ))}
      <ScrollHint direction="down" count={w.below} />
    </Box>
  );
}

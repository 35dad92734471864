import { Box, useStdout } from 'ink';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';
import { useLook } from '../../../components/theme-context.js';
import { Text } from '../../../components/Text.js';
import type { Token } from '../../../themes/index.js';
import { commandLogRows, type CommandTone } from '../../present/command-log-rows.js';
import { overlayTextWidth } from '../layout.js';
import { useCore, useUi } from './hooks.js';

const TONE: Record<CommandTone, Token> = { running: 'text.accent', failed: 'status.error', change: 'text', read: 'text.dim' };

/** Every command this console ran, live (a running one has no exit code yet), whole and wrapped, as lazygit's command log: `@`. */
export function CommandLogView({ height }: { height: number }) {
  const { theme, ascii } = useLook();
  const { stdout } = useStdout();
  const log = useCore((s) => s.commandLog);
  const scroll = useUi((s) => s.overlayScroll);
  const rows = commandLogRows(log, overlayTextWidth(stdout.columns || 80));
  // Inside the border and the title; the hints take a row only when rows are hidden that way.
  const w = windowRows(rows.length, Math.max(1, height - 3), Math.max(0, Math.min(scroll, rows.length - 1)), false);
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle={ascii ? 'classic' : 'round'} borderColor={theme.color('border.focus')} paddingX={1}>
      <Text bold color={theme.color('title')} wrap="truncate">{`Command log (${log.length}): every command this console ran  -  Esc, q or @ closes`}</Text>
      <ScrollHint direction="up" count={w.above} />
      {rows.slice(w.start, w.end).map((r, i) => (
        <Text key={w.start + i} wrap="truncate" color={theme.color(TONE[r.tone])}>
          {r.text}
        </Text>
      ))}
      <ScrollHint direction="down" count={w.below} />
    </Box>
  );
}

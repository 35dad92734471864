import { Box } from 'ink';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';
import { useLook } from '../../../components/theme-context.js';
import { Text } from '../../../components/Text.js';
import { useCore, useUi } from './hooks.js';
import { cmd, formatCommand } from '../../core/runner/command.js';

/** Every command this console ran, live (a running one has no exit code yet), as lazygit's command log: `@`. */
export function CommandLogView({ height }: { height: number }) {
  const { theme, ascii } = useLook();
  const log = useCore((s) => s.commandLog);
  const scroll = useUi((s) => s.overlayScroll);
  // Inside the border and the title; the hints take a row only when rows are hidden that way.
  const w = windowRows(log.length, Math.max(1, height - 3), Math.max(0, Math.min(scroll, log.length - 1)), false);
  const shown = log.slice(w.start, w.end);
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle={ascii ? 'classic' : 'round'} borderColor={theme.color('border.focus')} paddingX={1}>
      <Text bold color={theme.color('title')} wrap="truncate">{`Command log (${log.length}): every command this console ran  -  Esc, q or @ closes`}</Text>
      <ScrollHint direction="up" count={w.above} />
      {shown.map((e) => {
        const state = e.exitCode === undefined ? 'running' : `exit ${e.exitCode} ${String(e.durationMs).padStart(4)} ms`;
        const token = e.exitCode === undefined ? 'text.accent' : e.exitCode !== 0 ? 'status.error' : e.mutates ? 'text' : 'text.dim';
        return (
          <Text key={e.seq} wrap="truncate" color={theme.color(token)}>
            {`${new Date(e.at).toTimeString().slice(0, 8)} ${e.mutates ? '*' : ' '} [${state}] ${formatCommand(cmd(e.argv[0]!, e.argv.slice(1)))}${e.error ? `  ${e.error}` : ''}`}
          </Text>
        );
      })}
      <ScrollHint direction="down" count={w.below} />
    </Box>
  );
}

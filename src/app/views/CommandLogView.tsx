import { Box } from 'ink';
import { ScrollHint } from '../../../components/ScrollHint.js';
import { useLook } from '../../../components/theme-context.js';
import { Text } from '../../../components/Text.js';
import { useCore, useUi } from './hooks.js';

/** Every command this console ran, live (a running one has no exit code yet), as lazygit's command log: `@`. */
export function CommandLogView({ height }: { height: number }) {
  const { theme, ascii } = useLook();
  const log = useCore((s) => s.commandLog);
  const scroll = useUi((s) => s.overlayScroll);
  const room = Math.max(1, height - 5);
  const start = Math.max(0, Math.min(scroll, log.length - room));
  const shown = log.slice(start, start + room);
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle={ascii ? 'classic' : 'round'} borderColor={theme.color('border.focus')} paddingX={1}>
      <Text bold color={theme.color('title')} wrap="truncate">{`Command log (${log.length}): every command this console ran  -  Esc, q or @ closes`}</Text>
      <ScrollHint direction="up" count={start} />
      {shown.map((e) => {
        const state = e.exitCode === undefined ? 'running' : `exit ${e.exitCode}, ${e.durationMs} ms`;
        const token = e.exitCode === undefined ? 'text.accent' : e.exitCode !== 0 ? 'status.error' : e.mutates ? 'text' : 'text.dim';
        return (
          <Text key={e.seq} wrap="truncate" color={theme.color(token)}>
            {`${new Date(e.at).toTimeString().slice(0, 8)} ${e.mutates ? '*' : ' '} ${e.argv.join(' ')}  [${state}]${e.error ? `  ${e.error}` : ''}`}
          </Text>
        );
      })}
      <ScrollHint direction="down" count={log.length - start - shown.length} />
    </Box>
  );
}

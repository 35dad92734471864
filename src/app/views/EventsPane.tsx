import { Panel } from '../../../components/Panel.js';
import { useLook } from '../../../components/theme-context.js';
import { useCore, useUi } from './hooks.js';
import { Text } from '../../../components/Text.js';
import { ScrollHint } from '../../../components/ScrollHint.js';

/** events.log (every console's operations) and this console's own mutating commands, newest last. */
export function EventsPane({ width, height }: { width: number; height: number }) {
  const { theme } = useLook();
  const events = useCore((s) => s.events);
  const commands = useCore((s) => s.commandLog);
  const focused = useUi((s) => s.focus === 'events');
  const scroll = useUi((s) => s.eventsScroll);
  const lines = [
    ...events.map((e) => ({
      at: Date.parse(e.ts),
      text: `${e.ts.slice(11, 19)} ${e.user}${e.ssh_client ? `@${e.ssh_client.split(' ')[0]}` : ''} ${e.operation} ${e.target} ${e.result} ${e.duration_ms}ms`,
      bad: e.result !== 'ok',
    })),
    // This console's own changes, once finished (the command log, @, has every command, live).
    ...commands
      .filter((c) => c.mutates && c.exitCode !== undefined)
      .map((c) => ({
        at: c.at,
        text: `${new Date(c.at).toISOString().slice(11, 19)} $ ${c.argv.join(' ')} -> ${c.exitCode} (${c.durationMs}ms)`,
        bad: c.exitCode !== 0,
      })),
  ].sort((a, b) => a.at - b.at);
  const rows = Math.max(1, height - 3);
  // Newest at the bottom: the window ends `scroll` rows above the newest; a hint takes a row on each side it hides.
  const end = Math.max(0, lines.length - scroll);
  const below = lines.length - end;
  const fit = rows - (below > 0 ? 1 : 0);
  const start = Math.max(0, end - (end > fit ? fit - 1 : fit));
  return (
    <Panel title="Events" focused={focused} width={width} height={height}>
      <ScrollHint direction="up" count={start} />
      {lines.slice(start, end).map((l, i) => (
        <Text key={start + i} wrap="truncate" color={theme.color(l.bad ? 'status.error' : 'text.dim')}>
          {l.text}
        </Text>
      ))}
      <ScrollHint direction="down" count={below} />
    </Panel>
  );
}

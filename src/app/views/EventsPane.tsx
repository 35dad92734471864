import { Panel } from '../../../components/Panel.js';
import { useLook } from '../../../components/theme-context.js';
import { useCore, useUi } from './hooks.js';
import { Text } from '../../../components/Text.js';
import { ScrollHint } from '../../../components/ScrollHint.js';
import { eventLines } from '../../present/event-lines.js';
import { useMinuteClock } from './clock.js';

/** events.log (every console's operations) and this console's own mutating commands, newest last. */
export function EventsPane({ width, height }: { width: number; height: number }) {
  const { theme } = useLook();
  const events = useCore((s) => s.events);
  const commands = useCore((s) => s.commandLog);
  const focused = useUi((s) => s.focus === 'events');
  const scroll = useUi((s) => s.eventsScroll);
  // Ages tick once a minute (the shared clock), so an idle screen stays unchanged.
  const lines = eventLines(events, commands, useMinuteClock() * 1000);
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

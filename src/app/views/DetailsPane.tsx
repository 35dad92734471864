import { Panel } from '../../../components/Panel.js';
import { useLook } from '../../../components/theme-context.js';
import { detailRows } from '../../present/details.js';
import { useApp } from '../app-context.js';
import { useCore, useUi } from './hooks.js';
import { alsoOn } from '../derive.js';
import { useMinuteClock } from './clock.js';
import { Text } from '../../../components/Text.js';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';

export function DetailsPane({ width, height }: { width: number; height: number }) {
  const app = useApp();
  const { theme } = useLook();
  useUi((s) => s.treeCursor);
  const tree = useUi((s) => s.tree);
  const now = useMinuteClock();
  const focused = useUi((s) => s.focus === 'details');
  const scroll = useUi((s) => s.detailsScroll);
  const n = app.cursorRow()?.node;
  const c = app.selectedContainer();
  const world = useCore((s) => s.world);
  const rows = detailRows(n, c, width, tree, now, n?.kind === 'snapshot' ? alsoOn(world, c?.node, n.id) : []);
  const visible = Math.max(1, height - 3);
  const w = windowRows(rows.length, visible, Math.max(0, Math.min(scroll, rows.length - 1)), false);
  return (
    <Panel title="Details" focused={focused} width={width} height={height}>
      <ScrollHint direction="up" count={w.above} />
      {rows.slice(w.start, w.end).map(([k, v], i) => (
        <Text key={w.start + i} wrap="truncate">
          <Text color={theme.color('text.dim')}>{`${k.padEnd(14)}`}</Text>
          {v}
        </Text>
      ))}
      <ScrollHint direction="down" count={w.below} />
    </Panel>
  );
}

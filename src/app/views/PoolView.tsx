import { Box } from 'ink';
import { CapacityBar } from '../../../components/CapacityBar.js';
import { useLook } from '../../../components/theme-context.js';
import { formatBytes } from '../../present/units.js';
import { poolLevel } from '../../core/ops/pools.js';
import { safeText } from '../../present/safe-text.js';
import { useCore, useUi } from './hooks.js';
import { poolTableRows } from '../layout.js';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';
import { Text } from '../../../components/Text.js';

const COLUMNS = ['id', 'name', 'used', 'snapshots', 'dataset', 'checkpoints'] as const;
/** Columns of numbers, aligned right. */
const RIGHT = new Set<string>(['used', 'snapshots', 'dataset', 'checkpoints']);
const NAME_MAX = 24;

/**
 * Full screen: pools with capacity and health, and the space table per container, biggest first.
 * Every line is one terminal line (cut to the width, never wrapped) and the whole view stays inside `height`: the
 * table shows the rows that fit and says how many it leaves out. (A table whose rows took two lines each, counted as
 * one, pushed the frame past the terminal: the title and the header scrolled away and lines were drawn over others.)
 */
export function PoolView({ height }: { height: number }) {
  const { theme, ascii } = useLook();
  const world = useCore((s) => s.world);
  const scroll = useUi((s) => s.overlayScroll);
  if (!world) return <Text>{ascii ? 'reading...' : 'reading…'}</Text>;
  const all = world.containers
    .filter((c) => c.dataset && !c.reason)
    .sort((a, b) => b.used - a.used)
    .map((c) => ({
      id: safeText(c.id),
      name: safeText(c.name),
      used: formatBytes(c.used),
      snapshots: formatBytes(c.usedBySnapshots),
      dataset: formatBytes(c.usedByDataset),
      checkpoints: String(c.checkpoints),
    }));
  // Lines: the title, one per pool, the table's header and rule, its rows, and a "more" line when rows are left out.
  // The pools keep at least the table's header, rule and one line under them.
  const pools = world.pools.slice(0, Math.max(0, height - 4));
  const room = poolTableRows(height, world.pools.length);
  const w = windowRows(all.length, room, Math.max(0, Math.min(scroll, all.length - 1)), false);
  const shown = all.slice(w.start, w.end);
  const widths = Object.fromEntries(
    COLUMNS.map((k) => [k, Math.min(k === 'name' ? NAME_MAX : Infinity, Math.max(k.length, ...all.map((r) => r[k].length)))]),
  ) as Record<(typeof COLUMNS)[number], number>;
  const cell = (k: (typeof COLUMNS)[number], v: string) => {
    const w = widths[k];
    const cut = v.length > w ? `${v.slice(0, w - 1)}${ascii ? '~' : '…'}` : v;
    return RIGHT.has(k) ? cut.padStart(w) : cut.padEnd(w);
  };
  const line = (r: Record<(typeof COLUMNS)[number], string>) => COLUMNS.map((k) => cell(k, r[k])).join('  ');
  const header = line(Object.fromEntries(COLUMNS.map((k) => [k, k])) as Record<(typeof COLUMNS)[number], string>);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text wrap="truncate" bold color={theme.color('title')}>
        {'Pools  (Esc to close)  j/k PgUp/PgDn scroll'}
      </Text>
      {!world.pools.length ? <Text color={theme.color('status.warning')}>{'no ZFS pool found: `zpool list` shows none'}</Text> : null}
      {pools.map((p) => (
        <Text key={p.name} wrap="truncate">
          {`${p.name}  ${p.health}  `}
          <CapacityBar percent={p.capacity} width={20} />
          {`  ${formatBytes(p.allocated)} of ${formatBytes(p.size)}, ${formatBytes(p.free)} free${p.fragmentation !== undefined ? `, ${p.fragmentation}% fragmented` : ''}`}
          {poolLevel(p) !== 'ok' ? (
            <Text color={theme.color(poolLevel(p) === 'critical' ? 'status.error' : 'status.warning')}>{`  ${poolLevel(p).toUpperCase()}`}</Text>
          ) : null}
        </Text>
      ))}
      <Text wrap="truncate" bold color={theme.color('text.accent')}>
        {header}
      </Text>
      <Text wrap="truncate" color={theme.color('border')}>
        {(ascii ? '-' : '─').repeat(header.length)}
      </Text>
      <ScrollHint direction="up" count={w.above} />
      {shown.map((r) => (
        <Text key={r.id} wrap="truncate" color={theme.color('text')}>
          {line(r)}
        </Text>
      ))}
      <ScrollHint direction="down" count={w.below} />
    </Box>
  );
}

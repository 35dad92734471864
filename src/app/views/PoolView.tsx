import { Table } from '@alcalzone/ink-table';
import { Box } from 'ink';
import { CapacityBar } from '../../../components/CapacityBar.js';
import { useLook } from '../../../components/theme-context.js';
import { formatBytes } from '../../cli/format/units.js';
import { poolLevel } from '../../core/ops/pools.js';
import { safeText } from '../../present/safe-text.js';
import { useCore } from './hooks.js';
import { Text } from '../../../components/Text.js';

/** Full screen: pools with capacity and health, and the space table per container. */
export function PoolView({ height }: { height: number }) {
  const { theme } = useLook();
  const world = useCore((s) => s.world);
  if (!world) return <Text>reading…</Text>;
  const rows = world.containers
    .filter((c) => c.dataset && !c.reason)
    .sort((a, b) => b.used - a.used)
    .slice(0, Math.max(1, height - 10))
    // ink-table draws its cells with Ink's own Text, past components/Text: escape the names here.
    .map((c) => ({
      id: safeText(c.id),
      name: safeText(c.name),
      used: formatBytes(c.used),
      snapshots: formatBytes(c.usedBySnapshots),
      dataset: formatBytes(c.usedByDataset),
      checkpoints: c.checkpoints,
    }));
  return (
    <Box flexDirection="column">
      <Text bold color={theme.color('title')}>
        {'Pools  (Esc to close)'}
      </Text>
      {world.pools.map((p) => (
        <Text key={p.name}>
          {`${p.name}  ${p.health}  `}
          <CapacityBar percent={p.capacity} width={20} />
          {`  ${formatBytes(p.allocated)} of ${formatBytes(p.size)}, ${formatBytes(p.free)} free${p.fragmentation !== undefined ? `, fragmentation ${p.fragmentation}%` : ''}`}
          {poolLevel(p) !== 'ok' ? (
            <Text color={theme.color(poolLevel(p) === 'critical' ? 'status.error' : 'status.warning')}>{`  ${poolLevel(p).toUpperCase()}`}</Text>
          ) : null}
        </Text>
      ))}
      <Table data={rows} />
    </Box>
  );
}

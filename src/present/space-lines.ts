import type { ContainerSpace, PoolSpace, SpaceReport } from '../core/model/space.js';
import type { FreeOutcome, PrunePlan, PruneRule } from '../core/ops/prune.js';
import type { SpaceRange } from '../core/ops/space.js';
import { table } from './table.js';
import { formatBytes, formatTime, freesWords } from './units.js';

/** A pool's size and free space in one line; `~` marks sizes zfs-fuse's `zpool list` rounds. */
export function poolSpaceLine(p: PoolSpace): string {
  const a = p.approximate ? '~' : '';
  return `pool ${p.name}${p.node ? ` on ${p.node}` : ''}: size ${a}${formatBytes(p.size)}, allocated ${a}${formatBytes(p.allocated)}, free ${a}${formatBytes(p.free)}`;
}

/** Where a container's space is, in words an admin reads without knowing ZFS's `usedby*` properties. */
export function containerSpaceLine(c: ContainerSpace): string {
  return [
    `live ${formatBytes(c.live)}`,
    `checkpoints' own ${formatBytes(c.snapshotsUnique)}`,
    `shared between checkpoints ${formatBytes(c.snapshotsShared)} (freed only when every checkpoint holding it goes)`,
    `branches ${formatBytes(c.branches)}`,
    `CRIU images ${formatBytes(c.images)}`,
  ].join(', ');
}

/** One row per checkpoint, oldest first: date, name, label, used (its own space), written (or ~), referenced. */
export function checkpointSpaceRows(c: ContainerSpace): string[] {
  if (!c.checkpoints.length) return ['no checkpoints'];
  const branchy = c.lines.length > 1;
  return table(
    ['DATE', 'NAME', 'LABEL', 'USED', 'WRITTEN', 'REFERENCED'],
    c.checkpoints.map((k) => [
      formatTime(k.creation),
      branchy ? k.fullName : k.name,
      k.label ?? '',
      formatBytes(k.used),
      k.written !== undefined ? formatBytes(k.written) : '~',
      formatBytes(k.referenced),
    ]),
    [3, 4, 5],
  ).split('\n');
}

/** The whole report: per pool its size and free space, per container the breakdown and its checkpoints. */
export function spaceReportLines(report: SpaceReport): string[] {
  if (!report.pools.length) return ['no ZFS pools found (`zpool list` shows none): import or create a pool, or start ZFS'];
  const lines: string[] = [];
  for (const p of report.pools) {
    lines.push(poolSpaceLine(p));
    if (!p.containers.length) lines.push('  no containers on this pool');
    for (const c of p.containers) {
      lines.push(`  container ${c.id} (${c.dataset}): ${formatBytes(c.total)} in all`);
      lines.push(`    ${containerSpaceLine(c)}`);
      if (c.checkpoints.some((k) => k.written === undefined)) lines.push('    written: ~ where this ZFS does not report it');
      for (const row of checkpointSpaceRows(c)) lines.push(`    ${row}`);
    }
  }
  return lines;
}

/** How sure a range figure is, in words. */
export function rangeAccuracyText(r: Pick<SpaceRange, 'accuracy' | 'dryRunError'>): string {
  if (r.accuracy === 'exact') return 'exact (zfs destroy -nvp)';
  const why = r.dryRunError ? `zfs destroy -nvp refused (${r.dryRunError})` : 'this ZFS cannot compute it (no zfs destroy -nvp)';
  return `at least: the sum of each checkpoint's own space; space shared only between these checkpoints is freed too, but ${why}`;
}

export function spaceRangeLines(r: SpaceRange): string[] {
  const n = r.snapshots.length;
  const lines = [
    `destroying ${r.from} .. ${r.to} (${n} snapshot${n === 1 ? '' : 's'} of ${r.dataset}) ${freesWords(r.bytes, r.accuracy === 'exact')}`,
    `  ${rangeAccuracyText(r)}`,
  ];
  for (const b of r.blockers) {
    lines.push(`  ${b.snapshot} would stop a destroy: ${b.rule === 'held' ? `held (${b.detail})` : `origin of ${b.detail}`}`);
  }
  return lines;
}

const KEPT_BY: Partial<Record<PruneRule, string>> = {
  held: 'held',
  'clone-origin': 'origin of a clone',
  'newest-on-active-line': 'the newest on the active line',
  labelled: 'labelled (--include labelled prunes them)',
  floor: 'the min_keep floor',
};

/** A prune by size: whether the plan reaches the size asked and, when not, what kept the rest. */
export function freeOutcomeLine(free: FreeOutcome, accuracy: PrunePlan['reclaimAccuracy']): string {
  const figure = `${formatBytes(free.bytes)}${accuracy === 'exact' ? '' : ' (an estimate, at least that)'}`;
  if (free.reached) return `frees ${figure} of the ${formatBytes(free.target)} asked: oldest first, stopped once reached`;
  const kept = Object.entries(free.keptBy)
    .map(([rule, count]) => `${count} ${KEPT_BY[rule as PruneRule] ?? rule}`)
    .join(', ');
  return `can free only ${figure} of the ${formatBytes(free.target)} asked: every other checkpoint is kept${kept ? ` (${kept})` : ''}`;
}

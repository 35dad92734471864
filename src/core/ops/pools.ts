import type { PoolRecord, PoolStatus } from '../tools/zpool/parse.js';
import type { ContainerSummary } from '../world.js';

export type CapacityLevel = 'ok' | 'warning' | 'critical';

export const CAPACITY_WARNING = 80;
export const CAPACITY_CRITICAL = 95;

export interface ContainerSpace {
  id: string;
  dataset: string;
  used: number;
  usedBySnapshots: number;
  usedByDataset: number;
  checkpoints: number;
}

export interface PoolReport extends PoolRecord {
  level: CapacityLevel;
  /** Why the level is not ok. */
  warnings: string[];
  status?: PoolStatus;
  containers: ContainerSpace[];
}

/**
 * ok below 80 %, warning from 80 %, critical from 95 %: the one threshold function (CLI, JSON, console). Pools pass
 * zpool's own CAP: zpool computes it from exact bytes (floor of alloc * 100 / size, in zfs-fuse's pool v23 code as in
 * OpenZFS), so against whole-number thresholds it is as exact as `zpool list -Hp` bytes, and it is the figure shown
 * next to the level. zfs-fuse's SIZE/ALLOC are rounded (`1.98G`) and their quotient can be off by half a percent
 * either way (1.88G / 1.98G is 94.9 % where CAP says 95 %), so it is never used when CAP is there.
 */
export function capacityLevel(percent: number): CapacityLevel {
  return percent >= CAPACITY_CRITICAL ? 'critical' : percent >= CAPACITY_WARNING ? 'warning' : 'ok';
}

function healthLevel(health: string): CapacityLevel {
  if (health === 'ONLINE') return 'ok';
  if (health === 'DEGRADED') return 'warning';
  return 'critical';
}

const worst = (a: CapacityLevel, b: CapacityLevel): CapacityLevel =>
  a === 'critical' || b === 'critical' ? 'critical' : a === 'warning' || b === 'warning' ? 'warning' : 'ok';

/** A pool's level from its capacity and its health; `pool` in the CLI and the console's pool view both show this. */
export function poolLevel(pool: Pick<PoolRecord, 'capacity' | 'health'>): CapacityLevel {
  return worst(capacityLevel(pool.capacity), healthLevel(pool.health));
}

export function poolReport(pool: PoolRecord, containers: readonly ContainerSummary[], status?: PoolStatus): PoolReport {
  const cap = capacityLevel(pool.capacity);
  const health = healthLevel(pool.health);
  const warnings: string[] = [];
  if (cap !== 'ok')
    warnings.push(`${pool.capacity}% full (${cap} from ${cap === 'critical' ? CAPACITY_CRITICAL : CAPACITY_WARNING}%): prune checkpoints or add space`);
  if (health !== 'ok') warnings.push(`health ${pool.health}: see \`zpool status ${pool.name}\``);
  return {
    ...pool,
    level: poolLevel(pool),
    warnings,
    ...(status ? { status } : {}),
    containers: containers
      .filter((c) => c.pool === pool.name && c.dataset)
      .map((c) => ({
        id: c.id,
        dataset: c.dataset!,
        used: c.used,
        usedBySnapshots: c.usedBySnapshots,
        usedByDataset: c.usedByDataset,
        checkpoints: c.checkpoints,
      }))
      .sort((a, b) => b.used - a.used),
  };
}

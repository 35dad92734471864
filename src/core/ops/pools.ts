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

export function capacityLevel(capacity: number): CapacityLevel {
  return capacity >= CAPACITY_CRITICAL ? 'critical' : capacity >= CAPACITY_WARNING ? 'warning' : 'ok';
}

function healthLevel(health: string): CapacityLevel {
  if (health === 'ONLINE') return 'ok';
  if (health === 'DEGRADED') return 'warning';
  return 'critical';
}

const worst = (a: CapacityLevel, b: CapacityLevel): CapacityLevel =>
  a === 'critical' || b === 'critical' ? 'critical' : a === 'warning' || b === 'warning' ? 'warning' : 'ok';

export function poolReport(pool: PoolRecord, containers: readonly ContainerSummary[], status?: PoolStatus): PoolReport {
  const cap = capacityLevel(pool.capacity);
  const health = healthLevel(pool.health);
  const warnings: string[] = [];
  if (cap !== 'ok') warnings.push(`${pool.capacity}% full (${cap} from ${cap === 'critical' ? CAPACITY_CRITICAL : CAPACITY_WARNING}%): prune checkpoints or add space`);
  if (health !== 'ok') warnings.push(`health ${pool.health}: see \`zpool status ${pool.name}\``);
  return {
    ...pool,
    level: worst(cap, health),
    warnings,
    ...(status ? { status } : {}),
    containers: containers
      .filter((c) => c.pool === pool.name && c.dataset)
      .map((c) => ({ id: c.id, dataset: c.dataset!, used: c.used, usedBySnapshots: c.usedBySnapshots, usedByDataset: c.usedByDataset, checkpoints: c.checkpoints }))
      .sort((a, b) => b.used - a.used),
  };
}

import type { ContainerSummary } from '../world.js';
import type { PoolRecord } from '../tools/zpool/parse.js';
import type { DatasetRecord } from './dataset.js';
import type { Inventory } from './inventory.js';
import { ownFamily } from './ownership.js';

/** One snapshot's space: `used` is exactly ZFS's `used` of it (what destroying it alone frees). */
export interface CheckpointSpace {
  name: string;
  fullName: string;
  dataset: string;
  used: number;
  /** Bytes written since the previous snapshot (OpenZFS `written`); absent where the pool cannot say. */
  written?: number;
  referenced: number;
  /** Unix seconds. */
  creation: number;
  label?: string;
}

/** One dataset of a container's family: the live line or a branch a restore set aside. */
export interface LineSpace {
  dataset: string;
  active: boolean;
  /** The dataset's `used`: its data, its snapshots, and anything below it. */
  used: number;
  /** `usedbydataset`: the live data of this line. */
  live: number;
  /** Sum of the snapshots' own `used` (each one's unique space). */
  snapshotsUnique: number;
  /** `usedbysnapshots` minus the unique sum: blocks two or more snapshots share, freed only when all of them go. */
  snapshotsShared: number;
  checkpoints: CheckpointSpace[];
}

/**
 * Where a container's space is. The parts add up to the family's `used` plus the CRIU images:
 * live + snapshotsUnique + snapshotsShared (of the active line) + branches (every other line's whole `used`) + images.
 */
export interface ContainerSpace {
  id: string;
  node?: string;
  dataset: string;
  live: number;
  snapshotsUnique: number;
  snapshotsShared: number;
  branches: number;
  /** CRIU images of this container in the image store (0 when none, or not read). */
  images: number;
  total: number;
  /** Every snapshot of the family, oldest first. */
  checkpoints: CheckpointSpace[];
  /** The active line first, then the branches. */
  lines: LineSpace[];
}

export interface PoolSpace {
  name: string;
  /** The node it is on (a cluster of several nodes: their pools are often named alike). */
  node?: string;
  size: number;
  allocated: number;
  free: number;
  /** Sizes read from human units (zfs-fuse `zpool list`): approximate. Dataset bytes are always exact. */
  approximate: boolean;
  /** Biggest first. */
  containers: ContainerSpace[];
}

export interface SpaceReport {
  pools: PoolSpace[];
}

/** One snapshot's figures as the listing has them (no process). */
export function checkpointSpace(s: DatasetRecord): CheckpointSpace {
  const at = s.name.indexOf('@');
  return {
    name: s.name.slice(at + 1),
    fullName: s.name,
    dataset: s.name.slice(0, at),
    used: s.used,
    ...(s.written !== undefined ? { written: s.written } : {}),
    referenced: s.referenced,
    creation: s.creation,
    ...(s.user.label ? { label: s.user.label } : {}),
  };
}

function lineSpace(inv: Inventory, dataset: string, active: boolean): LineSpace {
  const rec = inv.get(dataset)!;
  const checkpoints: CheckpointSpace[] = inv.snapshotsOf(dataset).map(checkpointSpace);
  const snapshotsUnique = checkpoints.reduce((n, c) => n + c.used, 0);
  const bySnapshots = rec.usedbysnapshots ?? snapshotsUnique;
  return {
    dataset,
    active,
    used: rec.used,
    live: rec.usedbydataset ?? rec.referenced,
    snapshotsUnique,
    snapshotsShared: Math.max(0, bySnapshots - snapshotsUnique),
    checkpoints,
  };
}

/** A container's space from the listing in memory (no process). `images`: its CRIU images' bytes, if read. */
export function containerSpace(inv: Inventory, c: Pick<ContainerSummary, 'id' | 'dataset'>, images = 0): ContainerSpace | undefined {
  if (!c.dataset || !inv.get(c.dataset)) return undefined;
  const family = ownFamily(inv, c.dataset);
  const lines = [lineSpace(inv, c.dataset, true), ...family.filter((d) => d !== c.dataset).map((d) => lineSpace(inv, d, false))];
  const [live, ...others] = lines;
  const branches = others.reduce((n, l) => n + l.used, 0);
  return {
    id: c.id,
    dataset: c.dataset,
    live: live!.live,
    snapshotsUnique: live!.snapshotsUnique,
    snapshotsShared: live!.snapshotsShared,
    branches,
    images,
    total: live!.live + live!.snapshotsUnique + live!.snapshotsShared + branches + images,
    checkpoints: lines.flatMap((l) => l.checkpoints).sort((a, b) => a.creation - b.creation || (a.fullName < b.fullName ? -1 : 1)),
    lines,
  };
}

/**
 * The space explainer's numbers for every pool and container, from one listing: the CLI's `space` and the console's
 * space view both read this. `images` maps container id to its CRIU images' bytes.
 */
export function spaceReport(
  inv: Inventory,
  containers: readonly ContainerSummary[],
  pools: readonly PoolRecord[],
  images: ReadonlyMap<string, number> = new Map(),
): SpaceReport {
  return {
    pools: pools.map((p) => ({
      name: p.name,
      size: p.size,
      allocated: p.allocated,
      free: p.free,
      approximate: p.approximate,
      containers: containers
        .filter((c) => c.pool === p.name && !c.reason)
        .map((c) => containerSpace(inv, c, images.get(c.id) ?? 0))
        .filter((c): c is ContainerSpace => c !== undefined)
        .sort((a, b) => b.total - a.total || (a.id < b.id ? -1 : 1)),
    })),
  };
}

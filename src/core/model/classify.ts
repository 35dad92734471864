import type { DatasetRecord } from './dataset.js';

/** Ours: `checkpoint-*` (made by checkpoint) and `pre-restore-*` (safety, made before a restore). */
export type CheckpointClass = 'checkpoint' | 'safety' | 'foreign';

export const CHECKPOINT_NAME = /^checkpoint-\d+(?:-\d+)?$/;
export const SAFETY_NAME = /^pre-restore-\d+(?:-\d+)?$/;

export function classifySnapshot(short: string, rec?: Pick<DatasetRecord, 'user'>): CheckpointClass {
  if (CHECKPOINT_NAME.test(short)) return 'checkpoint';
  if (SAFETY_NAME.test(short)) return 'safety';
  const kind = rec?.user.kind;
  if (kind === 'checkpoint' || kind === 'safety') return kind;
  return 'foreign';
}

/**
 * Who probably made a foreign snapshot, from well-known naming habits: sanoid (`autosnap_<date>_<time>_<period>`),
 * syncoid (`syncoid_<host>_<date>`), zfs-auto-snapshot, and Proxmox itself (`pve`: vzdump's `vzdump`, storage
 * replication's `__replicate_<job>_<time>__`, migration's `__migration__`, and every snapshot its container config
 * names in a `[name]` section, given as `pveSnapshots`).
 */
export function foreignSource(short: string, pveSnapshots?: ReadonlySet<string>): string | undefined {
  if (/^autosnap_/.test(short)) return 'sanoid';
  if (/^syncoid_/.test(short)) return 'syncoid';
  if (/^zfs-auto-snap[_-]/.test(short)) return 'zfs-auto-snapshot';
  if (/^(vzdump|__replicate_|__migration__)/.test(short)) return 'pve';
  if (pveSnapshots?.has(short)) return 'pve';
  return undefined;
}

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

/** Who probably made a foreign snapshot, from well-known naming habits. */
export function foreignSource(short: string): string | undefined {
  if (/^autosnap_/.test(short)) return 'sanoid';
  if (/^zfs-auto-snap[_-]/.test(short)) return 'zfs-auto-snapshot';
  if (/^(vzdump|__replicate_|__migration__)/.test(short)) return 'proxmox';
  return undefined;
}

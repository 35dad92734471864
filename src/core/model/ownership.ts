import { RESERVED_PREFIX, parentDataset } from '../tools/zfs/names.js';
import { parseBranchMark, type DatasetRecord } from './dataset.js';
import type { Inventory } from './inventory.js';

/**
 * Which datasets belong to a container's checkpoint tree. A clone is a branch of the container only when
 * lxcri-console made it for that container: it sits beside the container's dataset, is named
 * `lxcri-br-<leaf>-<seconds>` (a kept line) or `lxcri-restore-<leaf>-<seconds>` (a restore in flight), and its
 * `lxcri:branch` mark, once set, reads as one. The mark names the id the restore was asked for, which may be any of
 * the dataset's aliases (a Proxmox id, an LXCRI id): the name, bound to this dataset, is what ties a branch to it.
 * Any other clone (a Proxmox linked clone, another
 * container, a replica) belongs to someone else: it is shown as a clone user and never touched.
 */
export function branchNamePattern(activeDataset: string): RegExp {
  const parent = parentDataset(activeDataset);
  const leaf = activeDataset.slice((parent?.length ?? -1) + 1);
  const prefix = parent ? `${escape(parent)}/` : '';
  // Unix seconds (9 digits and more) then at most a small same-second suffix: the leaf `web` never reads
  // `lxcri-br-web-2-1763890000`, a branch of `web-2`, as its own.
  return new RegExp(`^${prefix}${escape(RESERVED_PREFIX)}(?:br|restore)-${escape(leaf)}-\\d{9,}(?:-\\d{1,3})?$`);
}

/** True when `rec` is one of the active dataset's own branches (or the active dataset itself). */
export function ownedBy(activeDataset: string, rec: DatasetRecord, pattern = branchNamePattern(activeDataset)): boolean {
  if (rec.name === activeDataset) return true;
  if (rec.type !== 'filesystem' || !pattern.test(rec.name)) return false;
  return rec.user.branch === undefined || parseBranchMark(rec.user.branch) !== undefined;
}

/** The container's own datasets: its active one and the branches lxcri-console made for it, linked by clones. */
export function ownFamily(inv: Inventory, activeDataset: string): string[] {
  const pattern = branchNamePattern(activeDataset);
  return inv.family(activeDataset, (rec) => ownedBy(activeDataset, rec, pattern));
}

/**
 * Who a dataset outside the tree probably belongs to, for messages ("clone used by CT 105"): Proxmox volume names
 * carry their VMID, another container's branch its leaf; otherwise the dataset's last component.
 */
export function describeOwner(dataset: string): string {
  const leaf = dataset.slice(dataset.lastIndexOf('/') + 1);
  let m: RegExpExecArray | null;
  if ((m = /^(?:subvol|basevol)-(\d+)-disk-\d+$/.exec(leaf))) return `CT ${m[1]}`;
  if ((m = /^(?:vm|base)-(\d+)-disk-\d+$/.exec(leaf))) return `VM ${m[1]}`;
  if ((m = new RegExp(`^${escape(RESERVED_PREFIX)}(?:br|restore)-(.+)-\\d{9,}(?:-\\d{1,3})?$`).exec(leaf))) return `a branch of ${m[1]}`;
  // A diff's, a listing's or a file restore's read-only clone (ops/temp-clones.ts), destroyed when it ends.
  if ((m = new RegExp(`^${escape(RESERVED_PREFIX)}tmp-(.+)-\\d{9,}-\\d{1,3}(?:-\\d{1,3})?$`).exec(leaf))) return `a temporary clone for ${m[1]}`;
  return leaf;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

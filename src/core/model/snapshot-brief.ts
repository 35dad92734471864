import type { CheckpointNode } from './tree.js';

/** A snapshot as a preview names it to a person: its label, when it was taken and the space it holds. */
export interface SnapshotBrief {
  fullName: string;
  name: string;
  label?: string;
  creation: number;
  /** Space only this snapshot holds (what destroying it frees). */
  used: number;
  /** The data the snapshot refers to (the disk's size at that point). */
  referenced: number;
}

export function briefOf(n: Pick<CheckpointNode, 'fullName' | 'name' | 'label' | 'creation' | 'used' | 'referenced'>): SnapshotBrief {
  return { fullName: n.fullName, name: n.name, ...(n.label ? { label: n.label } : {}), creation: n.creation, used: n.used, referenced: n.referenced };
}

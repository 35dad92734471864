import type { RuntimeState } from '../core/store.js';
import type { ContainerSummary } from '../core/world.js';
import { formatBytes } from './units.js';

/** The container list's columns, fitted to a width: the id column as wide as the widest id (up to 12). */
export interface ContainerColumns {
  id: number;
  name: number;
  /** As wide as the longest flag shown (a lock, `unmounted`, `no zfs`), at least the header. */
  flag: number;
}

const STATUS = 7;
const CKP = 3;
const SNAP = 6;

/** The id and flag columns as wide as what they hold (the id up to 12), the name gets the rest. */
export function containerColumns(list: readonly ContainerSummary[], width: number): ContainerColumns {
  const id = Math.min(12, Math.max(2, ...list.map((c) => c.id.length)));
  const flag = Math.min(10, Math.max(4, ...list.map((c) => containerFlag(c).length)));
  // gutter 1, then id name status flag ckp snap, one space apart.
  return { id, flag, name: Math.max(4, width - (1 + id + 1 + 1 + STATUS + 1 + flag + 1 + CKP + 1 + SNAP)) };
}

const cell = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}~` : text.padEnd(width));

export function containerHeader(cols: ContainerColumns): string {
  return ` ${'ID'.padEnd(cols.id)} ${'NAME'.padEnd(cols.name)} ${'STATUS'.padEnd(STATUS)} ${'FLAG'.padEnd(cols.flag)} ${'CKP'.padStart(CKP)} ${'SNAPS'.padStart(SNAP)}`;
}

/**
 * What the status column says: the runtime's own state.json (the watcher's, live) when it has one for this
 * container, else what Proxmox/LXC reported at the last refresh.
 */
export function liveStatus(c: ContainerSummary, runtime: RuntimeState | undefined): string {
  return runtime?.status ?? c.status;
}

/** The flag column: why this container needs a look (a Proxmox lock, an unmounted dataset, no ZFS). */
export function containerFlag(c: ContainerSummary): string {
  if (c.lock) return c.lock;
  if (c.unmounted) return 'unmounted';
  if (c.reason) return 'no zfs';
  return '';
}

export function containerLine(c: ContainerSummary, cols: ContainerColumns, runtime?: RuntimeState): string {
  return `${cell(c.id, cols.id)} ${cell(c.name, cols.name)} ${cell(liveStatus(c, runtime), STATUS)} ${cell(containerFlag(c), cols.flag)} ${String(c.checkpoints).padStart(CKP)} ${formatBytes(c.usedBySnapshots).padStart(SNAP)}`;
}

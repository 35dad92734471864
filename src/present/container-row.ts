import type { RuntimeState } from '../core/store.js';
import type { ContainerSummary } from '../core/world.js';
import { formatAge, formatBytes } from './units.js';

/** The container list's columns, fitted to a width: the id column as wide as the widest id (up to 12). */
export interface ContainerColumns {
  id: number;
  /** The node's name in a cluster (0: a single host, no column). */
  node: number;
  name: number;
  /** As wide as the longest flag shown (a lock, `unmounted`, `no zfs`), at least the header; 0 when it does not fit. */
  flag: number;
  /** The checkpoint count and the snapshots' space (CKP, SNAPS): left out of a narrow pane (the tree beside it says). */
  counts: boolean;
  /** Wide enough for the age of the latest checkpoint and the family's whole space too. */
  wide: boolean;
}

const STATUS = 7;
const CKP = 3;
const SNAP = 6;
const LAST = 4;
const USED = 6;
/** The name keeps this much: the flag, then the counts join only while it does. */
const NAME_MIN = 8;
/** The name gets this much before the wide columns (LAST, USED) are added. */
const NAME_ROOM = 24;

/**
 * The id and flag columns as wide as what they hold (the id up to 12), the name gets the rest. Always the id, name
 * and status; then, while the name keeps NAME_MIN columns, the flag and the counts; LAST and USED on a wide pane.
 */
export function containerColumns(list: readonly ContainerSummary[], width: number): ContainerColumns {
  const id = Math.min(12, Math.max(2, ...list.map((c) => c.id.length)));
  const flagWidest = Math.min(10, Math.max(4, ...list.map((c) => containerFlag(c).length)));
  const node = list.some((c) => c.node) ? Math.min(10, Math.max(4, ...list.map((c) => c.node?.length ?? 0))) : 0;
  // gutter 1, then id [node] name status [flag] [ckp snaps] [last used], one space apart.
  let name = width - (1 + id + 1 + 1 + STATUS) - (node ? node + 1 : 0);
  const flag = name - (1 + flagWidest) >= NAME_MIN ? flagWidest : 0;
  if (flag) name -= 1 + flag;
  const counts = name - (1 + CKP + 1 + SNAP) >= NAME_MIN;
  if (counts) name -= 1 + CKP + 1 + SNAP;
  const wide = counts && name - (1 + LAST + 1 + USED) >= NAME_ROOM;
  if (wide) name -= 1 + LAST + 1 + USED;
  return { id, node, flag, counts, wide, name: Math.max(4, name) };
}

const cell = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}~` : text.padEnd(width));

export function containerHeader(cols: ContainerColumns): string {
  return [
    ` ${'ID'.padEnd(cols.id)} ${cols.node ? `${'NODE'.padEnd(cols.node)} ` : ''}${'NAME'.padEnd(cols.name)} ${'STATUS'.padEnd(STATUS)}`,
    cols.flag ? ` ${'FLAG'.padEnd(cols.flag)}` : '',
    cols.counts ? ` ${'CKP'.padStart(CKP)} ${'SNAPS'.padStart(SNAP)}` : '',
    cols.wide ? ` ${'LAST'.padStart(LAST)} ${'USED'.padStart(USED)}` : '',
  ]
    .join('')
    .trimEnd();
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

/** `nowSeconds` for the LAST column (the age of the newest checkpoint) on a wide pane; a marked container's name starts with `*`. */
export function containerLine(
  c: ContainerSummary,
  cols: ContainerColumns,
  runtime?: RuntimeState,
  nowSeconds = Math.floor(Date.now() / 1000),
  marked = false,
): string {
  return [
    `${cell(c.id, cols.id)} ${cols.node ? `${cell(c.node ?? '', cols.node)} ` : ''}${cell(`${marked ? '*' : ''}${c.name}`, cols.name)} ${cell(liveStatus(c, runtime), STATUS)}`,
    cols.flag ? ` ${cell(containerFlag(c), cols.flag)}` : '',
    cols.counts ? ` ${String(c.checkpoints).padStart(CKP)} ${formatBytes(c.usedBySnapshots).padStart(SNAP)}` : '',
    cols.wide
      ? ` ${(c.latestCheckpoint ? formatAge(c.latestCheckpoint.creation, nowSeconds, true) : '-').padStart(LAST)} ${(c.reason ? '-' : formatBytes(c.used)).padStart(USED)}`
      : '',
  ]
    .join('')
    .trimEnd();
}

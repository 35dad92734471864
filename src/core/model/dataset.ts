export type DatasetType = 'filesystem' | 'volume' | 'snapshot' | 'bookmark';

/** One row of the ZFS listing: a filesystem, volume or snapshot with the properties the tree needs. */
export interface DatasetRecord {
  name: string;
  type: DatasetType;
  guid: string;
  createtxg: number;
  /** Unix seconds. */
  creation: number;
  used: number;
  referenced: number;
  /** Snapshot this filesystem was cloned from. */
  origin?: string;
  mountpoint?: string;
  mounted?: boolean;
  /** Number of holds on a snapshot. */
  userrefs: number;
  usedbysnapshots?: number;
  usedbydataset?: number;
  available?: number;
  /** Bytes written since the previous snapshot (OpenZFS only). */
  written?: number;
  /** User properties in our namespace (`lxcri:*`) that are set, without the prefix. */
  user: Record<string, string>;
}

export const USER_PREFIX = 'lxcri:';

/** User properties we write. Snapshot-level ones never go on filesystems, because user properties inherit. */
export const USER_PROPS = {
  /** snapshot: free-text label */
  label: 'label',
  /** snapshot: checkpoint | safety */
  kind: 'kind',
  createdBy: 'created-by',
  host: 'host',
  /** snapshot: path of a CRIU image in the image store */
  image: 'image',
  /**
   * filesystem: marks a former line kept by a branch restore (or an undo or switch), as `<container id>@<unix
   * seconds>` and what set it aside (parseBranchMark); one property, so marking costs one `zfs set` on every flavour.
   */
  branch: 'branch',
  /** snapshot: the nodes this snapshot is the replication base for (comma-separated), each holding it `lxcri-repl:<node>` */
  replicated: 'replicated',
  /** filesystem: a read-only replica of another node's container (`<node>:<dataset>`); not a container here */
  replicaOf: 'replica-of',
  /** filesystem: the node a container was moved here from (`move`): its replicas on other nodes are taken over. */
  movedFrom: 'moved-from',
} as const;

/**
 * The nodes an `lxcri:replicated` mark names (comma-separated). `-` is the mark of none: set instead of inherited
 * where a value received with the stream would come back (a replica, a moved container).
 */
export const replicationPeers = (mark: string | undefined): string[] => (mark ?? '').split(',').filter((p) => p && p !== '-');

/**
 * What set a line aside: a branch restore (to the checkpoint `to`), an undo of one (of the restore to `to`), or a
 * switch to another line.
 */
export type SetAsideBy = 'restore' | 'undo' | 'switch';

export interface BranchMark {
  container: string;
  at: number;
  by?: SetAsideBy;
  /** The guid of the checkpoint the restore went to (restore), or of the one the undone restore went to (undo). */
  to?: string;
}

const MARK_TAIL = /^(\d+)(?::(restore|undo|switch)(?::([^:\s]+))?)?$/;

/**
 * Reads the `lxcri:branch` value: `<container>@<unix seconds>`, then what set the line aside (`:restore:<guid>`,
 * `:undo:<guid>`, `:switch`; absent on marks written before it was recorded).
 */
export function parseBranchMark(value: string | undefined): BranchMark | undefined {
  if (!value) return undefined;
  const at = value.lastIndexOf('@');
  const m = at > 0 ? MARK_TAIL.exec(value.slice(at + 1)) : null;
  if (!m) return undefined;
  return { container: value.slice(0, at), at: Number(m[1]), ...(m[2] ? { by: m[2] as SetAsideBy } : {}), ...(m[3] ? { to: m[3] } : {}) };
}

/** The `lxcri:branch` value for a line set aside at `seconds` (one property: one `zfs set` on every flavour). */
export function branchMark(container: string, seconds: number, by?: SetAsideBy, to?: string): string {
  const guid = to && /^[^:@\s]+$/.test(to) ? `:${to}` : '';
  return `${container}@${seconds}${by ? `:${by}${by === 'switch' ? '' : guid}` : ''}`;
}

export function isSnapshotName(name: string): boolean {
  return name.includes('@');
}

/** A filesystem ZFS mounts itself (its mountpoint is neither `none` nor `legacy`). */
export function mountable(rec: DatasetRecord): boolean {
  return rec.mountpoint !== 'none' && rec.mountpoint !== 'legacy';
}

/** Mounted by ZFS now: a mountable filesystem that zfs does not report unmounted. */
export function mountedNow(rec: DatasetRecord | undefined): boolean {
  return rec !== undefined && rec.mounted !== false && mountable(rec);
}

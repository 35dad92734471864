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
   * filesystem: marks a former line kept by a branch restore, as `<container id>@<unix seconds>` (one property,
   * so marking a branch costs one `zfs set` on every flavour).
   */
  branch: 'branch',
  /** snapshot: the nodes this snapshot is the replication base for (comma-separated), each holding it `lxcri-repl:<node>` */
  replicated: 'replicated',
  /** filesystem: a read-only replica of another node's container (`<node>:<dataset>`); not a container here */
  replicaOf: 'replica-of',
} as const;

/** Reads the `lxcri:branch` value. */
export function parseBranchMark(value: string | undefined): { container: string; at: number } | undefined {
  if (!value) return undefined;
  const at = value.lastIndexOf('@');
  const seconds = Number(value.slice(at + 1));
  return at > 0 && Number.isFinite(seconds) ? { container: value.slice(0, at), at: seconds } : undefined;
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

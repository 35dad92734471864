export type ContainerSourceName = 'pct' | 'lxc' | 'lxcri' | 'zfs';

export type ContainerStatus = 'running' | 'stopped' | 'frozen' | 'paused' | 'created' | 'unknown';

export interface ContainerMount {
  /** `rootfs`, `mp0`…, or `rootfs` for LXC/LXCRI. */
  key: string;
  /** Proxmox volume id (`local-zfs:subvol-101-disk-0`) or a path. */
  volume: string;
  /** Mount path inside the container (mpN). */
  path?: string;
  dataset?: string;
}

/** One container as the sources see it, merged by id. */
export interface Container {
  id: string;
  name: string;
  status: ContainerStatus;
  /** Proxmox lock (`backup`, `snapshot`, …). */
  lock?: string;
  sources: ContainerSourceName[];
  /** The dataset holding the root filesystem: what checkpoints snapshot. */
  dataset?: string;
  mounts: ContainerMount[];
  /** Snapshots Proxmox made (`pct snapshot`): the `[name]` sections of its config. */
  pveSnapshots?: string[];
  /** Why there is no dataset, when there is none. */
  reason?: string;
  pid?: number;
  /** A state file that could not be read (LXCRI). */
  error?: string;
}

export const SOURCE_RANK: Record<ContainerSourceName, number> = { pct: 0, lxcri: 1, lxc: 2, zfs: 3 };

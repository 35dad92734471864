export type ZfsFlavour = 'openzfs' | 'zfs-fuse';

/** What the installed ZFS can do; detected once per process (see detectCapabilities). */
export interface ZfsCapabilities {
  flavour: ZfsFlavour;
  /** e.g. "zfs-2.2.6-pve1", or "pool v23" for zfs-fuse. */
  version: string;
  /** `zfs list -p` and `zpool list -p` */
  parsableList: boolean;
  /** several snapshot names in one atomic `zfs snapshot` */
  multiSnapshot: boolean;
  /** `zfs destroy -nvp` reports exact bytes reclaimed */
  destroyDryRun: boolean;
  /** the `written` property */
  written: boolean;
  /** `zpool list -o fragmentation` */
  fragmentation: boolean;
  /** rename and promote only on unmounted datasets */
  renameNeedsUnmount: boolean;
}

export const OPENZFS_CAPABILITIES: Omit<ZfsCapabilities, 'version'> = {
  flavour: 'openzfs',
  parsableList: true,
  multiSnapshot: true,
  destroyDryRun: true,
  written: true,
  fragmentation: true,
  renameNeedsUnmount: false,
};

export const LEGACY_CAPABILITIES: Omit<ZfsCapabilities, 'version'> = {
  flavour: 'zfs-fuse',
  parsableList: false,
  multiSnapshot: false,
  destroyDryRun: false,
  written: false,
  fragmentation: false,
  renameNeedsUnmount: true,
};

/**
 * Parses `zfs version` (OpenZFS >= 0.8 prints "zfs-2.2.6-pve1\nzfs-kmod-2.2.6-pve1").
 * Returns undefined when the output is not OpenZFS's; the caller then treats the ZFS as legacy.
 */
export function parseZfsVersion(stdout: string): string | undefined {
  const first = stdout
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^zfs-\d/.test(l));
  return first;
}

/** `zpool upgrade -v` on legacy ZFS: "This system is currently running ZFS pool version 23." */
export function parsePoolVersion(stdout: string): number | undefined {
  const m = /pool version (\d+)/.exec(stdout);
  return m ? Number(m[1]) : undefined;
}

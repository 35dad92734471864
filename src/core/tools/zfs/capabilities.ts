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
  /** JSON output (OpenZFS >= 2.3): `zfs list -j`, `zpool status -j` */
  json: boolean;
  /** `zfs diff -FHt` (OpenZFS); without it a diff walks temporary clones */
  diff: boolean;
  /** a mounted filesystem shows its snapshots under `<mountpoint>/.zfs/snapshot/<name>` (OpenZFS) */
  snapshotDir: boolean;
}

export const OPENZFS_CAPABILITIES: Omit<ZfsCapabilities, 'version'> = {
  flavour: 'openzfs',
  parsableList: true,
  multiSnapshot: true,
  destroyDryRun: true,
  written: true,
  fragmentation: true,
  renameNeedsUnmount: false,
  json: false,
  diff: true,
  snapshotDir: true,
};

export const LEGACY_CAPABILITIES: Omit<ZfsCapabilities, 'version'> = {
  flavour: 'zfs-fuse',
  parsableList: false,
  multiSnapshot: false,
  destroyDryRun: false,
  written: false,
  fragmentation: false,
  renameNeedsUnmount: true,
  json: false,
  diff: false,
  snapshotDir: false,
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

/** The first OpenZFS release with JSON output (`-j`) for `zfs list`, `zfs get`, `zpool status`, `zpool list`. */
export const JSON_SINCE = { major: 2, minor: 3 } as const;

/** Release of an OpenZFS version string: "zfs-2.3.1-pve1" gives { major: 2, minor: 3 }; undefined when unreadable. */
export function openzfsRelease(version: string): { major: number; minor: number } | undefined {
  const m = /^zfs-(\d+)\.(\d+)/.exec(version.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** What one node's probe printed: `zfs version` (undefined when it failed, as on zfs-fuse), `zpool upgrade -v` if read. */
export interface ZfsProbe {
  zfsVersion?: string;
  poolVersion?: string;
}

/**
 * The capabilities a node's probe output means, as a pure function (a remote node's output can be fed in):
 * OpenZFS >= 2.3 gets JSON output, other OpenZFS the `-Hp` forms, anything else (zfs-fuse) the legacy forms.
 */
export function capabilitiesFromProbe(probe: ZfsProbe): ZfsCapabilities {
  const version = probe.zfsVersion === undefined ? undefined : parseZfsVersion(probe.zfsVersion);
  if (version) {
    const release = openzfsRelease(version);
    const json = release !== undefined && (release.major > JSON_SINCE.major || (release.major === JSON_SINCE.major && release.minor >= JSON_SINCE.minor));
    return { ...OPENZFS_CAPABILITIES, version, json };
  }
  const pool = probe.poolVersion === undefined ? undefined : parsePoolVersion(probe.poolVersion);
  return { ...LEGACY_CAPABILITIES, version: pool === undefined ? 'legacy' : `pool v${pool}` };
}

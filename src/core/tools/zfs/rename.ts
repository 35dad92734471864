/** What `zfs rename` needs to know about the datasets around the one it renames (see Zfs.rename). */
export interface DependencyRecord {
  name: string;
  /** The snapshot a clone was made from, or undefined. */
  origin?: string;
  mounted: boolean;
  mountpoint: string;
}

/** Parses `zfs list -H -o name,origin,mounted,mountpoint -t filesystem`. */
export function parseDependencyListing(stdout: string): DependencyRecord[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name = '', origin = '-', mounted = 'no', mountpoint = '-'] = line.split('\t');
      return { name, ...(origin !== '-' && origin !== '' ? { origin } : {}), mounted: mounted === 'yes', mountpoint };
    });
}

/**
 * The mounted datasets `zfs rename <from>` would unmount and mount again (libzfs's changelist with every dependent):
 * `from`, its descendants, the clones of their snapshots, and so on. `alsoMounted` are ones a failed rename could
 * not mount again (they were mounted before it). Ordered for mounting: parents' mountpoints first.
 */
export function dependentsToFree(records: readonly DependencyRecord[], from: string, alsoMounted: readonly string[] = []): string[] {
  const family = new Set([from]);
  const inFamily = (r: DependencyRecord) => [...family].some((f) => r.name.startsWith(`${f}/`) || (r.origin !== undefined && r.origin.startsWith(`${f}@`)));
  for (let grew = true; grew;) {
    grew = false;
    for (const r of records) {
      if (!family.has(r.name) && inFamily(r)) {
        family.add(r.name);
        grew = true;
      }
    }
  }
  const extra = new Set(alsoMounted);
  return records
    .filter((r) => family.has(r.name) && (r.mounted || extra.has(r.name)) && r.mountpoint.startsWith('/'))
    .sort((a, b) => (a.mountpoint < b.mountpoint ? -1 : a.mountpoint > b.mountpoint ? 1 : 0))
    .map((r) => r.name);
}

/** Datasets a `zfs rename` could not mount again afterwards ("cannot mount 'pool/x': mountpoint or dataset is busy"). */
export function failedRemounts(text: string): string[] {
  return [...text.matchAll(/cannot mount '([^'/][^']*)'/g)].map((m) => m[1]!);
}

/**
 * Whether a failed `zfs rename` renamed all the same: libzfs prints "cannot rename" when the rename itself fails and
 * "cannot unmount" when it could not unmount a dependent first (nothing renamed); a failure to mount the dependents
 * again afterwards is reported alone.
 */
export function renamedDespiteFailure(text: string): boolean {
  return !/cannot rename|cannot unmount/.test(text) && failedRemounts(text).length > 0;
}

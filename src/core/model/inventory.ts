import type { DatasetRecord } from './dataset.js';
import { isSnapshotName } from './dataset.js';

function byTxg(a: DatasetRecord, b: DatasetRecord): number {
  return a.createtxg - b.createtxg || a.creation - b.creation || (a.name < b.name ? -1 : 1);
}

/** Indexes one ZFS listing: datasets by name, snapshots per dataset in creation order, clones per origin. */
export class Inventory {
  readonly byName = new Map<string, DatasetRecord>();
  readonly filesystems: DatasetRecord[] = [];
  private readonly snapshots = new Map<string, DatasetRecord[]>();
  private readonly clones = new Map<string, string[]>();

  constructor(readonly records: readonly DatasetRecord[]) {
    for (const rec of records) {
      this.byName.set(rec.name, rec);
      if (isSnapshotName(rec.name)) {
        const ds = rec.name.slice(0, rec.name.indexOf('@'));
        let list = this.snapshots.get(ds);
        if (!list) this.snapshots.set(ds, (list = []));
        list.push(rec);
      } else {
        this.filesystems.push(rec);
        if (rec.origin) {
          let list = this.clones.get(rec.origin);
          if (!list) this.clones.set(rec.origin, (list = []));
          list.push(rec.name);
        }
      }
    }
    for (const list of this.snapshots.values()) list.sort(byTxg);
  }

  get(name: string): DatasetRecord | undefined {
    return this.byName.get(name);
  }

  snapshotsOf(dataset: string): readonly DatasetRecord[] {
    return this.snapshots.get(dataset) ?? [];
  }

  clonesOf(snapshot: string): readonly string[] {
    return this.clones.get(snapshot) ?? [];
  }

  /** Direct child filesystems/volumes of a dataset. */
  childrenOf(dataset: string): DatasetRecord[] {
    const prefix = dataset + '/';
    return this.filesystems.filter((d) => d.name.startsWith(prefix) && !d.name.slice(prefix.length).includes('/'));
  }

  /**
   * The datasets linked to `dataset` by clone relations in either direction that `include` accepts: the container's
   * whole checkpoint family, whichever of them currently holds the original snapshots (this is what makes
   * `zfs promote` invisible). Clones `include` refuses (other owners' datasets) end the walk there.
   */
  family(dataset: string, include: (rec: DatasetRecord) => boolean): string[] {
    const seen = new Set<string>();
    const queue = [dataset];
    while (queue.length) {
      const name = queue.pop()!;
      const rec = this.byName.get(name);
      if (seen.has(name) || !rec || (name !== dataset && !include(rec))) continue;
      seen.add(name);
      if (rec.origin) queue.push(rec.origin.slice(0, rec.origin.indexOf('@')));
      for (const snap of this.snapshotsOf(name)) queue.push(...this.clonesOf(snap.name));
    }
    return [...seen];
  }
}

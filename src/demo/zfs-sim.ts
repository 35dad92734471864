/**
 * A simulated ZFS (OpenZFS 2.x, as on Proxmox): datasets, snapshots, clones, promote, rollback, holds and space,
 * answering with the real tools' output formats and error messages. The demo host and the differential tests use it.
 */
export interface SimDataset {
  name: string;
  type: 'filesystem' | 'snapshot';
  guid: string;
  createtxg: number;
  creation: number;
  /** Bytes this dataset (or snapshot) holds on its own. */
  own: number;
  referenced: number;
  origin?: string;
  mountpoint?: string;
  mounted: boolean;
  holds: number;
  /** Properties set locally (user properties and native ones). */
  local: Record<string, string>;
}

export class ZfsError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export class ZfsSim {
  readonly datasets = new Map<string, SimDataset>();
  private txg = 1000;
  private guidSeed = 0x5eed;

  constructor(
    public now: () => number,
    public poolSize: number,
  ) {}

  private guid(): string {
    this.guidSeed = (this.guidSeed * 48271) % 2147483647;
    return String(BigInt(this.guidSeed) * 4294967311n + BigInt(this.txg));
  }

  get(name: string): SimDataset {
    const d = this.datasets.get(name);
    if (!d) throw new ZfsError(`cannot open '${name}': dataset does not exist`);
    return d;
  }

  snapshotsOf(ds: string): SimDataset[] {
    return [...this.datasets.values()].filter((d) => d.type === 'snapshot' && d.name.startsWith(`${ds}@`)).sort((a, b) => a.createtxg - b.createtxg);
  }

  clonesOf(snap: string): SimDataset[] {
    return [...this.datasets.values()].filter((d) => d.origin === snap);
  }

  children(ds: string): SimDataset[] {
    return [...this.datasets.values()].filter((d) => d.type === 'filesystem' && d.name.startsWith(`${ds}/`));
  }

  allocated(): number {
    let sum = 0;
    for (const d of this.datasets.values()) sum += d.own;
    return sum;
  }

  create(name: string, own = 96 * 1024, local: Record<string, string> = {}): SimDataset {
    if (this.datasets.has(name)) throw new ZfsError(`cannot create '${name}': dataset already exists`);
    const parent = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : undefined;
    if (parent && !this.datasets.has(parent)) this.create(parent);
    const d: SimDataset = {
      name,
      type: 'filesystem',
      guid: this.guid(),
      createtxg: ++this.txg,
      creation: Math.floor(this.now() / 1000),
      own,
      referenced: own,
      mounted: true,
      holds: 0,
      local: { ...local },
    };
    this.datasets.set(name, d);
    this.remount(d);
    return d;
  }

  private remount(d: SimDataset): void {
    d.mountpoint = d.local.mountpoint ?? `/${d.name}`;
  }

  snapshot(names: readonly string[], props: Record<string, string>, recursive: boolean, growBy = 0): void {
    const targets = recursive
      ? names.flatMap((n) => {
          const [ds, snap] = n.split('@') as [string, string];
          return [ds, ...this.children(ds).map((c) => c.name)].map((d) => `${d}@${snap}`);
        })
      : names;
    for (const n of targets) {
      const ds = n.slice(0, n.indexOf('@'));
      this.get(ds);
      if (this.datasets.has(n)) throw new ZfsError(`cannot create snapshot '${n}': dataset already exists`);
    }
    if (this.poolSize < 2 ** 49 && this.allocated() + 1 >= this.poolSize) throw new ZfsError(`cannot create snapshot '${targets[0]}': out of space`);
    const txg = ++this.txg;
    for (const n of targets) {
      const ds = this.get(n.slice(0, n.indexOf('@')));
      this.datasets.set(n, {
        name: n,
        type: 'snapshot',
        guid: this.guid(),
        createtxg: txg,
        creation: Math.floor(this.now() / 1000),
        own: growBy,
        referenced: ds.referenced,
        mounted: false,
        holds: 0,
        local: { ...props },
      });
    }
  }

  destroy(name: string, recursive: boolean): void {
    const d = this.get(name);
    if (d.type === 'snapshot') {
      if (d.holds) throw new ZfsError(`cannot destroy snapshot ${name}: dataset is busy`);
      const clones = this.clonesOf(name);
      if (clones.length) {
        throw new ZfsError(
          `cannot destroy '${name}': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\n${clones.map((c) => c.name).join('\n')}`,
        );
      }
      this.releaseSpace(d);
      this.datasets.delete(name);
      return;
    }
    const snaps = this.snapshotsOf(name);
    if (!recursive && snaps.length) {
      throw new ZfsError(
        `cannot destroy '${name}': filesystem has children\nuse '-r' to destroy the following datasets:\n${snaps.map((s) => s.name).join('\n')}`,
      );
    }
    for (const s of snaps) {
      if (this.clonesOf(s.name).length) throw new ZfsError(`cannot destroy '${s.name}': snapshot has dependent clones`);
      if (s.holds) throw new ZfsError(`cannot destroy snapshot ${s.name}: dataset is busy`);
    }
    for (const s of snaps) this.datasets.delete(s.name);
    this.datasets.delete(name);
  }

  /** A destroyed snapshot's space goes to its neighbour, as ZFS block ownership would shift (roughly). */
  private releaseSpace(d: SimDataset): void {
    const ds = d.name.slice(0, d.name.indexOf('@'));
    const later = this.snapshotsOf(ds).find((s) => s.createtxg > d.createtxg);
    if (later) later.own += Math.floor(d.own / 4);
  }

  clone(snap: string, target: string, props: Record<string, string>): void {
    const s = this.get(snap);
    if (this.datasets.has(target)) throw new ZfsError(`cannot create '${target}': dataset already exists`);
    const d = this.create(target, 64 * 1024, props);
    d.origin = snap;
    d.referenced = s.referenced;
  }

  rename(from: string, to: string): void {
    const d = this.get(from);
    if (this.datasets.has(to)) throw new ZfsError(`cannot rename to '${to}': dataset already exists`);
    const moved = [d, ...this.snapshotsOf(from)];
    for (const x of moved) this.datasets.delete(x.name);
    for (const x of moved) {
      const renamed = x === d ? to : `${to}@${x.name.slice(x.name.indexOf('@') + 1)}`;
      for (const c of this.clonesOf(x.name)) c.origin = renamed;
      x.name = renamed;
      this.datasets.set(renamed, x);
    }
    this.remount(d);
  }

  promote(name: string): void {
    const d = this.get(name);
    if (!d.origin) throw new ZfsError(`cannot promote '${name}': not a cloned filesystem`);
    const origin = this.get(d.origin);
    const source = d.origin.slice(0, d.origin.indexOf('@'));
    const moving = this.snapshotsOf(source).filter((s) => s.createtxg <= origin.createtxg);
    for (const s of moving) {
      const short = s.name.slice(s.name.indexOf('@') + 1);
      if (this.datasets.has(`${name}@${short}`))
        throw new ZfsError(`cannot promote '${name}': snapshot name '${short}' from origin conflicts with '${name}@${short}' from target`);
    }
    const sourceDs = this.get(source);
    const newOriginForSource = origin.name.replace(`${source}@`, `${name}@`);
    const formerOrigin = sourceDs.origin;
    for (const s of moving) {
      const short = s.name.slice(s.name.indexOf('@') + 1);
      const renamed = `${name}@${short}`;
      for (const c of this.clonesOf(s.name)) if (c !== d) c.origin = renamed;
      this.datasets.delete(s.name);
      s.name = renamed;
      this.datasets.set(renamed, s);
    }
    if (formerOrigin) d.origin = formerOrigin;
    else delete d.origin;
    sourceDs.origin = newOriginForSource;
  }

  rollback(snap: string, flag: '' | '-r' | '-R'): void {
    const s = this.get(snap);
    const ds = snap.slice(0, snap.indexOf('@'));
    const later = this.snapshotsOf(ds).filter((x) => x.createtxg > s.createtxg);
    if (later.length && !flag) {
      throw new ZfsError(
        `cannot rollback to '${snap}': more recent snapshots or bookmarks exist\nuse '-r' to force deletion of the following snapshots and bookmarks:\n${later.map((x) => x.name).join('\n')}`,
      );
    }
    const clones = later.flatMap((x) => this.clonesOf(x.name));
    if (clones.length && flag !== '-R') {
      throw new ZfsError(
        `cannot rollback to '${snap}': clones of previous snapshots exist\nuse '-R' to force deletion of the following clones and dependents:\n${clones.map((c) => c.name).join('\n')}`,
      );
    }
    for (const c of clones) this.destroyClone(c.name);
    for (const x of later) {
      if (x.holds) throw new ZfsError(`cannot destroy snapshot ${x.name}: dataset is busy`);
      this.datasets.delete(x.name);
    }
    this.get(ds).referenced = s.referenced;
  }

  private destroyClone(name: string): void {
    for (const s of this.snapshotsOf(name)) for (const c of this.clonesOf(s.name)) this.destroyClone(c.name);
    for (const s of this.snapshotsOf(name)) this.datasets.delete(s.name);
    this.datasets.delete(name);
  }

  /** What `zfs destroy -nvp ds@a,b` reports: the snapshots and the bytes only they hold. */
  reclaim(ds: string, shorts: readonly string[]): { names: string[]; bytes: number } {
    const names = shorts.map((s) => `${ds}@${s}`);
    let bytes = 0;
    for (const n of names) bytes += this.get(n).own;
    return { names, bytes };
  }
}

/**
 * A simulated ZFS (OpenZFS 2.x, as on Proxmox): datasets, snapshots, clones, promote, rollback, holds and space,
 * answering with the real tools' output formats and error messages. The demo host and the differential tests use it.
 *
 * Space is kept as ZFS keeps it, in blocks (here: extents of any size) shared by reference:
 * - Every filesystem's live state and every snapshot is a set of extents; an extent is born (at a txg) in one
 *   filesystem, its home, and lives as long as anything holds it. A snapshot copies its filesystem's set (so a new
 *   snapshot holds nothing alone: used 0); a clone starts with its origin's set (used 0); writing to a filesystem
 *   replaces extents in its live set only, so what it overwrites stays held by the snapshots that saw it.
 * - Each held extent is charged exactly once, to its home: to the home's `usedbydataset` while the home's live state
 *   holds it, otherwise to its `usedbysnapshots`; a snapshot's `used` is what it alone holds among its
 *   filesystem's snapshots (what destroying it frees). `usedbysnapshots` is at least the sum of the snapshots'
 *   `used` and equals it when no overwritten extent is shared by two snapshots (the demo's workloads overwrite
 *   recent data, so it does there). `promote` moves the extents born up to the origin to the promoted clone, with
 *   the snapshots it takes over. `used` = usedbydataset + usedbysnapshots + usedbychildren; the pool's allocated
 *   space is every held extent once, so it equals the root dataset's `used`.
 * - Destroying a snapshot frees what it alone held; a neighbour may then hold alone what they shared (its `used`
 *   grows), as in ZFS. A rollback drops the live state's newer extents.
 */
interface Extent {
  bytes: number;
  born: number;
  /** The guid of the filesystem it was born in (promote moves it). */
  home: string;
}

export interface SimDataset {
  name: string;
  type: 'filesystem' | 'snapshot';
  guid: string;
  createtxg: number;
  creation: number;
  /** The extents it holds (ids in ZfsSim's extent table). */
  blocks: Set<number>;
  origin?: string;
  mountpoint?: string;
  mounted: boolean;
  /** The tags of its holds (`zfs hold <tag>`): `userrefs` is how many; a held snapshot cannot be destroyed. */
  holds: string[];
  /** Properties set locally (user properties and native ones). */
  local: Record<string, string>;
  /** Properties a receive brought (`send -p`): a local value wins over them, and `zfs get -s local` leaves them out. */
  received?: Record<string, string>;
}

export class ZfsError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The space properties of one dataset or snapshot, in bytes (see the model above). */
export interface SimSpace {
  used: number;
  referenced: number;
  usedbydataset: number;
  usedbysnapshots: number;
  usedbychildren: number;
  written: number;
}

/** What a workload does to a filesystem's live state: rewrite existing data, add new data, delete data. */
export interface SimWrite {
  /** Bytes rewritten in place, newest data first (the overwritten extents stay with the snapshots holding them). */
  overwrite?: number;
  add?: number;
  /** Bytes deleted, newest data first. */
  free?: number;
  /** Bytes deleted, oldest data first (a wiped cache): every snapshot since that data was written shares it. */
  freeOldest?: number;
}

export class ZfsSim {
  readonly datasets = new Map<string, SimDataset>();
  private readonly extents = new Map<number, Extent>();
  private nextExtent = 1;
  private txg = 1000;
  private guidSeed: number;
  /** Space by dataset name, computed once per change. */
  private cache?: { byName: Map<string, SimSpace>; allocated: number };

  /** `seed`: where its guids start (pools of different nodes have different guids, as real ones do). */
  constructor(
    public now: () => number,
    public poolSize: number,
    seed = 0x5eed,
  ) {
    this.guidSeed = seed;
  }

  private guid(): string {
    this.guidSeed = (this.guidSeed * 48271) % 2147483647;
    return String(BigInt(this.guidSeed) * 4294967311n + BigInt(this.txg));
  }

  private changed(): void {
    this.cache = undefined;
  }

  private newExtent(bytes: number, born: number, home: string): number {
    const id = this.nextExtent++;
    this.extents.set(id, { bytes, born, home });
    return id;
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

  /** The pool's allocated bytes: every extent something holds, once. */
  allocated(): number {
    return this.space().allocated;
  }

  spaceOf(d: SimDataset): SimSpace {
    return this.space().byName.get(d.name)!;
  }

  create(name: string, size = 96 * 1024, local: Record<string, string> = {}): SimDataset {
    const bytes = Math.round(size);
    if (this.datasets.has(name)) throw new ZfsError(`cannot create '${name}': dataset already exists`);
    const parent = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : undefined;
    if (parent && !this.datasets.has(parent)) this.create(parent);
    const txg = ++this.txg;
    const guid = this.guid();
    const d: SimDataset = {
      name,
      type: 'filesystem',
      guid,
      createtxg: txg,
      creation: Math.floor(this.now() / 1000),
      blocks: new Set(bytes > 0 ? [this.newExtent(bytes, txg, guid)] : []),
      mounted: true,
      holds: [],
      local: { ...local },
    };
    this.datasets.set(name, d);
    this.remount(d);
    this.changed();
    return d;
  }

  private remount(d: SimDataset): void {
    d.mountpoint = d.local.mountpoint ?? `/${d.name}`;
  }

  /** `growBy`: bytes each filesystem rewrote just before (its previous snapshot keeps the data they replace). */
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
    if (growBy > 0) for (const n of targets) this.write(n.slice(0, n.indexOf('@')), { overwrite: growBy });
    const txg = ++this.txg;
    for (const n of targets) {
      const ds = this.get(n.slice(0, n.indexOf('@')));
      this.datasets.set(n, {
        name: n,
        type: 'snapshot',
        guid: this.guid(),
        createtxg: txg,
        creation: Math.floor(this.now() / 1000),
        blocks: new Set(ds.blocks),
        mounted: false,
        holds: [],
        local: { ...props },
      });
    }
    this.changed();
  }

  /** A snapshot made with a given identity: what a receive makes, the stream's guid and time kept (`zfs recv`). */
  addSnapshot(name: string, id: { guid: string; creation: number; received: Record<string, string> }): void {
    const ds = this.get(name.slice(0, name.indexOf('@')));
    if (this.datasets.has(name)) throw new ZfsError(`cannot receive: destination '${name}' exists`);
    this.datasets.set(name, {
      name,
      type: 'snapshot',
      guid: id.guid,
      createtxg: ++this.txg,
      creation: id.creation,
      blocks: new Set(ds.blocks),
      mounted: false,
      holds: [],
      local: {},
      received: { ...id.received },
    });
    this.changed();
  }

  /** The bytes of a set of extents. */
  bytesOf(blocks: Iterable<number>): number {
    let n = 0;
    for (const id of blocks) n += this.extents.get(id)?.bytes ?? 0;
    return n;
  }

  /** A workload on a filesystem's live state (what a container does between snapshots); snapshots keep what it replaces. */
  write(name: string, change: SimWrite): void {
    const d = this.get(name);
    if (d.type !== 'filesystem') throw new ZfsError(`cannot write to '${name}': snapshots are read-only`);
    const txg = ++this.txg;
    const take = (bytes: number, oldest = false): number => {
      const live = [...d.blocks].map((id) => [id, this.extents.get(id)!] as const).sort((a, b) => (oldest ? -1 : 1) * (b[1].born - a[1].born || b[0] - a[0]));
      let left = bytes;
      for (const [id, e] of live) {
        if (left <= 0) break;
        if (e.bytes > left) {
          // Only part of the extent is replaced: split it, in everything that holds it.
          const rest = this.newExtent(e.bytes - left, e.born, e.home);
          e.bytes = left;
          for (const x of this.datasets.values()) if (x.blocks.has(id)) x.blocks.add(rest);
        }
        d.blocks.delete(id);
        left -= e.bytes;
      }
      return bytes - Math.max(0, left);
    };
    const rewritten = take(Math.max(0, Math.round(change.overwrite ?? 0)));
    take(Math.max(0, Math.round(change.free ?? 0)));
    take(Math.max(0, Math.round(change.freeOldest ?? 0)), true);
    const fresh = rewritten + Math.max(0, Math.round(change.add ?? 0));
    if (fresh > 0) d.blocks.add(this.newExtent(fresh, txg, d.guid));
    this.changed();
  }

  destroy(name: string, recursive: boolean): void {
    const d = this.get(name);
    if (d.type === 'snapshot') {
      if (d.holds.length) throw new ZfsError(`cannot destroy snapshot ${name}: dataset is busy`);
      const clones = this.clonesOf(name);
      if (clones.length) {
        throw new ZfsError(
          `cannot destroy '${name}': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\n${clones.map((c) => c.name).join('\n')}`,
        );
      }
      this.datasets.delete(name);
      this.changed();
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
      if (s.holds.length) throw new ZfsError(`cannot destroy snapshot ${s.name}: dataset is busy`);
    }
    for (const s of snaps) this.datasets.delete(s.name);
    this.datasets.delete(name);
    this.changed();
  }

  clone(snap: string, target: string, props: Record<string, string>): void {
    const s = this.get(snap);
    if (this.datasets.has(target)) throw new ZfsError(`cannot create '${target}': dataset already exists`);
    const d = this.create(target, 0, props);
    d.origin = snap;
    d.blocks = new Set(s.blocks);
    this.changed();
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
    this.changed();
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
    // The space born up to the origin goes with the snapshots that now belong to the promoted filesystem.
    for (const e of this.extents.values()) if (e.home === sourceDs.guid && e.born <= origin.createtxg) e.home = d.guid;
    this.changed();
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
      if (x.holds.length) throw new ZfsError(`cannot destroy snapshot ${x.name}: dataset is busy`);
      this.datasets.delete(x.name);
    }
    this.get(ds).blocks = new Set(s.blocks);
    this.changed();
  }

  private destroyClone(name: string): void {
    for (const s of this.snapshotsOf(name)) for (const c of this.clonesOf(s.name)) this.destroyClone(c.name);
    for (const s of this.snapshotsOf(name)) this.datasets.delete(s.name);
    this.datasets.delete(name);
    this.changed();
  }

  /** What `zfs destroy -nvp ds@a,b` reports: the snapshots and the bytes held by them alone (freed together). */
  reclaim(ds: string, shorts: readonly string[]): { names: string[]; bytes: number } {
    const names = shorts.map((s) => `${ds}@${s}`);
    const going = new Set(names.map((n) => this.get(n)));
    const candidates = new Set([...going].flatMap((s) => [...s.blocks]));
    for (const d of this.datasets.values()) if (!going.has(d)) for (const id of d.blocks) candidates.delete(id);
    let bytes = 0;
    for (const id of candidates) bytes += this.extents.get(id)!.bytes;
    return { names, bytes };
  }

  /** Charges every held extent once (see the model at the top); drops extents nothing holds any more. */
  private space(): { byName: Map<string, SimSpace>; allocated: number } {
    if (this.cache) return this.cache;
    const byName = new Map<string, SimSpace>();
    const byGuid = new Map<string, SimDataset>();
    const holders = new Map<number, SimDataset[]>();
    const fsOf = (d: SimDataset) => (d.type === 'filesystem' ? d : this.datasets.get(d.name.slice(0, d.name.indexOf('@')))!);
    // `written` counts from the previous snapshot (of a filesystem: its latest), else from the origin, else from 0.
    const since = new Map<SimDataset, number>();
    const snapsOf = new Map<SimDataset, SimDataset[]>();
    for (const d of this.datasets.values()) {
      if (d.type === 'filesystem') byGuid.set(d.guid, d);
      if (d.type !== 'snapshot') continue;
      const fs = fsOf(d);
      const list = snapsOf.get(fs);
      if (list) list.push(d);
      else snapsOf.set(fs, [d]);
    }
    for (const d of this.datasets.values()) {
      if (d.type !== 'filesystem') continue;
      const snaps = (snapsOf.get(d) ?? []).sort((a, b) => a.createtxg - b.createtxg);
      let previous = d.origin ? (this.datasets.get(d.origin)?.createtxg ?? 0) : 0;
      for (const s of snaps) {
        since.set(s, previous);
        previous = s.createtxg;
      }
      since.set(d, previous);
    }
    for (const d of this.datasets.values()) {
      let referenced = 0;
      let written = 0;
      const from = since.get(d) ?? 0;
      for (const id of d.blocks) {
        const e = this.extents.get(id)!;
        referenced += e.bytes;
        if (e.born > from) written += e.bytes;
        const list = holders.get(id);
        if (list) list.push(d);
        else holders.set(id, [d]);
      }
      byName.set(d.name, { used: 0, referenced, usedbydataset: 0, usedbysnapshots: 0, usedbychildren: 0, written });
    }
    let allocated = 0;
    for (const [id, hs] of holders) {
      const e = this.extents.get(id)!;
      allocated += e.bytes;
      let home = byGuid.get(e.home);
      if (!home || !hs.some((h) => fsOf(h) === home)) home = fsOf(hs[0]!);
      if (hs.includes(home)) {
        byName.get(home.name)!.usedbydataset += e.bytes;
        continue;
      }
      byName.get(home.name)!.usedbysnapshots += e.bytes;
      const snaps = hs.filter((h) => h.type === 'snapshot' && fsOf(h) === home);
      if (snaps.length === 1) byName.get(snaps[0]!.name)!.used += e.bytes;
    }
    for (const id of [...this.extents.keys()]) if (!holders.has(id)) this.extents.delete(id);
    // Filesystems' used, children first (deepest names first).
    const filesystems = [...this.datasets.values()].filter((d) => d.type === 'filesystem').sort((a, b) => depth(b.name) - depth(a.name));
    for (const d of filesystems) {
      const sp = byName.get(d.name)!;
      sp.used = sp.usedbydataset + sp.usedbysnapshots + sp.usedbychildren;
      const parent = d.name.includes('/') ? byName.get(d.name.slice(0, d.name.lastIndexOf('/'))) : undefined;
      if (parent) parent.usedbychildren += sp.used;
    }
    this.cache = { byName, allocated };
    return this.cache;
  }
}

function depth(name: string): number {
  return name.split('/').length;
}

import { ZfsError, type SimDataset, type ZfsSim } from './zfs-sim.js';

/**
 * `zfs send` and `zfs recv` between two simulated pools (the demo cluster's nodes): the stream is data, not bytes.
 * It carries what a real stream does for the replica to be the same tree: each snapshot's guid, creation time and
 * properties (`-p`), the filesystem's local properties, and how much each snapshot adds (its size on the wire).
 */
export interface SimStream {
  /** What the stream would weigh on the wire (what `send -nvP` estimates). */
  bytes: number;
  /** An incremental stream's base snapshot. */
  base?: { name: string; guid: string };
  /** A clone's stream: its base is its origin, in another dataset (the receiver clones its copy of it). */
  clone?: boolean;
  /** The sending filesystem's local properties (`send -p`). */
  props: Record<string, string>;
  snapshots: Array<{ short: string; guid: string; creation: number; props: Record<string, string>; referenced: number; written: number }>;
}

const datasetOf = (snapshot: string) => snapshot.slice(0, snapshot.indexOf('@'));
const shortOf = (snapshot: string) => snapshot.slice(snapshot.indexOf('@') + 1);

/** `zfs send [-i|-I <base>] <ds>@<snap>`, as the simulated pool would send it. */
export function simSend(z: ZfsSim, to: string, from?: { snapshot: string; flag: '-i' | '-I' }): SimStream {
  const tip = z.get(to);
  if (tip.type !== 'snapshot') throw new ZfsError(`cannot send '${to}': operation only applies to snapshots`);
  const ds = z.get(datasetOf(to));
  const base = from ? z.get(from.snapshot.startsWith('@') ? `${ds.name}${from.snapshot}` : from.snapshot) : undefined;
  const clone = base !== undefined && datasetOf(base.name) !== ds.name;
  if (base && ((clone && ds.origin !== base.name) || (!clone && base.createtxg >= tip.createtxg))) {
    throw new ZfsError(`cannot send '${to}': not an earlier snapshot from the same fs`);
  }
  // -I: every snapshot after the base up to the tip (for a clone: all of its own up to the tip); -i: the tip alone.
  const snapshots: SimDataset[] =
    from?.flag === '-I' ? z.snapshotsOf(ds.name).filter((s) => (clone || s.createtxg > base!.createtxg) && s.createtxg <= tip.createtxg) : [tip];
  let previous = base?.blocks ?? new Set<number>();
  const out: SimStream['snapshots'] = [];
  for (const s of snapshots) {
    const fresh = [...s.blocks].filter((id) => !previous.has(id));
    out.push({
      short: shortOf(s.name),
      guid: s.guid,
      creation: s.creation,
      props: { ...s.received, ...s.local },
      referenced: z.bytesOf(s.blocks),
      written: z.bytesOf(fresh),
    });
    previous = s.blocks;
  }
  return {
    bytes: out.reduce((n, s) => n + s.written, 0),
    ...(base ? { base: { name: base.name, guid: base.guid } } : {}),
    ...(clone ? { clone } : {}),
    props: { ...ds.received, ...ds.local },
    snapshots: out,
  };
}

/** What `zfs send -nvP` prints for that stream (OpenZFS: one line per stream, then the total). */
export function simSendEstimate(stream: SimStream, to: string): string {
  const line = stream.base ? `incremental\t${stream.base.name}\t${to}\t${stream.bytes}` : `full\t${to}\t${stream.bytes}`;
  return `${line}\nsize\t${stream.bytes}\n`;
}

/**
 * `zfs recv [-F] <target>`: a full stream makes the filesystem, a clone's stream clones the snapshot here with the
 * base's guid, an increment goes on from the target's snapshot with the base's guid (`-F`: the target is rolled back
 * to it first, newer snapshots destroyed). Everything is checked before anything changes, and refused as zfs does.
 * The stream's properties arrive as received ones: what is set locally here (a replica's readonly=on) stays.
 */
export function simReceive(z: ZfsSim, stream: SimStream, target: string, force: boolean): void {
  const apply = checkReceive(z, stream, target, force);
  apply();
  for (const s of stream.snapshots) {
    const live = z.bytesOf(z.get(target).blocks);
    // Its new data, and whatever of the older data it no longer references.
    z.write(target, { free: Math.max(0, live + s.written - s.referenced), add: s.written });
    z.addSnapshot(`${target}@${s.short}`, { guid: s.guid, creation: s.creation, received: s.props });
  }
}

/** Refuses what zfs would refuse, changing nothing; returns what prepares the target for the stream's snapshots. */
function checkReceive(z: ZfsSim, stream: SimStream, target: string, force: boolean): () => void {
  const existing = z.datasets.get(target);
  const clash = (kept: readonly SimDataset[]) => {
    const names = new Set(kept.map((s) => shortOf(s.name)));
    const twice = stream.snapshots.find((s) => names.has(s.short));
    if (twice) throw new ZfsError(`cannot receive incremental stream: destination '${target}@${twice.short}' exists`);
  };
  if (!stream.base) {
    if (existing && !force) throw new ZfsError(`cannot receive new filesystem stream: destination '${target}' exists\nmust specify -F to overwrite it`);
    const snaps = existing ? z.snapshotsOf(target) : [];
    if (snaps.length)
      throw new ZfsError(`cannot receive new filesystem stream: destination has snapshots (eg. ${snaps[0]!.name})\nmust destroy them to overwrite it`);
    const parent = target.slice(0, target.lastIndexOf('/'));
    if (!z.datasets.has(parent)) throw new ZfsError(`cannot receive new filesystem stream: parent of '${target}' does not exist`);
    return () => {
      if (existing) z.destroy(target, false);
      z.create(target, 0).received = { ...stream.props };
    };
  }
  if (!existing) {
    if (!stream.clone) throw new ZfsError(`cannot receive incremental stream: destination '${target}' does not exist`);
    const origin = [...z.datasets.values()].find((d) => d.type === 'snapshot' && d.guid === stream.base!.guid);
    if (!origin) throw new ZfsError(`cannot receive: local origin for clone ${target}@${stream.snapshots[0]?.short} does not exist`);
    return () => {
      z.clone(origin.name, target, {});
      z.get(target).received = { ...stream.props };
    };
  }
  const snaps = z.snapshotsOf(target);
  const base = snaps.find((s) => s.guid === stream.base!.guid);
  if (!base) throw new ZfsError(`cannot receive incremental stream: most recent snapshot of ${target} does not\nmatch incremental source`);
  const newer = snaps.filter((s) => s.createtxg > base.createtxg);
  if (newer.length && !force) throw new ZfsError(`cannot receive incremental stream: destination ${target} has been modified\nsince most recent snapshot`);
  const busy = newer.find((s) => s.holds.length > 0 || z.clonesOf(s.name).length > 0);
  if (busy)
    throw new ZfsError(`cannot receive incremental stream: destination ${target} contains snapshot ${busy.name} that cannot be destroyed (held or cloned)`);
  clash(snaps.filter((s) => s.createtxg <= base.createtxg));
  return () => {
    if (force) z.rollback(base.name, newer.length ? '-r' : '');
    existing.received = { ...stream.props };
  };
}

import { ZfsError, type SimDataset, type ZfsSim } from './zfs-sim.js';

/**
 * `zfs send` and `zfs recv` between two simulated pools (the demo cluster's nodes): the stream is data, not bytes.
 * It carries what a real stream does for the replica to be the same tree: each snapshot's guid, creation time and
 * properties (`-p`), the filesystem's local properties, and how much each snapshot adds (its size on the wire).
 */
export interface SimStream {
  /** What the stream would weigh on the wire (what `send -nvP` estimates). */
  bytes: number;
  /** An incremental stream's base snapshot (a clone's first: its origin, in another dataset). */
  base?: { name: string; guid: string };
  /** The sending filesystem's local properties (`send -p`). */
  props: Record<string, string>;
  snapshots: Array<{ short: string; guid: string; creation: number; props: Record<string, string>; referenced: number; written: number }>;
}

const datasetOf = (snapshot: string) => snapshot.slice(0, snapshot.indexOf('@'));

/** `zfs send [-i|-I <base>] <ds>@<snap>`, as the simulated pool would send it. */
export function simSend(z: ZfsSim, to: string, from?: { snapshot: string; flag: '-i' | '-I' }): SimStream {
  const tip = z.get(to);
  if (tip.type !== 'snapshot') throw new ZfsError(`cannot send '${to}': operation only applies to snapshots`);
  const ds = z.get(datasetOf(to));
  const base = from ? z.get(from.snapshot.startsWith('@') ? `${ds.name}${from.snapshot}` : from.snapshot) : undefined;
  let snapshots: SimDataset[] = [tip];
  if (base) {
    const sameDataset = datasetOf(base.name) === ds.name;
    if (!sameDataset && ds.origin !== base.name) {
      throw new ZfsError(`cannot send '${to}': not an earlier snapshot from the same fs`);
    }
    if (sameDataset && base.createtxg >= tip.createtxg) throw new ZfsError(`cannot send '${to}': not an earlier snapshot from the same fs`);
    if (from!.flag === '-I' && sameDataset) snapshots = z.snapshotsOf(ds.name).filter((s) => s.createtxg > base.createtxg && s.createtxg <= tip.createtxg);
  }
  let previous = base?.blocks ?? new Set<number>();
  const out: SimStream['snapshots'] = [];
  for (const s of snapshots) {
    const fresh = [...s.blocks].filter((id) => !previous.has(id));
    out.push({
      short: s.name.slice(s.name.indexOf('@') + 1),
      guid: s.guid,
      creation: s.creation,
      props: { ...s.local },
      referenced: z.bytesOf(s.blocks),
      written: z.bytesOf(fresh),
    });
    previous = s.blocks;
  }
  return {
    bytes: out.reduce((n, s) => n + s.written, 0),
    ...(base ? { base: { name: base.name, guid: base.guid } } : {}),
    props: { ...ds.local },
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
 * to it first, newer snapshots destroyed). Refuses as zfs does: target there for a full stream, no matching base.
 */
export function simReceive(z: ZfsSim, stream: SimStream, target: string, force: boolean): void {
  const existing = z.datasets.get(target);
  if (!stream.base) {
    if (existing && (!force || z.snapshotsOf(target).length)) {
      throw new ZfsError(`cannot receive new filesystem stream: destination '${target}' exists\nmust specify -F to overwrite it`);
    }
    const parent = target.slice(0, target.lastIndexOf('/'));
    if (!z.datasets.has(parent)) throw new ZfsError(`cannot receive new filesystem stream: parent of '${target}' does not exist`);
    if (existing) z.destroy(target, false);
    z.create(target, 0, stream.props);
  } else if (!existing) {
    const origin = [...z.datasets.values()].find((d) => d.type === 'snapshot' && d.guid === stream.base!.guid);
    if (!origin) throw new ZfsError(`cannot receive incremental stream: destination '${target}' does not exist`);
    z.clone(origin.name, target, stream.props);
  } else {
    const snaps = z.snapshotsOf(target);
    const base = snaps.find((s) => s.guid === stream.base!.guid);
    if (!base) throw new ZfsError(`cannot receive incremental stream: most recent snapshot of ${target} does not\nmatch incremental source`);
    const newer = snaps.filter((s) => s.createtxg > base.createtxg);
    if (newer.length && !force) throw new ZfsError(`cannot receive incremental stream: destination ${target} has been modified\nsince most recent snapshot`);
    if (force) z.rollback(base.name, newer.length ? '-r' : '');
    Object.assign(existing.local, stream.props);
  }
  for (const s of stream.snapshots) {
    const live = z.bytesOf(z.get(target).blocks);
    // Its new data, and whatever of the older data it no longer references.
    z.write(target, { free: Math.max(0, live + s.written - s.referenced), add: s.written });
    z.addSnapshot(`${target}@${s.short}`, { guid: s.guid, creation: s.creation, props: s.props });
  }
}

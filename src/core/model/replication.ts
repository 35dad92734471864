import type { DatasetRecord } from './dataset.js';
import { Inventory } from './inventory.js';

/** One step that brings a replica closer to the source's checkpoint tree (names are the same on both sides). */
export type ReplicationStep =
  /** `zfs send [-i|-I from] to | zfs recv -F dataset` (no `from`: a full stream of `to`). */
  | { kind: 'send'; dataset: string; from?: string; to: string; incremental?: '-i' | '-I'; snapshots: number; bytes: number }
  /** A line whose live state has no checkpoint of its own yet: the same clone of its origin on the replica. */
  | { kind: 'clone'; dataset: string; origin: string }
  /**
   * Replays a branch restore made on the source since the last replication: the replica's line is set aside under
   * the branch's name, its clone at `at` takes the line's name and is promoted (so nothing is sent again in full and
   * no checkpoint of the old line is lost to `recv -F`).
   */
  | { kind: 'replay'; dataset: string; branch: string; at: string; from?: string };

export interface ReplicationPlan {
  steps: ReplicationStep[];
  /** Per dataset, the snapshot both sides will have last: the next base (held on both sides). */
  tips: Array<{ dataset: string; snapshot: string }>;
  /** Bytes the sends will carry, from the source's `used`/`referenced` (an estimate: ZFS's own is `send -nvP`). */
  bytes: number;
  /** Datasets already up to date. */
  current: string[];
}

/** Why a replication cannot go on: no common snapshot where the replica has the dataset, and the like. */
export class ReplicationRefusal extends Error {}

const name = (snap: DatasetRecord) => snap.name.slice(snap.name.indexOf('@') + 1);
const datasetOf = (snapshot: string) => snapshot.slice(0, snapshot.indexOf('@'));

/**
 * The steps that make the replica's tree the source's: datasets in clone order (an origin before its clones), each
 * sent from the newest snapshot both sides have (by guid, whatever it is called), full when the replica lacks it, as
 * a clone stream (`-i origin`) when it is a clone; a branch restore on the source is replayed on the replica first.
 * Pure: from the two listings.
 */
export function planReplication(src: Inventory, family: readonly string[], dst: Inventory): ReplicationPlan {
  const order = cloneOrder(src, family);
  const steps: ReplicationStep[] = [];
  const tips: ReplicationPlan['tips'] = [];
  const current: string[] = [];
  // What the replica will hold once the steps before have run: guid -> snapshot name there.
  const there = new Map<string, string>();
  for (const rec of dst.records) if (rec.type === 'snapshot') there.set(rec.guid, rec.name);
  const exists = new Set(dst.filesystems.map((f) => f.name));

  for (const replay of branchRestoresToReplay(src, order, dst)) {
    steps.push(replay);
    // After the replay the replica's names match the source's: the moved snapshots live under their new datasets.
    for (const rec of dst.records) {
      if (rec.type !== 'snapshot') continue;
      const s = src.records.find((r) => r.guid === rec.guid && r.type === 'snapshot');
      if (s) there.set(rec.guid, s.name);
    }
    exists.add(replay.branch);
  }

  for (const ds of order) {
    const snaps = src.snapshotsOf(ds);
    const rec = src.get(ds)!;
    const origin = rec.origin ? src.get(rec.origin) : undefined;
    const originThere = origin ? there.get(origin.guid) : undefined;
    if (!snaps.length) {
      if (!exists.has(ds) && origin && originThere) {
        steps.push({ kind: 'clone', dataset: ds, origin: originThere });
        exists.add(ds);
      }
      continue;
    }
    const tip = snaps.at(-1)!;
    tips.push({ dataset: ds, snapshot: tip.name });
    if (!exists.has(ds)) {
      if (origin && !originThere) throw new ReplicationRefusal(`${ds} is a clone of ${origin.name}, which the replica does not have`);
      const first = snaps[0]!;
      steps.push(
        origin
          ? { kind: 'send', dataset: ds, from: origin.name, to: first.name, incremental: '-i', snapshots: 1, bytes: first.used || first.referenced }
          : { kind: 'send', dataset: ds, to: first.name, snapshots: 1, bytes: first.referenced },
      );
      if (snaps.length > 1) steps.push(incremental(ds, first, snaps));
      exists.add(ds);
      for (const s of snaps) there.set(s.guid, s.name);
      continue;
    }
    // The newest snapshot of this dataset the replica has under this same dataset.
    const onReplica = new Set([...there].filter(([, n]) => datasetOf(n) === ds).map(([g]) => g));
    const base = [...snaps].reverse().find((s) => onReplica.has(s.guid));
    if (!base) {
      const mine = tip.name;
      const theirs = dst.snapshotsOf(ds).at(-1)?.name ?? `${ds} (no snapshot)`;
      throw new ReplicationRefusal(`no common snapshot: the source's newest is ${mine}, the replica's is ${theirs}`);
    }
    if (base.guid === tip.guid) {
      current.push(ds);
      continue;
    }
    steps.push(incremental(ds, base, snaps));
    for (const s of snaps) there.set(s.guid, s.name);
  }
  return { steps, tips, bytes: steps.reduce((n, s) => n + (s.kind === 'send' ? s.bytes : 0), 0), current };
}

/**
 * An `-I` send from `from` to the tip. Its size without `written` (zfs-fuse) or `send -nvP`: the snapshots' own space
 * (`used`: blocks later changed), but at least what the tip references beyond the base, because a checkpoint just
 * taken owns nothing yet (`used` 0 while the live data still shares its blocks): 384M written then checkpointed was
 * estimated at 0 bytes.
 */
function incremental(ds: string, from: DatasetRecord, snaps: readonly DatasetRecord[]): ReplicationStep {
  const after = snaps.slice(snaps.indexOf(from) + 1);
  const tip = snaps.at(-1)!;
  const bytes = Math.max(
    after.reduce((n, s) => n + s.used, 0),
    tip.referenced - from.referenced,
  );
  return { kind: 'send', dataset: ds, from: from.name, to: tip.name, incremental: '-I', snapshots: after.length, bytes };
}

/** Origins before clones (a dataset whose origin is outside the family first). */
export function cloneOrder(src: Inventory, family: readonly string[]): string[] {
  const inFamily = new Set(family);
  const out: string[] = [];
  const visit = (ds: string, path: Set<string>) => {
    if (out.includes(ds) || path.has(ds)) return;
    path.add(ds);
    const origin = src.get(ds)?.origin;
    if (origin && inFamily.has(datasetOf(origin))) visit(datasetOf(origin), path);
    out.push(ds);
  };
  for (const ds of [...family].sort()) visit(ds, new Set());
  return out;
}

/**
 * A branch restore on the source (clone of `D@s`, the line renamed to a branch B, the clone promoted to D) leaves
 * the replica's D holding B's newer snapshots. Found by guid: the replica's D has snapshots the source now keeps on
 * a branch B whose origin is D@s, and the replica has no B yet.
 */
function branchRestoresToReplay(src: Inventory, order: readonly string[], dst: Inventory): Array<Extract<ReplicationStep, { kind: 'replay' }>> {
  const replays: Array<Extract<ReplicationStep, { kind: 'replay' }>> = [];
  // The replica's lines as the replays before leave them: dataset -> its snapshots, oldest first.
  const lines = new Map<string, readonly DatasetRecord[]>(dst.filesystems.map((f) => [f.name, dst.snapshotsOf(f.name)]));
  for (const b of order) {
    if (lines.has(b)) continue;
    const moved = new Set(src.snapshotsOf(b).map((s) => s.guid));
    // The replica's line D that holds checkpoints the source now keeps on b: D was set aside as b there.
    const d = order.find((ds) => ds !== b && lines.get(ds)?.some((s) => moved.has(s.guid)));
    if (!d) continue;
    // The restore target: the newest of the source D's snapshots the replica has, on D itself or on another line X.
    const mine = new Set(src.snapshotsOf(d).map((s) => s.guid));
    let x: string | undefined;
    let i = -1;
    for (const [ds, snaps] of lines) {
      let j = snaps.length - 1;
      while (j >= 0 && !mine.has(snaps[j]!.guid)) j--;
      if (j >= 0 && (x === undefined || snaps[j]!.createtxg > lines.get(x)![i]!.createtxg)) [x, i] = [ds, j];
    }
    if (x === undefined) continue;
    const on = lines.get(x)!;
    // Named as on the replica (the replay runs there); `from` when the target is on another line than D.
    replays.push({ kind: 'replay', dataset: d, branch: b, at: name(on[i]!), ...(x === d ? {} : { from: x }) });
    lines.set(b, lines.get(d)!);
    lines.set(d, on.slice(0, i + 1));
    lines.set(x === d ? b : x, on.slice(i + 1));
  }
  return replays;
}

/** Why a held snapshot is held, in words: the replications it is the base of, else the number of holds. */
export function heldWords(node: { holds: number; replicatedTo?: readonly string[] }): string {
  const repl = node.replicatedTo ?? [];
  if (!repl.length) return `held (${node.holds} hold(s))`;
  const other = node.holds - repl.length;
  const parts = [...(repl.length ? [`the base of the replication to ${repl.join(', ')}`] : []), ...(other > 0 ? [`${other} other hold(s)`] : [])];
  return `held (${parts.join('; ') || `${node.holds} hold(s)`})`;
}

/**
 * The replica's listing once a plan of increments ran, derived from the two listings it was planned from (so the
 * step after the streams does not read the replica again): each `-I`/`-i` send into a dataset the replica has at
 * the send's base adds the source's snapshots after that base (with their user properties, which `send -p`
 * carries; no holds, which it does not). Undefined for any other plan (a full send, a clone, a replayed branch
 * restore, a replica with snapshots past the base that `recv -F` rolls away): read the replica then.
 * `toTarget` maps a source name to the replica's (replica-names.ts).
 */
export function replicaAfter(src: Inventory, dst: Inventory, steps: readonly ReplicationStep[], toTarget: (name: string) => string): Inventory | undefined {
  const added: DatasetRecord[] = [];
  for (const s of steps) {
    if (s.kind !== 'send' || !s.from || datasetOf(s.from) !== s.dataset) return undefined;
    const line = dst.snapshotsOf(toTarget(s.dataset));
    const base = src.get(s.from);
    if (!base || line.at(-1)?.guid !== base.guid) return undefined;
    const snaps = src.snapshotsOf(s.dataset);
    const after = snaps.slice(snaps.indexOf(base) + 1, snaps.findIndex((r) => r.name === s.to) + 1);
    const sent = s.incremental === '-i' ? after.slice(-1) : after;
    sent.forEach((rec, i) => added.push({ ...rec, name: `${toTarget(s.dataset)}@${name(rec)}`, createtxg: line.at(-1)!.createtxg + i + 1, userrefs: 0 }));
  }
  return new Inventory([...dst.records, ...added]);
}

import type { CoreContext } from '../context.js';
import { LxcriError, RefusedError } from '../errors.js';
import { USER_PREFIX, USER_PROPS } from '../model/dataset.js';
import { Inventory } from '../model/inventory.js';
import { ownFamily } from '../model/ownership.js';
import { planReplication, ReplicationRefusal, type ReplicationPlan, type ReplicationStep } from '../model/replication.js';
import type { Command, PipeResult } from '../runner/command.js';
import type { Zfs } from '../tools/zfs/zfs.js';
import { parentDataset, poolOf } from '../tools/zfs/names.js';
import type { OnStep } from './engine.js';
import type { LoadedContainer } from './container.js';

/** Where a replication goes: the other node's zfs, and how a send on this node reaches a receive there. */
export interface ReplicationTarget {
  node: string;
  /** The node the sends run on (the container's), by its cluster name. */
  source?: string;
  zfs: Zfs;
  /** `send | recv` between the two nodes (relayed through this console: src/core/nodes/transfer.ts). */
  transfer(send: Command, receive: Command, onBytes?: (bytes: number) => void): Promise<PipeResult>;
}

export interface ReplicationResult {
  container: string;
  /** The node it ran on, and where to. */
  from: string;
  to: string;
  plan: ReplicatePlan;
  executed: boolean;
  /** Bytes that went through the streams. */
  bytes?: number;
}

/** The hold that keeps a replication's base on each side: one tag per peer node. */
export const replicationTag = (peer: string) => `lxcri-repl:${peer}`;
const REPLICATED = USER_PREFIX + USER_PROPS.replicated;
const REPLICA_OF = USER_PREFIX + USER_PROPS.replicaOf;

/** One line of the pre-flight table: what the target must have before anything is sent. */
export interface PreflightCheck {
  check: 'pool' | 'parent' | 'space';
  ok: boolean;
  /** The pool or parent dataset checked. */
  subject: string;
  /** Bytes free there, and the estimate to send (space). */
  have?: number;
  need?: number;
}

export type ReplicatePlan = ReplicationPlan & { preflight: PreflightCheck[] };

/** What the target must have: the pool, the parent dataset the replica goes under, room for the estimate. */
function preflight(c: LoadedContainer, dst: Inventory, plan: ReplicationPlan): PreflightCheck[] {
  const pool = poolOf(c.dataset);
  const parent = parentDataset(c.dataset);
  const room = dst.get(parent ?? pool)?.available ?? dst.get(pool)?.available;
  return [
    { check: 'pool', subject: pool, ok: dst.get(pool) !== undefined },
    ...(parent && parent !== pool ? [{ check: 'parent' as const, subject: parent, ok: dst.get(parent) !== undefined }] : []),
    { check: 'space', subject: parent ?? pool, ok: room === undefined || room >= plan.bytes, ...(room !== undefined ? { have: room } : {}), need: plan.bytes },
  ];
}

/** The target's listing of the pool. A pool the target lacks lists as nothing (the pre-flight says so); a node that does not answer is that error. */
export async function readReplica(target: ReplicationTarget, pool: string): Promise<Inventory> {
  return new Inventory(
    await target.zfs.listAll(pool).catch((error: unknown) => {
      if (error instanceof LxcriError && error.code === 'unreachable') throw error;
      return [];
    }),
  );
}

/** The plan from both listings (read side by side by the caller): the pre-flight checks, the steps, what is current. */
export function planFrom(c: LoadedContainer, dst: Inventory, target: ReplicationTarget): ReplicatePlan {
  try {
    const plan = planReplication(c.inventory, ownFamily(c.inventory, c.dataset), dst);
    return { ...plan, preflight: preflight(c, dst, plan) };
  } catch (error) {
    if (error instanceof ReplicationRefusal) {
      throw new RefusedError(
        `cannot replicate ${c.id} to ${target.node}: ${error.message}`,
        `the replica on ${target.node} is not a copy of this tree; rename or destroy it there (nothing was changed)`,
      );
    }
    throw error;
  }
}

const stepTitle = (s: ReplicationStep) =>
  s.kind === 'send'
    ? `send ${s.from ? `${s.incremental} ${s.from} ` : ''}${s.to} (${s.snapshots} snapshot(s))`
    : s.kind === 'clone'
      ? `clone ${s.origin} to ${s.dataset} on the replica`
      : `replay the branch restore: ${s.dataset} set aside as ${s.branch}, ${s.from ?? s.branch}@${s.at} becomes ${s.dataset}`;

/**
 * Runs a plan: each send streamed into a `recv -F` on the target (new datasets made read-only there), clones and
 * branch-restore replays done on the replica, then the new bases held on both sides (`lxcri-repl:<peer>`) and the
 * previous ones released. A failed stream leaves the replica at its last snapshot (zfs discards a partial receive)
 * and the holds where they were, so running it again resumes from the same base.
 */
export async function executeReplicate(
  ctx: CoreContext,
  c: LoadedContainer,
  target: ReplicationTarget,
  plan: ReplicatePlan,
  source: string,
  step: OnStep,
): Promise<{ bytes: number }> {
  const failed = plan.preflight.filter((p) => !p.ok);
  if (failed.length) {
    throw new RefusedError(
      `cannot replicate ${c.id} to ${target.node}: ${failed.map((p) => (p.check === 'space' ? `not enough room under ${p.subject} (${p.have} bytes free, about ${p.need} to send)` : `${p.check} ${p.subject} is missing there`)).join('; ')}`,
      p0hint(failed[0]!, target.node),
    );
  }
  let bytes = 0;
  for (const s of plan.steps) {
    step(stepTitle(s));
    if (s.kind === 'send') {
      const send = ctx.zfs.sendCommand(s.to, s.from ? { snapshot: s.from, flag: s.incremental! } : undefined);
      // Progress at most a few times a second (every chunk would redraw the console for each 64 KiB).
      let shown = 0;
      const started = Date.now();
      const progress = (n: number) => {
        const now = Date.now();
        if (now - shown < 250) return;
        shown = now;
        const rate = n / Math.max(0.001, (now - started) / 1000);
        step(`${stepTitle(s)}: ${n} of ~${s.bytes} bytes, ${Math.round(rate)} bytes/s`);
      };
      const r = await target.transfer(send, target.zfs.receiveCommand(s.dataset), progress);
      bytes += r.bytes;
    } else if (s.kind === 'clone') {
      await target.zfs.clone(s.origin, s.dataset, { readonly: 'on' });
    } else {
      await target.zfs.rename(s.dataset, s.branch);
      await target.zfs.clone(`${s.from ?? s.branch}@${s.at}`, s.dataset, { readonly: 'on' });
      await target.zfs.promote(s.dataset);
    }
  }
  // The replica as it is now: the datasets not yet marked as one get read-only and `lxcri:replica-of` (once).
  const replica = new Inventory(await target.zfs.listAll(poolOf(c.dataset)));
  const touched = new Set([...plan.tips.map((t) => t.dataset), ...plan.steps.flatMap((s) => (s.kind === 'replay' ? [s.dataset, s.branch] : [s.dataset]))]);
  for (const ds of touched) {
    if (replica.get(ds)?.user[USER_PROPS.replicaOf]) continue;
    await target.zfs.set(ds, { readonly: 'on', [REPLICA_OF]: `${source}:${c.dataset}` });
    // zfs-fuse mounts read-write whatever readonly says (`zfs get` shows off, source temporary): its replicas stay
    // unmounted instead, so nothing touches them between two receives.
    if ((await target.zfs.detect()).flavour === 'zfs-fuse') {
      await target.zfs.set(ds, { canmount: 'noauto' });
      await target.zfs.unmount(ds).catch(() => undefined);
    }
  }
  step('moving the replication holds to the new bases');
  // Each side on its own node: both at once.
  await Promise.all([moveHolds(ctx.zfs, c.inventory, plan, target.node), moveHolds(target.zfs, replica, plan, source)]);
  return { bytes };
}

/** Holds each dataset's new base for `peer` (and marks it), then releases the bases it replaces. */
async function moveHolds(zfs: Zfs, inv: Inventory, plan: ReplicationPlan, peer: string): Promise<void> {
  const tag = replicationTag(peer);
  const tips = new Set(plan.tips.map((t) => t.snapshot));
  for (const t of plan.tips) {
    const rec = inv.get(t.snapshot);
    const peers = (rec?.user.replicated ?? '').split(',').filter(Boolean);
    if (peers.includes(peer)) continue;
    await zfs.hold(tag, t.snapshot);
    await zfs.set(t.snapshot, { [REPLICATED]: [...peers, peer].join(',') });
  }
  for (const dataset of new Set(plan.tips.map((t) => t.dataset))) {
    for (const snap of inv.snapshotsOf(dataset)) {
      const peers = (snap.user.replicated ?? '').split(',').filter(Boolean);
      if (tips.has(snap.name) || !peers.includes(peer)) continue;
      await zfs.release(tag, snap.name);
      const rest = peers.filter((p) => p !== peer);
      if (rest.length) await zfs.set(snap.name, { [REPLICATED]: rest.join(',') });
      else await zfs.inherit(snap.name, REPLICATED);
    }
  }
}

function p0hint(p: PreflightCheck, node: string): string {
  if (p.check === 'space') return `free space on ${node} (zpool list; prune its replicas), then retry`;
  return `create ${p.subject} on ${node} first (the replica keeps the same dataset names), then retry`;
}

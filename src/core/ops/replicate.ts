import type { CoreContext } from '../context.js';
import { LxcriError, RefusedError } from '../errors.js';
import { replicationPeers, USER_PREFIX, USER_PROPS, type DatasetRecord } from '../model/dataset.js';
import { Inventory } from '../model/inventory.js';
import { ownFamily } from '../model/ownership.js';
import { replicaNames, type ReplicaNames } from '../model/replica-names.js';
import { planReplication, replicaAfter, ReplicationRefusal, type ReplicationPlan, type ReplicationStep } from '../model/replication.js';
import type { Command, PipeResult } from '../runner/command.js';
import type { Zfs, ZfsChanges } from '../tools/zfs/zfs.js';
import { poolOf } from '../tools/zfs/names.js';
import { runOperation, type OnStep, type OperationDef } from './engine.js';
import type { Step } from './steps.js';
import { copyImage, removeCopiedImage, type ImageToCopy } from './replicate-images.js';
import type { LoadedContainer } from './container.js';

/** Where a replication goes: the other node's zfs, and how a send on this node reaches a receive there. */
export interface ReplicationTarget {
  node: string;
  /** The node the sends run on (the container's), by its cluster name. */
  source?: string;
  zfs: Zfs;
  /** The target node's own context (its files, its tools), for steps that do more than zfs there. */
  ctx?: CoreContext;
  /** `send | recv` between the two nodes (relayed through this console: src/core/nodes/transfer.ts). */
  transfer(send: Command, receive: Command, onBytes?: (bytes: number) => void): Promise<PipeResult>;
  /**
   * Opens, without waiting, the connections a replication will use (this console's to the target, the source's to
   * it): their handshakes then overlap the lock, the journal and the source's reads instead of following them.
   */
  warm?(): void;
}

export interface ReplicationResult {
  container: string;
  /** The node it ran on, and where to. */
  from: string;
  to: string;
  plan: ReplicatePlan;
  executed: boolean;
  /** Bytes that went through the streams; absent when they went straight from node to node (not through here). */
  bytes?: number;
}

/** How often a stream's progress is reported at most. */
const PROGRESS_MS = 500;

/** The hold that keeps a replication's base on each side: one tag per peer node. */
export const replicationTag = (peer: string) => `lxcri-repl:${peer}`;
const REPLICATED = USER_PREFIX + USER_PROPS.replicated;
const REPLICA_OF = USER_PREFIX + USER_PROPS.replicaOf;

/** One line of the pre-flight table: what the target must have before anything is sent. */
export interface PreflightCheck {
  check: 'pool' | 'parent' | 'space' | 'id' | 'ha' | 'holds' | 'outside' | 'images' | 'criu';
  ok: boolean;
  /** Said, but does not stop the action when not ok (a `criu check` that fails there). */
  advisory?: boolean;
  /** images: how many to copy and their bytes, how many are there already; criu: why the check failed. */
  count?: number;
  there?: number;
  /** images: stateful checkpoints whose image this node's store has no complete copy of. */
  missing?: number;
  reason?: string;
  /** The pool or parent dataset checked. */
  subject: string;
  /** Bytes free there, and the estimate to send (space). */
  have?: number;
  need?: number;
}

/** A pre-flight line that stops the action (an advisory one only says something). */
export const blocks = (p: PreflightCheck): boolean => !p.ok && !p.advisory;

export type ReplicatePlan = ReplicationPlan & {
  preflight: PreflightCheck[];
  /** The CRIU images of its stateful checkpoints the target's store lacks (replicate-images.ts). */
  images?: ImageToCopy[];
  /** The node the replica there was made from, before the container moved here: it is taken over. */
  adopts?: string;
  /** The dataset the replica goes under when it is not the source's parent (`replication.target_base`). */
  targetBase?: string;
};

/** What the target must have: the pool, the dataset the replica goes under (the parent, or the target base), room for the estimate. */
function preflight(dst: Inventory, plan: ReplicationPlan, names: ReplicaNames): PreflightCheck[] {
  const { pool, root } = names;
  const room = dst.get(root)?.available ?? dst.get(pool)?.available;
  return [
    { check: 'pool', subject: pool, ok: dst.get(pool) !== undefined },
    ...(root !== pool ? [{ check: 'parent' as const, subject: root, ok: dst.get(root) !== undefined }] : []),
    { check: 'space', subject: root, ok: room === undefined || room >= plan.bytes, ...(room !== undefined ? { have: room } : {}), need: plan.bytes },
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

/**
 * The node a container was moved here from (`lxcri:moved-from`), whose replicas on `target` it goes on from; never
 * `target` itself (a node holds no replica made from itself).
 */
export function movedFrom(c: LoadedContainer, target: string): string | undefined {
  const from = c.inventory.get(c.dataset)?.user[USER_PROPS.movedFrom];
  return from && from !== target ? from : undefined;
}

/**
 * The plan from both listings (read side by side by the caller; `dst` is the target's listing of `names.pool`): the
 * pre-flight checks, the steps (in the source's names: each touch point on the target maps them), what is current.
 */
export function planFrom(c: LoadedContainer, dst: Inventory, target: ReplicationTarget, names: ReplicaNames = replicaNames(c.dataset)): ReplicatePlan {
  // Only this container's own replica is written to: a dataset of that name there that is anything else (a container
  // of that node, one moved there, another node's replica) would be rolled back by `recv -F`.
  let adopts: string | undefined;
  if (target.source) {
    const expected = `${target.source}:${c.dataset}`;
    // A container moved here keeps its replicas on other nodes: one made from the node it came from is taken over.
    const from = movedFrom(c, target.node);
    const before = from ? `${from}:${c.dataset}` : undefined;
    const there = ownFamily(c.inventory, c.dataset)
      .map(names.toTarget)
      .filter((ds) => dst.get(ds));
    const foreign = there.find((ds) => ![expected, before].includes(dst.get(ds)!.user[USER_PROPS.replicaOf]));
    if (before && there.some((ds) => dst.get(ds)!.user[USER_PROPS.replicaOf] === before)) adopts = from;
    if (foreign) {
      const what = dst.get(foreign)!.user[USER_PROPS.replicaOf];
      throw new RefusedError(
        `cannot replicate ${c.id} to ${target.node}: ${foreign} there is ${what ? `a replica of ${what}` : 'not a replica (a dataset of its own)'}`,
        `nothing was changed; it is not this container's replica: rename or destroy it on ${target.node} if it is not needed`,
      );
    }
  }
  try {
    const plan = planReplication(c.inventory, ownFamily(c.inventory, c.dataset), names.sourceView(dst));
    return { ...plan, preflight: preflight(dst, plan, names), ...(names.base ? { targetBase: names.base } : {}), ...(adopts ? { adopts } : {}) };
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

const imageStepTitle = (img: ImageToCopy, to: string) => `copy the CRIU image of ${img.snapshot} to ${to}'s store (sha256 checked there)`;

/** What a journaled replication needs to run, or to be finished or undone from its journal. */
export interface ReplicateInput {
  container: string;
  /** The container's dataset on the source (this node). */
  dataset: string;
  source: string;
  to: string;
  steps: ReplicationStep[];
  tips: ReplicationPlan['tips'];
  /** Per dataset, the snapshots held for `to` before this run (given back their hold if the run is undone). */
  previousBases: string[];
  /** `replication.target_base` as it was when planned: where the replica is on the target (src/core/model/replica-names.ts). */
  targetBase?: string;
  /** CRIU images copied into the target's store after the datasets (removed there again by an undo). */
  images?: ImageToCopy[];
}

function peerOf(ctx: CoreContext, node: string): ReplicationTarget {
  if (!ctx.peer) {
    throw new LxcriError(
      'unsupported',
      `this replication to ${node} needs the cluster's nodes`,
      'run it again from a console with the cluster configured (nodes in the config, or on a Proxmox node)',
      1,
    );
  }
  return ctx.peer(node);
}

/**
 * Marks what the replica has of the source's tree as a replica: read-only and `lxcri:replica-of`, so nothing on the
 * target takes it for one of its own containers or writes to it. Done right after each receive, in the same step, on
 * datasets that are there (each caller knows: it just received, cloned or listed them), in one round trip. Every
 * receive is marked, a replica's marked before too: skipping those once left a replica unmarked after a replayed
 * branch restore (zfs-fuse; test/real/replicate-kill.test.ts).
 */
async function markReplica(target: ReplicationTarget, datasets: readonly string[], replicaOf: string): Promise<void> {
  if (!datasets.length) return;
  const zfuse = (await target.zfs.detect()).flavour === 'zfs-fuse';
  const changes = target.zfs.changes();
  for (const ds of datasets) {
    changes.set(ds, { readonly: 'on', [REPLICA_OF]: replicaOf });
    // zfs-fuse mounts read-write whatever readonly says (`zfs get` shows off, source temporary): its replicas stay
    // unmounted instead, so nothing touches them between two receives.
    if (zfuse) changes.set(ds, { canmount: 'noauto' }).unmountIfAny(ds);
  }
  await target.zfs.apply(changes);
}

/**
 * OpenZFS's own size of each send (`zfs send -nvP`) instead of the `used`/`referenced` estimate, and the pre-flight's
 * room checked against it. zfs-fuse has no dry-run send: the plan keeps its estimate.
 */
export async function refinePlan(ctx: CoreContext, c: LoadedContainer, dst: Inventory, plan: ReplicatePlan): Promise<ReplicatePlan> {
  if ((await ctx.zfs.detect()).flavour !== 'openzfs' || !plan.steps.some((s) => s.kind === 'send')) return plan;
  const steps = await Promise.all(
    plan.steps.map(async (s) => {
      if (s.kind !== 'send') return s;
      const bytes = await ctx.zfs.sendEstimate(s.to, s.from ? { snapshot: s.from, flag: s.incremental! } : undefined).catch(() => undefined);
      return bytes === undefined ? s : { ...s, bytes };
    }),
  );
  const refined = { ...plan, steps, bytes: steps.reduce((n, s) => n + (s.kind === 'send' ? s.bytes : 0), 0) };
  return { ...refined, preflight: preflight(dst, refined, replicaNames(c.dataset, plan.targetBase)) };
}

/**
 * Finishes receives a cut stream left behind on an OpenZFS target (`recv -s` kept a `receive_resume_token`): each
 * goes on with `zfs send -t <token>` from where it stopped, before anything is planned. True when one was resumed (the
 * caller reads the replica again). zfs-fuse discards a cut receive: nothing to resume there.
 */
export async function resumeInterrupted(
  ctx: CoreContext,
  inventory: Inventory,
  dataset: string,
  target: ReplicationTarget,
  step: OnStep,
  names: ReplicaNames = replicaNames(dataset),
): Promise<boolean> {
  // `send -t` needs OpenZFS on the sending side too.
  if ((await target.zfs.detect()).flavour !== 'openzfs' || (await ctx.zfs.detect()).flavour !== 'openzfs') return false;
  const family = new Set(ownFamily(inventory, dataset));
  const tokens = await target.zfs.resumeTokens(names.root).catch(() => new Map<string, string>());
  const replicaOf = `${target.source ?? ctx.node ?? ctx.identity.host}:${dataset}`;
  let resumed = false;
  for (const [ds, token] of tokens) {
    if (!family.has(names.toSource(ds) ?? '')) continue;
    step(`resume the interrupted receive of ${ds} on ${target.node}`);
    await target.transfer(ctx.zfs.resumeSendCommand(token), target.zfs.receiveCommand(ds, true));
    await markReplica(target, [ds], replicaOf);
    resumed = true;
  }
  return resumed;
}

/** Runs one step of a plan on the replica (the stream relayed by the target's transfer), in the replica's names. */
async function runReplicationStep(ctx: CoreContext, target: ReplicationTarget, s: ReplicationStep, replicaOf: string, names: ReplicaNames): Promise<number> {
  const there = names.toTarget;
  if (s.kind === 'send') {
    const send = ctx.zfs.sendCommand(s.to, s.from ? { snapshot: s.from, flag: s.incremental! } : undefined);
    const resumable = (await target.zfs.detect()).flavour === 'openzfs';
    // Its progress is reported by the transfer's caller (executeReplicate), which knows the step it belongs to.
    const r = await target.transfer(send, target.zfs.receiveCommand(there(s.dataset), resumable));
    await markReplica(target, [there(s.dataset)], replicaOf);
    return r.bytes;
  }
  if (s.kind === 'clone') {
    await target.zfs.clone(there(s.origin), there(s.dataset), { readonly: 'on' });
    await markReplica(target, [there(s.dataset)], replicaOf);
    return 0;
  }
  await target.zfs.rename(there(s.dataset), there(s.branch));
  await target.zfs.clone(there(`${s.from ?? s.branch}@${s.at}`), there(s.dataset), { readonly: 'on' });
  await target.zfs.promote(there(s.dataset));
  await markReplica(target, [there(s.dataset), there(s.branch)], replicaOf);
  return 0;
}

/**
 * Takes one step back on the replica, whatever part of it happened: a dataset this run created is destroyed, an
 * increment rolled back to its base, a replayed branch restore reversed. Reads the replica first, so it is safe to
 * run again.
 */
async function undoReplicationStep(target: ReplicationTarget, step: ReplicationStep, replicaOf: string, names: ReplicaNames): Promise<void> {
  const s = replicaStep(step, names);
  // Only this replica is ever taken back: a dataset of that name that is no longer it (moved there and made a
  // container since, say) is left alone, and the undo says so.
  for (const ds of s.kind === 'replay' ? [s.dataset, s.branch] : [s.dataset]) {
    if (!(await target.zfs.exists(ds))) continue;
    const mark = (await target.zfs.localProperties(ds))[REPLICA_OF];
    if (mark !== replicaOf) {
      throw new RefusedError(`${ds} on ${target.node} is no longer the replica of ${replicaOf}`, 'it was left as it is; nothing of it is undone');
    }
  }
  if (s.kind === 'clone' || (s.kind === 'send' && s.incremental !== '-I')) {
    if (await target.zfs.exists(s.dataset)) await target.zfs.destroy(s.dataset, { recursive: true });
    return;
  }
  if (s.kind === 'send') {
    if (await target.zfs.exists(s.from!)) await target.zfs.rollback(s.from!, 'later');
    return;
  }
  const [line, branch] = await Promise.all([target.zfs.exists(s.dataset), target.zfs.exists(s.branch)]);
  if (line && branch && (await target.zfs.origin(s.branch))?.startsWith(`${s.dataset}@`)) {
    // Replayed whole: the branch is now the clone; promote it back and drop the replayed line.
    await target.zfs.promote(s.branch);
    await target.zfs.destroy(s.dataset, { recursive: true });
    await target.zfs.rename(s.branch, s.dataset);
  } else if (line && branch) {
    // Cloned, not yet promoted.
    await target.zfs.destroy(s.dataset, { recursive: true });
    await target.zfs.rename(s.branch, s.dataset);
  } else if (branch) {
    await target.zfs.rename(s.branch, s.dataset);
  }
}

/** A step in the replica's names (the target side of it: what a send receives into, what a replay renames). */
function replicaStep(s: ReplicationStep, names: ReplicaNames): ReplicationStep {
  const t = names.toTarget;
  if (s.kind === 'clone') return { ...s, dataset: t(s.dataset), origin: t(s.origin) };
  if (s.kind === 'replay') return { ...s, dataset: t(s.dataset), branch: t(s.branch), ...(s.from ? { from: t(s.from) } : {}) };
  return { ...s, dataset: t(s.dataset), to: t(s.to), ...(s.from ? { from: t(s.from) } : {}) };
}

/** The plan's tips in the replica's names (the replica's holds). */
const replicaTips = (tips: ReplicationPlan['tips'], names: ReplicaNames): ReplicationPlan['tips'] =>
  tips.map((t) => ({ dataset: names.toTarget(t.dataset), snapshot: names.toTarget(t.snapshot) }));

/**
 * Brings the replica up to the source as both now are: a receive a cut stream left resumable goes on first, then the
 * steps planned from the two listings run. What finishing an interrupted replication and a move's last increment do.
 * Returns the source's listing, the plan's tips (the next bases, for the holds) and the replica's listing after the
 * steps when it follows from the plan (replicaAfter; undefined: read it).
 */
export async function sendWhatIsMissing(
  ctx: CoreContext,
  target: ReplicationTarget,
  dataset: string,
  replicaOf: string,
  names: ReplicaNames = replicaNames(dataset),
): Promise<{ inventory: Inventory; tips: ReplicationPlan['tips']; replica: () => Promise<Inventory> }> {
  const inventory = new Inventory(await ctx.zfs.listAll(poolOf(dataset)));
  await resumeInterrupted(ctx, inventory, dataset, target, () => undefined, names);
  // Read after a resumed receive: the plan is made from the replica as that left it.
  const dst = await readReplica(target, names.pool);
  const plan = planReplication(inventory, ownFamily(inventory, dataset), names.sourceView(dst));
  for (const s of plan.steps) await runReplicationStep(ctx, target, s, replicaOf, names);
  return { inventory, tips: plan.tips, replica: () => replicaAfterSteps(target, names, inventory, dst, plan.steps) };
}

/**
 * The replica's listing once `steps` ran: derived from the two listings they were planned from when it follows from
 * them (replicaAfter: increments only), read otherwise.
 */
async function replicaAfterSteps(
  target: ReplicationTarget,
  names: ReplicaNames,
  src: Inventory,
  dst: Inventory,
  steps: readonly ReplicationStep[],
): Promise<Inventory> {
  return replicaAfter(src, dst, steps, names.toTarget) ?? new Inventory(await target.zfs.listAll(names.pool));
}

/**
 * The two listings a run was planned from, for its steps (not journaled: a run rebuilt from its journal reads both
 * sides again). Keyed by the run's input, which the engine hands to REPLICATE.steps as it was given.
 */
const plannedFrom = new WeakMap<ReplicateInput, { source: Inventory; replica: Inventory }>();

/**
 * A replication as an engine operation: each plan step journaled (a send, a clone, a replayed branch restore), each
 * receive marked as a replica in the same step, then the holds moved. A failed send keeps what was received (every
 * received snapshot is whole: zfs discards a partial receive), so running it again goes on from there; a killed run
 * is finished (`recover --finish`: planned again from both sides as they are, then sent) or undone (`--undo`: the
 * replica back to what it had before, the previous bases held again).
 */
export const REPLICATE: OperationDef<ReplicateInput> = {
  name: 'replicate',
  // Its journal is often another node's (every write a round trip): one write per step.
  joinMarks: true,
  steps(ctx, input, recovering) {
    const target = () => peerOf(ctx, input.to);
    const replicaOf = `${input.source}:${input.dataset}`;
    const names = replicaNames(input.dataset, input.targetBase);
    const plan = input.steps;
    const listed = recovering ? undefined : plannedFrom.get(input);
    // Finishing: the replica is planned again as it now is (some steps done, one maybe half done), once.
    let replanned: Promise<void> | undefined;
    const replan = () =>
      (replanned ??= (async () => {
        await sendWhatIsMissing(ctx, target(), input.dataset, replicaOf, names);
      })());
    const steps: Step[] = plan.map((s) => ({
      title: stepTitle(s),
      run: async () => {
        // A replayed branch restore cut half-way is put back first (its undo knows each partial state), then planned anew.
        if (recovering && s.kind === 'replay') await undoReplicationStep(target(), s, replicaOf, names);
        if (recovering) return replan();
        await runReplicationStep(ctx, target(), s, replicaOf, names);
      },
      undo: () => undoReplicationStep(target(), s, replicaOf, names),
      // A cut stream keeps what came before it; a half-replayed branch restore is put back.
      onFailure: s.kind === 'replay' ? 'undo' : 'stop',
    }));
    steps.push({
      title: `hold the new bases on ${input.source} and ${input.to} (lxcri-repl:<peer>), release the previous ones`,
      run: async () => {
        const t = target();
        // In the run that planned it, this node's listing is the plan's (unchanged under the lock) and the replica's
        // follows from it when the plan only sent increments; a run finished from its journal reads both.
        const [src, there] = listed
          ? [listed.source, await replicaAfterSteps(t, names, listed.source, listed.replica, plan)]
          : await Promise.all([ctx.zfs.listAll(poolOf(input.dataset)).then((r) => new Inventory(r)), t.zfs.listAll(names.pool).then((r) => new Inventory(r))]);
        // Whatever of the family arrived is marked a replica, also what a kill left unmarked after its receive.
        const unmarked = ownFamily(src, input.dataset)
          .map(names.toTarget)
          .filter((ds) => there.get(ds) && there.get(ds)!.user[USER_PROPS.replicaOf] !== replicaOf);
        await markReplica(t, unmarked, replicaOf);
        // Each side on its own node: both at once.
        await Promise.all([moveHolds(ctx.zfs, src, input.tips, input.to), replicaHolds(t.zfs, there, replicaTips(input.tips, names), input.source)]);
      },
      undo: async () => {
        const t = target();
        await Promise.all([restoreHolds(ctx.zfs, input, input.to, replicaNames(input.dataset)), restoreHolds(t.zfs, input, input.source, names)]);
      },
      onFailure: 'stop',
    });
    for (const img of input.images ?? []) {
      steps.push({
        title: imageStepTitle(img, input.to),
        run: () => copyImage(target(), img),
        undo: () => removeCopiedImage(target(), img),
        onFailure: 'stop',
      });
    }
    return steps;
  },
};

/**
 * Runs a plan as the journaled REPLICATE operation. The pre-flight failures refuse it before anything runs.
 */
export async function executeReplicate(
  ctx: CoreContext,
  c: LoadedContainer,
  target: ReplicationTarget,
  plan: ReplicatePlan,
  source: string,
  step: OnStep,
  dst: Inventory,
): Promise<{ bytes?: number }> {
  const failed = plan.preflight.filter(blocks);
  if (failed.length) {
    throw new RefusedError(
      `cannot replicate ${c.id} to ${target.node}: ${failed.map((p) => (p.check === 'space' ? `not enough room under ${p.subject} (${p.have} bytes free, about ${p.need} to send)` : `${p.check} ${p.subject} is missing there`)).join('; ')}`,
      p0hint(failed[0]!, target.node, plan.targetBase),
    );
  }
  // This container's own bases only: another container's of the same pool is not this run's to give back.
  const family = new Set(ownFamily(c.inventory, c.dataset));
  const previousBases = c.inventory.records
    .filter((r) => r.type === 'snapshot' && family.has(r.name.slice(0, r.name.indexOf('@'))) && peersOf(r).includes(target.node))
    .map((r) => r.name);
  const input: ReplicateInput = {
    container: c.id,
    dataset: c.dataset,
    source,
    to: target.node,
    steps: plan.steps,
    tips: plan.tips,
    previousBases,
    ...(plan.targetBase ? { targetBase: plan.targetBase } : {}),
    ...(plan.images?.length ? { images: plan.images } : {}),
  };
  plannedFrom.set(input, { source: c.inventory, replica: dst });
  // The steps reach the target through the context's peer; a caller with its own target (a test's) lends it.
  const withPeer: CoreContext = ctx.peer ? ctx : { ...ctx, peer: (n) => (n === target.node ? target : peerOf(ctx, n)) };
  let bytes = 0;
  let direct = false;
  // The step running now and its estimate: a relayed stream reports its bytes against it, a few times a second at
  // most (every 64 KiB chunk would redraw the console).
  const estimates = new Map([
    ...plan.steps.map((s): [string, number] => [stepTitle(s), s.kind === 'send' ? s.bytes : 0]),
    ...(plan.images ?? []).map((img): [string, number] => [imageStepTitle(img, target.node), img.bytes]),
  ]);
  let current = '';
  const onStep: OnStep = (title, transfer) => {
    if (!transfer) current = title;
    step(title, transfer);
  };
  const counting: ReplicationTarget = {
    ...target,
    transfer: async (send, receive, onBytes) => {
      const title = current;
      const startedAt = Date.now();
      let shown = 0;
      const progress = (n: number) => {
        onBytes?.(n);
        const now = Date.now();
        if (now - shown < PROGRESS_MS) return;
        shown = now;
        onStep(title, { done: n, total: estimates.get(title) ?? 0, startedAt });
      };
      const r = await target.transfer(send, receive, progress);
      // A stream that went straight from node to node did not pass here: its size is not known to this console.
      if (Number.isFinite(r.bytes)) bytes += r.bytes;
      else direct = true;
      return r;
    },
  };
  const counted: CoreContext = { ...withPeer, peer: (n) => (n === target.node ? counting : withPeer.peer!(n)) };
  await runOperation(counted, REPLICATE, { container: c.id, datasets: [c.dataset], title: `replication of ${c.id} to ${target.node}`, input }, onStep);
  return direct ? {} : { bytes };
}

/** Holds the snapshot for `peer` and adds it to the snapshot's mark (nothing when it has both). */
function holdFor(changes: ZfsChanges, rec: DatasetRecord, peer: string): void {
  const peers = peersOf(rec);
  if (peers.includes(peer)) return;
  changes.hold(replicationTag(peer), rec.name).set(rec.name, { [REPLICATED]: [...peers, peer].join(',') });
}

/**
 * Releases the snapshot's hold for `peer` and takes `peer` off its mark; a mark left naming no node is inherited away,
 * or set to `-` where a value received with the stream would come back (`none: '-'`, a replica's side).
 */
function releaseFor(changes: ZfsChanges, rec: DatasetRecord, peer: string, none: 'inherit' | '-'): void {
  const peers = peersOf(rec);
  if (!peers.includes(peer)) return;
  changes.release(replicationTag(peer), rec.name);
  const rest = peers.filter((p) => p !== peer);
  if (rest.length) changes.set(rec.name, { [REPLICATED]: rest.join(',') });
  else if (none === 'inherit') changes.inherit(rec.name, REPLICATED);
  else changes.set(rec.name, { [REPLICATED]: '-' });
}

/** Holds each dataset's new base for `peer` (and marks it), then releases the bases it replaces: in one round trip. */
export async function moveHolds(zfs: Zfs, inv: Inventory, planTips: ReplicationPlan['tips'], peer: string): Promise<void> {
  const tips = new Set(planTips.map((t) => t.snapshot));
  const changes = zfs.changes();
  for (const t of planTips) {
    const rec = inv.get(t.snapshot);
    // Never release the old bases without the new one held: a base destroyed by hand since is said, nothing changed.
    if (!rec) {
      throw new LxcriError(
        'inconsistent',
        `${t.snapshot} is gone: it cannot become the base of the replication to ${peer}`,
        'run the replication again (it plans from what is there now)',
        1,
      );
    }
    holdFor(changes, rec, peer);
  }
  for (const dataset of new Set(planTips.map((t) => t.dataset))) {
    for (const snap of inv.snapshotsOf(dataset)) if (!tips.has(snap.name)) releaseFor(changes, snap, peer, 'inherit');
  }
  await zfs.apply(changes);
}

/**
 * The replica's side of moveHolds. `zfs send -p` carries the source's snapshot properties, its `lxcri:replicated`
 * marks too (they name the source's peers, not the replica's), and zfs-fuse cannot clear a received value
 * (`inherit` brings it back): every snapshot of the family gets its own mark set locally, `<source>` on the new bases
 * (held for it), `-` elsewhere (its hold for the source released). In one round trip.
 */
export async function replicaHolds(zfs: Zfs, inv: Inventory, planTips: ReplicationPlan['tips'], source: string): Promise<void> {
  const tag = replicationTag(source);
  const tips = new Set(planTips.map((t) => t.snapshot));
  const changes = zfs.changes();
  for (const dataset of new Set(planTips.map((t) => t.dataset))) {
    for (const snap of inv.snapshotsOf(dataset)) {
      const value = snap.user.replicated ?? '';
      // Only a replication holds a replica's snapshot for its source (holds are never sent); a replica taken over
      // after its container moved still has the holds of the node it was made from: released.
      const holders = peersOf(snap);
      if (tips.has(snap.name)) {
        if (!holders.includes(source)) changes.hold(tag, snap.name);
        for (const other of holders) if (other !== source) changes.release(replicationTag(other), snap.name);
        if (value !== source) changes.set(snap.name, { [REPLICATED]: source });
      } else if (holders.length) {
        for (const holder of holders) changes.release(replicationTag(holder), snap.name);
        changes.set(snap.name, { [REPLICATED]: '-' });
      }
    }
  }
  await zfs.apply(changes);
}

/** The nodes a snapshot is the replication base for (`lxcri:replicated`, comma-separated; `-`: none). */
export const peersOf = (rec: DatasetRecord | undefined): string[] => replicationPeers(rec?.user[USER_PROPS.replicated]);

/**
 * The snapshots are no longer bases for `peer`: their holds released, the peer taken off their marks, in one round
 * trip. Set, not inherited: on a replica a value received with the stream would come back (zfs-fuse).
 */
export async function dropPeer(zfs: Zfs, recs: readonly DatasetRecord[], peer: string): Promise<void> {
  const changes = zfs.changes();
  for (const rec of recs) releaseFor(changes, rec, peer, '-');
  await zfs.apply(changes);
}

/**
 * Undoes moveHolds: the new bases released, the previous ones held and marked again (each only where needed), in one
 * round trip. On the replica's side, `names` gives the snapshots' names there.
 */
async function restoreHolds(zfs: Zfs, input: ReplicateInput, peer: string, names: ReplicaNames): Promise<void> {
  const inv = new Inventory(await zfs.listAll(names.pool));
  // Journals written before previousBases were limited to the container's own tree may name other datasets: those
  // cannot be mapped to the replica's names and are left alone.
  const mappable = (name: string) => {
    try {
      return names.toTarget(name);
    } catch {
      return undefined;
    }
  };
  const previous = new Set(input.previousBases.map(mappable).filter((n): n is string => n !== undefined));
  const changes = zfs.changes();
  for (const t of replicaTips(input.tips, names)) {
    const rec = inv.get(t.snapshot);
    if (rec && !previous.has(t.snapshot)) releaseFor(changes, rec, peer, '-');
  }
  for (const name of previous) {
    const rec = inv.get(name);
    if (rec) holdFor(changes, rec, peer);
  }
  await zfs.apply(changes);
}

function p0hint(p: PreflightCheck, node: string, targetBase?: string): string {
  if (p.check === 'space') return `free space on ${node} (zpool list; prune its replicas), then retry`;
  if (targetBase) return `create ${p.subject} on ${node} first (zfs create ${targetBase}: config replication.target_base puts the replicas there), then retry`;
  return `create ${p.subject} on ${node} first (the replica keeps the same dataset names), then retry`;
}

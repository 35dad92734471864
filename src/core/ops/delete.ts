import { heldWords } from '../model/replication.js';
import type { CoreContext } from '../context.js';
import { RefusedError } from '../errors.js';
import type { CheckpointNode } from '../model/tree.js';
import { subtreeIds } from '../model/tree.js';
import { briefOf, type SnapshotBrief } from '../model/snapshot-brief.js';
import { readInventory, type LoadedContainer } from './container.js';
import { runOperation, type OnStep, type OperationDef } from './engine.js';
import { tolerate, whenRecovering, type Step } from './steps.js';
import { poolOf } from '../world.js';

export type DeleteAction =
  | { kind: 'destroy-dataset'; dataset: string; snapshots: string[] }
  | { kind: 'destroy-snapshot'; snapshot: string }
  | { kind: 'reset-branch'; dataset: string; to: string; destroys: string[] };

export interface DeletePlan {
  container: string;
  target: CheckpointNode;
  subtree: boolean;
  /** In execution order. */
  actions: DeleteAction[];
  /** Every snapshot that will be gone afterwards. */
  snapshots: string[];
  datasets: string[];
  /** Bytes the snapshots hold on their own (a lower bound of what is freed). */
  usedBytes: number;
  /** The snapshots it destroys as the preview names them (label, age, size), oldest first. */
  destroyed?: SnapshotBrief[];
}

export interface DeleteResult {
  container: string;
  deleted: string[];
  datasets: string[];
}

/** Datasets, deepest clone first, so each `zfs destroy -r` finds its dependents already gone. */
function cloneDepth(c: LoadedContainer, dataset: string): number {
  let depth = 0;
  for (let origin = c.inventory.get(dataset)?.origin; origin; depth++) {
    origin = c.inventory.get(origin.slice(0, origin.indexOf('@')))?.origin;
  }
  return depth;
}

export function planDelete(c: LoadedContainer, target: CheckpointNode, subtree: boolean): DeletePlan {
  const tree = c.tree;
  if (!subtree) {
    if (target.holds > 0) {
      throw new RefusedError(
        `${target.fullName} is ${heldWords(target)}`,
        target.replicatedTo?.length
          ? 'replicate again first (the hold moves to the newer base), or release it (`zfs release lxcri-repl:<node>`)'
          : 'release the hold first (`zfs holds`, `zfs release <tag>`)',
      );
    }
    refuseForeignClones([target]);
    if (target.clones.length) {
      throw new RefusedError(
        `${target.fullName} has dependent clones: ${target.clones.join(', ')}`,
        'delete the whole subtree with --subtree (preview first), or restore another line first',
      );
    }
    return {
      container: c.id,
      target,
      subtree,
      actions: [{ kind: 'destroy-snapshot', snapshot: target.fullName }],
      snapshots: [target.fullName],
      datasets: [],
      usedBytes: target.used,
      destroyed: [briefOf(target)],
    };
  }
  const ids = subtreeIds(tree, target.id);
  const nodes = ids.map((id) => tree.nodes.get(id)!);
  if (nodes.some((n) => n.active)) {
    throw new RefusedError(
      `the subtree of ${target.name} contains the container's live state (NOW on ${c.dataset})`,
      'restore another checkpoint first (branch mode), or delete single checkpoints without --subtree',
    );
  }
  refuseForeignClones(nodes);
  const held = nodes.filter((n) => n.holds > 0);
  if (held.length) {
    throw new RefusedError(
      `the subtree of ${target.name} contains held snapshot(s): ${held.map((n) => n.fullName).join(', ')}`,
      'release the holds first (`zfs release`)',
    );
  }
  const inSubtree = new Set(nodes.filter((n) => n.kind === 'snapshot').map((n) => n.fullName));
  const nowDatasets = nodes.filter((n) => n.kind === 'now').map((n) => n.dataset);
  const actions: DeleteAction[] = [];
  const whole: string[] = [];
  let partial: DeleteAction | undefined;
  for (const ds of nowDatasets) {
    const own = c.inventory.snapshotsOf(ds).map((s) => s.name);
    const kept = own.filter((s) => !inSubtree.has(s));
    if (kept.length === 0) whole.push(ds);
    else partial = { kind: 'reset-branch', dataset: ds, to: kept[kept.length - 1]!, destroys: own.filter((s) => inSubtree.has(s)) };
  }
  for (const ds of [...whole, ...(partial?.kind === 'reset-branch' ? [partial.dataset] : [])]) {
    const children = c.inventory.childrenOf(ds);
    if (children.length) {
      throw new RefusedError(
        `branch ${ds} has child datasets (${children.map((d) => d.name).join(', ')}) that lxcri-console did not make`,
        'move or destroy those datasets by hand first',
      );
    }
  }
  whole.sort((a, b) => cloneDepth(c, b) - cloneDepth(c, a));
  for (const ds of whole) actions.push({ kind: 'destroy-dataset', dataset: ds, snapshots: c.inventory.snapshotsOf(ds).map((s) => s.name) });
  if (partial) actions.push(partial);
  return {
    container: c.id,
    target,
    subtree,
    actions,
    snapshots: [...inSubtree],
    datasets: whole,
    usedBytes:
      nodes.reduce((sum, n) => sum + (n.kind === 'snapshot' ? n.used : 0), 0) + whole.reduce((sum, ds) => sum + (c.inventory.get(ds)?.usedbydataset ?? 0), 0),
    destroyed: nodes
      .filter((n) => n.kind === 'snapshot')
      .sort((a, b) => a.createtxg - b.createtxg)
      .map(briefOf),
  };
}

/** Another owner's clone (a linked clone, another container) pins its origin: refuse, naming the owner. */
function refuseForeignClones(nodes: readonly CheckpointNode[]): void {
  const pinned = nodes.find((n) => n.foreignClones.length);
  if (!pinned) return;
  const users = pinned.foreignClones.map((f) => `${f.dataset} (clone used by ${f.owner})`).join(', ');
  throw new RefusedError(
    `${pinned.fullName} is the origin of ${users}, which lxcri-console does not own and never destroys`,
    'that clone must be destroyed or promoted by its owner first (`zfs promote <clone>` makes it independent)',
  );
}

export interface DeleteInput {
  container: string;
  actions: DeleteAction[];
}

/**
 * Delete's steps: destroys cannot be undone, so a failure keeps what is done and stops. After a crash a step finds
 * its work already done when what it destroys is gone, so an interrupted delete is finished by `recover --finish`;
 * on a first run a missing target is a failure. A branch reset first checks that `zfs rollback -r` destroys nothing
 * the plan does not list (sanoid may have snapshotted the branch since).
 */
export const DELETE: OperationDef<DeleteInput> = {
  name: 'delete',
  steps: (ctx, input, recovering) =>
    input.actions.map((action): Step => ({
      title: describeAction(action),
      onFailure: 'stop',
      run: () =>
        tolerate(
          async () => {
            if (action.kind === 'destroy-snapshot') return ctx.zfs.destroy(action.snapshot);
            if (action.kind === 'destroy-dataset') return ctx.zfs.destroy(action.dataset, { recursive: true });
            const { inventory } = await readInventory(ctx, poolOf(action.dataset));
            const to = inventory.get(action.to);
            const later = inventory.snapshotsOf(action.dataset).filter((s) => to && s.createtxg > to.createtxg);
            const unlisted = later.filter((s) => !action.destroys.includes(s.name));
            if (unlisted.length) {
              throw new RefusedError(
                `resetting ${action.dataset} to ${short(action.to)} would also destroy ${unlisted.map((s) => s.name).join(', ')}, made since the preview`,
                'preview the delete again and confirm it',
              );
            }
            return ctx.zfs.rollback(action.to, 'later');
          },
          ...whenRecovering(recovering, 'not-found'),
        ),
    })),
};

export async function executeDelete(ctx: CoreContext, plan: DeletePlan, datasets: readonly string[], onStep?: OnStep): Promise<DeleteResult> {
  await runOperation(
    ctx,
    DELETE,
    {
      container: plan.container,
      datasets,
      title: `delete of ${plan.target.name} from ${plan.container}`,
      input: { container: plan.container, actions: plan.actions },
    },
    onStep,
  );
  return { container: plan.container, deleted: plan.snapshots, datasets: plan.datasets };
}

export function describeAction(action: DeleteAction): string {
  switch (action.kind) {
    case 'destroy-snapshot':
      return `destroy ${action.snapshot}`;
    case 'destroy-dataset':
      return `destroy branch ${action.dataset} with ${action.snapshots.length} snapshot(s): ${action.snapshots.map(short).join(', ') || '-'}`;
    case 'reset-branch':
      return `destroy ${action.destroys.map(short).join(', ')} and reset branch ${action.dataset}'s live state to ${short(action.to)}`;
  }
}

function short(name: string): string {
  return name.slice(name.indexOf('@') + 1);
}

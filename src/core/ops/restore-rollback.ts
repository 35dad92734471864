import type { CoreContext } from '../context.js';
import { RefusedError } from '../errors.js';
import type { CheckpointNode } from '../model/tree.js';
import { readInventory, type LoadedContainer } from './container.js';
import { buildTree } from '../model/tree.js';
import { poolOf } from '../world.js';
import { describeOwner } from '../model/ownership.js';
import { runOperation, type OnStep, type OperationDef } from './engine.js';
import { lifecycleSteps, type Lifecycle, type ServicePreview } from './lifecycle.js';
import { briefOf, type SnapshotBrief } from '../model/snapshot-brief.js';

export interface RollbackPlan {
  mode: 'rollback';
  container: string;
  dataset: string;
  target: CheckpointNode;
  /** Every snapshot the rollback destroys, oldest first. */
  destroysSnapshots: string[];
  /** Every clone dataset (branch) it destroys, with their snapshots counted above. */
  destroysDatasets: string[];
  /** Needs `zfs rollback -R` because clones depend on newer snapshots. */
  needsClones: boolean;
  /** The snapshots above as the preview names them (label, age, size), oldest first. */
  destroyed?: SnapshotBrief[];
  /** The container's state for the preview's words (set by the core's planning). */
  service?: ServicePreview;
}

export interface RollbackResult {
  mode: 'rollback';
  container: string;
  dataset: string;
  restored: string;
  destroyed: string[];
}

/** Clone datasets hanging off `snapshots`, recursively, and all their snapshots. */
function dependents(c: Pick<LoadedContainer, 'inventory'>, snapshots: readonly string[]): { datasets: string[]; snapshots: string[] } {
  const datasets: string[] = [];
  const snaps: string[] = [];
  const queue = [...snapshots];
  while (queue.length) {
    for (const clone of c.inventory.clonesOf(queue.shift()!)) {
      datasets.push(clone);
      for (const s of c.inventory.snapshotsOf(clone)) {
        snaps.push(s.name);
        queue.push(s.name);
      }
    }
  }
  return { datasets, snapshots: snaps };
}

/** Lists exactly what `zfs rollback -r/-R` to `target` would destroy; refuses what ZFS would refuse. */
export function planRollback(c: Pick<LoadedContainer, 'id' | 'dataset' | 'inventory' | 'tree'>, target: CheckpointNode): RollbackPlan {
  if (target.dataset !== c.dataset) {
    throw new RefusedError(
      `${target.fullName} is on the branch ${target.dataset}, not on the container's active line ${c.dataset}`,
      'rollback works on the active line only: use --mode branch to restore a checkpoint from another branch',
    );
  }
  const later = c.inventory
    .snapshotsOf(c.dataset)
    .filter((s) => s.createtxg > target.createtxg)
    .map((s) => s.name);
  const deps = dependents(c, later);
  const own = new Set(c.tree.branches.map((b) => b.dataset));
  const foreign = deps.datasets.filter((d) => !own.has(d));
  if (foreign.length) {
    throw new RefusedError(
      `rollback to ${target.name} would destroy ${foreign.map((d) => `${d} (clone used by ${describeOwner(d)})`).join(', ')}, which lxcri-console does not own`,
      'use --mode branch, which keeps everything; that clone must be destroyed or promoted by its owner before a rollback',
    );
  }
  const held = [...later, ...deps.snapshots].filter((s) => (c.inventory.get(s)?.userrefs ?? 0) > 0);
  if (held.length) {
    throw new RefusedError(
      `rollback to ${target.name} would destroy held snapshot(s): ${held.join(', ')}`,
      'release the holds (`zfs holds`, `zfs release`) or use --mode branch, which keeps everything',
    );
  }
  return {
    mode: 'rollback',
    container: c.id,
    dataset: c.dataset,
    target,
    destroysSnapshots: [...later, ...deps.snapshots],
    destroysDatasets: deps.datasets,
    needsClones: deps.datasets.length > 0,
    destroyed: briefs(c, [...later, ...deps.snapshots]),
  };
}

function briefs(c: Pick<LoadedContainer, 'tree'>, names: readonly string[]): SnapshotBrief[] {
  const byName = new Map([...c.tree.nodes.values()].map((n) => [n.fullName, n]));
  return names.flatMap((s) => {
    const n = byName.get(s);
    return n ? [briefOf(n)] : [];
  });
}

export interface RollbackInput {
  container: string;
  dataset: string;
  target: string;
  mode: 'none' | 'later' | 'clones';
  /** Every snapshot and dataset the confirmed plan destroys: the rollback runs only while that is still all. */
  destroys: string[];
  lifecycle?: Lifecycle;
}

/**
 * Refuses when a rollback to `target` would now destroy anything the confirmed list does not name (a checkpoint
 * or a clone made since the preview). After a crash some of the list may be gone already.
 */
function refuseUnlisted(
  c: Pick<LoadedContainer, 'id' | 'dataset' | 'inventory' | 'tree'>,
  target: string,
  listed: readonly string[],
  allowGone: boolean,
): RollbackPlan {
  const node = [...c.tree.nodes.values()].find((n) => n.fullName === target);
  if (!node) throw new RefusedError(`${target} no longer exists; the rollback was not run`, `see \`lxcri-console tree ${c.id}\``);
  const now = planRollback(c, node);
  const allowed = new Set(listed);
  const actual = [...now.destroysSnapshots, ...now.destroysDatasets];
  if (actual.some((n) => !allowed.has(n)) || (!allowGone && actual.length !== allowed.size)) {
    throw new RefusedError(`the checkpoints of ${c.id} changed since the preview; the rollback was not run`, 'review the new preview and confirm again');
  }
  return now;
}

export const ROLLBACK_RESTORE: OperationDef<RollbackInput> = {
  name: 'rollback-restore',
  steps: (ctx, i, recovering, out) => {
    const life = lifecycleSteps(ctx, i.lifecycle, out);
    const flag = i.mode === 'clones' ? ' -R' : i.mode === 'later' ? ' -r' : '';
    return [
      ...life.before,
      {
        title: `zfs rollback${flag} to ${i.target}`,
        // Checked again right before it runs (the container was shutting down meanwhile, or this is a recovery, with
        // the locks free since the crash): rolling back again is harmless, destroying something new is not.
        run: async () => {
          const { inventory } = await readInventory(ctx, poolOf(i.dataset));
          refuseUnlisted(
            { id: i.container, dataset: i.dataset, inventory, tree: buildTree(i.container, i.dataset, inventory) },
            i.target,
            i.destroys,
            recovering,
          );
          await ctx.zfs.rollback(i.target, i.mode);
        },
      },
      ...life.after,
    ];
  },
};

/** Runs the rollback after re-checking that it destroys exactly what the confirmed plan listed. */
export async function executeRollback(
  ctx: CoreContext,
  fresh: LoadedContainer,
  confirmed: RollbackPlan,
  lifecycle: Lifecycle,
  onStep?: OnStep,
  out?: Record<string, unknown>,
): Promise<RollbackResult> {
  const destroys = [...confirmed.destroysSnapshots, ...confirmed.destroysDatasets];
  const now = refuseUnlisted(fresh, confirmed.target.fullName, destroys, false);
  const mode = now.needsClones ? 'clones' : now.destroysSnapshots.length ? 'later' : 'none';
  await runOperation(
    ctx,
    ROLLBACK_RESTORE,
    {
      container: fresh.id,
      datasets: [fresh.dataset],
      title: `rollback of ${fresh.id} to ${confirmed.target.name}`,
      input: { container: fresh.id, dataset: fresh.dataset, target: confirmed.target.fullName, mode, destroys, lifecycle },
    },
    onStep,
    out,
  );
  return { mode: 'rollback', container: fresh.id, dataset: fresh.dataset, restored: confirmed.target.fullName, destroyed: destroys };
}

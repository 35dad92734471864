import type { CoreContext } from '../context.js';
import { NotFoundError, RefusedError } from '../errors.js';
import type { BranchInfo, CheckpointNode } from '../model/tree.js';
import { snapshotNodes } from '../model/tree.js';
import type { LoadedContainer } from './container.js';
import { DELETE, type DeleteAction } from './delete.js';
import { runOperation, type OnStep } from './engine.js';

/** Deleting one whole branch dataset of a container: the line a restore set aside, with every checkpoint on it. */
export interface DeleteBranchPlan {
  container: string;
  branch: BranchInfo;
  /** The checkpoint the branch grew from (the one a restore went back to), when it is in the tree. */
  origin?: CheckpointNode;
  /** The branch's own checkpoints, oldest first (what goes with it). */
  snapshots: CheckpointNode[];
  actions: DeleteAction[];
  /** The dataset's `used`: what destroying it frees (its own data and its snapshots'). */
  usedBytes: number;
}

export interface DeleteBranchResult {
  container: string;
  dataset: string;
  deleted: string[];
}

/**
 * A branch goes whole or not at all. Refused: the live line, a dataset that is not this container's branch, held
 * checkpoints, checkpoints another owner's clone (or another branch) grew from, and child datasets.
 */
export function planDeleteBranch(c: LoadedContainer, dataset: string): DeleteBranchPlan {
  const branch = c.tree.branches.find((b) => b.dataset === dataset);
  if (!branch) {
    throw new NotFoundError(
      `${dataset} is not a branch of container ${c.id}`,
      `see its branches (the NOW rows other than "you are here") with \`lxcri-console tree ${c.id}\``,
    );
  }
  if (branch.active) {
    throw new RefusedError(
      `${dataset} is the live line of ${c.id} (you are here): it cannot be deleted`,
      'switch to another branch first (restore it), or delete single checkpoints',
    );
  }
  const snapshots = snapshotNodes(c.tree).filter((n) => n.dataset === dataset);
  const held = snapshots.filter((n) => n.holds > 0);
  if (held.length) {
    throw new RefusedError(
      `branch ${dataset} has held checkpoint(s): ${held.map((n) => n.name).join(', ')}`,
      'release the holds first (`zfs holds`, `zfs release <tag>`)',
    );
  }
  const foreign = snapshots.find((n) => n.foreignClones.length);
  if (foreign) {
    throw new RefusedError(
      `${foreign.fullName} is the origin of ${foreign.foreignClones.map((f) => `${f.dataset} (clone used by ${f.owner})`).join(', ')}, which lxcri-console does not own and never destroys`,
      'that clone must be destroyed or promoted by its owner first (`zfs promote <clone>` makes it independent)',
    );
  }
  const dependents = snapshots.flatMap((n) => n.clones.map((clone) => ({ clone, from: n })));
  if (dependents.length) {
    const d = dependents[0]!;
    throw new RefusedError(
      `${d.clone} grew from ${d.from.fullName} on this branch${d.clone === c.dataset ? ' (it is the live line)' : ''}`,
      d.clone === c.dataset ? 'switch to this branch first, or delete its later checkpoints one by one' : `delete the branch ${d.clone} first`,
    );
  }
  const children = c.inventory.childrenOf(dataset);
  if (children.length) {
    throw new RefusedError(
      `branch ${dataset} has child datasets (${children.map((d) => d.name).join(', ')}) that lxcri-console did not make`,
      'move or destroy those datasets by hand first',
    );
  }
  const origin = branch.origin ? [...c.tree.nodes.values()].find((n) => n.fullName === branch.origin) : undefined;
  return {
    container: c.id,
    branch,
    ...(origin ? { origin } : {}),
    snapshots,
    actions: [{ kind: 'destroy-dataset', dataset, snapshots: snapshots.map((n) => n.fullName) }],
    usedBytes: branch.used,
  };
}

/** Runs as a delete (its journal and recovery are delete's): one `zfs destroy -r` of the branch dataset. */
export async function executeDeleteBranch(ctx: CoreContext, plan: DeleteBranchPlan, datasets: readonly string[], onStep?: OnStep): Promise<DeleteBranchResult> {
  await runOperation(
    ctx,
    DELETE,
    {
      container: plan.container,
      datasets,
      title: `delete of branch ${plan.branch.dataset} from ${plan.container}`,
      input: { container: plan.container, actions: plan.actions },
    },
    onStep,
  );
  return { container: plan.container, dataset: plan.branch.dataset, deleted: plan.snapshots.map((n) => n.fullName) };
}

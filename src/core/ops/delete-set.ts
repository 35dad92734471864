import type { CoreContext } from '../context.js';
import { RefusedError } from '../errors.js';
import type { CheckpointNode } from '../model/tree.js';
import type { LoadedContainer } from './container.js';
import { DELETE, type DeleteAction } from './delete.js';
import { runOperation, type OnStep } from './engine.js';
import { destroyDryRunBytes } from './prune.js';
import { selectSnapshot } from './select-snapshot.js';

/** Deleting a chosen set of checkpoints (the console's marks) in one operation. */
export interface DeleteSetPlan {
  container: string;
  /** What goes, oldest first. */
  deletes: CheckpointNode[];
  /** What was asked for but stays, and why (held, a clone grew from it). */
  kept: Array<{ node: CheckpointNode; reason: string }>;
  actions: DeleteAction[];
  /** What the set frees: the sum of each checkpoint's `used` (a lower bound), or `zfs destroy -nvp`'s answer (exact). */
  freedBytes: number;
  accuracy: 'exact' | 'lower-bound';
}

export interface DeleteSetResult {
  container: string;
  deleted: string[];
}

/** Why a checkpoint of the set cannot go, or undefined. */
/** Why a marked checkpoint stays when the set is deleted (held, something grew from it), or undefined: it goes. */
export function keepReason(n: CheckpointNode): string | undefined {
  if (n.holds > 0) return `held (${n.holds} hold(s))`;
  if (n.foreignClones.length) return `clone used by ${n.foreignClones.map((f) => f.owner).join(', ')} grew from it`;
  if (n.clones.length) return `branch ${n.clones.join(', ')} grew from it`;
  return undefined;
}

/** Splits the named checkpoints into those that go and those kept (held, clone origins); asks zfs for the exact bytes where it can. */
export async function planDeleteSet(ctx: CoreContext, c: LoadedContainer, snapshots: readonly string[]): Promise<DeleteSetPlan> {
  const chosen = new Map<string, CheckpointNode>();
  for (const name of snapshots) {
    const n = selectSnapshot(c.tree, name);
    chosen.set(n.id, n);
  }
  const nodes = [...chosen.values()].sort((a, b) => a.createtxg - b.createtxg);
  const kept = nodes.flatMap((node) => {
    const reason = keepReason(node);
    return reason ? [{ node, reason }] : [];
  });
  const deletes = nodes.filter((n) => !keepReason(n));
  let freedBytes = deletes.reduce((sum, n) => sum + n.used, 0);
  let accuracy: DeleteSetPlan['accuracy'] = 'lower-bound';
  const exact = c.caps.destroyDryRun && deletes.length ? await destroyDryRunBytes(ctx, deletes) : undefined;
  if (exact !== undefined) {
    freedBytes = exact;
    accuracy = 'exact';
  }
  return {
    container: c.id,
    deletes,
    kept,
    actions: deletes.map((n) => ({ kind: 'destroy-snapshot', snapshot: n.fullName })),
    freedBytes,
    accuracy,
  };
}

/** A confirmed plan runs only if the same checkpoints still go (none became held or cloned since the preview). */
export function checkDeleteSetPlan(previewed: DeleteSetPlan, fresh: DeleteSetPlan): void {
  const names = (p: DeleteSetPlan) => p.deletes.map((n) => n.fullName).join(',');
  if (names(previewed) !== names(fresh)) {
    throw new RefusedError(
      `the checkpoints to delete from ${fresh.container} changed since the preview (now: ${fresh.deletes.map((n) => n.name).join(', ') || 'none'})`,
      'preview the delete again and confirm it',
    );
  }
}

/** Runs as a delete (its journal and recovery are delete's): one `zfs destroy` per checkpoint, stopping at a failure. */
export async function executeDeleteSet(ctx: CoreContext, plan: DeleteSetPlan, datasets: readonly string[], onStep?: OnStep): Promise<DeleteSetResult> {
  if (plan.actions.length) {
    await runOperation(
      ctx,
      DELETE,
      {
        container: plan.container,
        datasets,
        title: `delete of ${plan.deletes.length} checkpoint(s) from ${plan.container}`,
        input: { container: plan.container, actions: plan.actions },
      },
      onStep,
    );
  }
  return { container: plan.container, deleted: plan.deletes.map((n) => n.fullName) };
}

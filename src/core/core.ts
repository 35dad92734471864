import type { CoreContext } from './context.js';
import { RefusedError, UsageError } from './errors.js';
import { checkpoint, type CheckpointOptions, type GroupCheckpointResult } from './ops/checkpoint.js';
import { loadContainer, readInventory, resolveContainer, type LoadedContainer } from './ops/container.js';
import { executeDelete, planDelete, type DeletePlan, type DeleteResult } from './ops/delete.js';
import { poolReport, type PoolReport } from './ops/pools.js';
import { executePrune, planPrune, policyFromConfig, type PrunePlan, type PrunePolicy, type PruneResult } from './ops/prune.js';
import { executeBranchRestore, planBranchRestore, type BranchRestorePlan, type BranchRestoreResult } from './ops/restore-branch.js';
import { executeRollback, planRollback, type RollbackPlan, type RollbackResult } from './ops/restore-rollback.js';
import { selectSnapshot } from './ops/select-snapshot.js';
import { snapshotNodes, type CheckpointTree } from './model/tree.js';
import { track } from './store.js';
import { summarizeContainers, type World } from './world.js';
import { listContainers } from './containers/registry.js';

export type RestoreMode = 'branch' | 'rollback';
export type RestorePlan = BranchRestorePlan | RollbackPlan;
export type RestoreResult = BranchRestoreResult | RollbackResult;

/** The runtime core's one API: the CLI and the console both call these, and nothing else touches ZFS. */
export class Core {
  constructor(readonly ctx: CoreContext) {}

  get store() {
    return this.ctx.store;
  }

  /** Reads the whole world in two processes (zfs get/list, zpool list) and publishes it to the store. */
  async refresh(): Promise<World> {
    return track(this.store, 'refresh', async () => {
      this.store.setState({ refreshing: true });
      try {
        const { caps, inventory } = await readInventory(this.ctx);
        const [pools, containers] = await Promise.all([this.ctx.zpool.list(caps), listContainers(this.ctx, inventory)]);
        const world: World = {
          capabilities: caps, base: this.ctx.config.zfs.base_dataset, inventory, pools,
          containers: summarizeContainers(containers, inventory), refreshedAt: this.ctx.now(),
        };
        this.store.setState({ world });
        return world;
      } finally {
        this.store.setState({ refreshing: false });
      }
    });
  }

  async tree(id: string): Promise<CheckpointTree> {
    return (await loadContainer(this.ctx, id)).tree;
  }

  checkpoint(ids: readonly string[], opts: CheckpointOptions = {}): Promise<GroupCheckpointResult> {
    return track(this.store, `checkpoint ${ids.join(' ')}`, () => checkpoint(this.ctx, ids, opts));
  }

  /** The preview: what a restore will do (branch) or destroy (rollback). Changes nothing. */
  async planRestore(id: string, opts: { snapshot?: string; mode?: RestoreMode } = {}): Promise<RestorePlan> {
    const c = await loadContainer(this.ctx, id);
    return this.planRestoreFor(c, opts);
  }

  private planRestoreFor(c: LoadedContainer, opts: { snapshot?: string; mode?: RestoreMode }): RestorePlan {
    const mode = opts.mode ?? 'branch';
    const target = opts.snapshot ? selectSnapshot(c.tree, opts.snapshot) : latestCheckpoint(c);
    return mode === 'branch' ? planBranchRestore(this.ctx, c, target) : planRollback(c, target);
  }

  /**
   * Restores a checkpoint. Branch mode keeps everything and needs no confirmation; rollback destroys what its
   * plan lists and runs only with `confirmed` (and only if that list is still exact).
   */
  async restore(id: string, opts: { snapshot?: string; mode?: RestoreMode; confirmed?: boolean; plan?: RestorePlan } = {}): Promise<RestoreResult> {
    return track(this.store, `restore ${id}`, async (step) => {
      const mode = opts.plan?.mode ?? opts.mode ?? 'branch';
      // A branch restore copies the dataset's local properties: read them alongside the listing, not after it.
      const ref = await resolveContainer(this.ctx, id);
      const [c, local] = await Promise.all([
        loadContainer(this.ctx, id, ref),
        mode === 'branch' ? this.ctx.zfs.localProperties(ref.dataset).catch(() => undefined) : undefined,
      ]);
      const plan = opts.plan ?? this.planRestoreFor(c, opts);
      if (plan.mode === 'branch') {
        const fresh = opts.plan ? planBranchRestore(this.ctx, c, selectSnapshot(c.tree, plan.target.fullName)) : plan;
        return executeBranchRestore(this.ctx, c, fresh, local ?? (await this.ctx.zfs.localProperties(c.dataset)), step);
      }
      if (!opts.confirmed) {
        throw new RefusedError(
          `rollback of ${id} to ${plan.target.name} discards the live state and destroys ${plan.destroysSnapshots.length} snapshot(s) and ${plan.destroysDatasets.length} branch(es); not confirmed`,
          'review the list (run without --yes to see it) and confirm with --yes, or use --mode branch, which keeps everything',
        );
      }
      step(`zfs rollback to ${plan.target.fullName}`);
      return executeRollback(this.ctx, c, plan);
    });
  }

  async planDelete(id: string, snapshot: string, subtree = false): Promise<DeletePlan> {
    const c = await loadContainer(this.ctx, id);
    return planDelete(c, selectSnapshot(c.tree, snapshot), subtree);
  }

  async delete(id: string, snapshot: string, opts: { subtree?: boolean; confirmed?: boolean } = {}): Promise<DeleteResult> {
    return track(this.store, `delete ${id} ${snapshot}`, async (step) => {
      const plan = await this.planDelete(id, snapshot, opts.subtree ?? false);
      if (!opts.confirmed) {
        throw new RefusedError(
          `deleting ${plan.target.name} destroys ${plan.snapshots.length} snapshot(s) and ${plan.datasets.length} branch(es); not confirmed`,
          'review the preview and confirm with --yes',
        );
      }
      return executeDelete(this.ctx, plan, step);
    });
  }

  async planPrune(ids: readonly string[], policy: Partial<PrunePolicy> = {}): Promise<PrunePlan[]> {
    const p = policyFromConfig(this.ctx, policy);
    const targets = ids.length ? ids : (await this.refresh()).containers.map((c) => c.id);
    const plans: PrunePlan[] = [];
    for (const id of targets) plans.push(await planPrune(this.ctx, await loadContainer(this.ctx, id), p));
    return plans;
  }

  async prune(plans: readonly PrunePlan[], confirmed: boolean): Promise<PruneResult[]> {
    const total = plans.reduce((n, p) => n + p.items.filter((i) => i.action === 'prune').length, 0);
    if (total && !confirmed) {
      throw new RefusedError(`prune would destroy ${total} checkpoint(s); not confirmed`, 'review the plan (--dry-run) and confirm with --yes');
    }
    return track(this.store, 'prune', async (step) => {
      const results: PruneResult[] = [];
      for (const plan of plans) {
        const fresh = await loadContainer(this.ctx, plan.container);
        results.push(await executePrune(this.ctx, fresh, plan, step));
      }
      return results;
    });
  }

  async pools(withStatus = true): Promise<PoolReport[]> {
    const world = await this.refresh();
    const statuses = withStatus ? await this.ctx.zpool.status(world.pools.map((p) => p.name)[0]) : [];
    return world.pools.map((p) => poolReport(p, world.containers, statuses.find((s) => s.pool === p.name)));
  }
}

function latestCheckpoint(c: LoadedContainer) {
  const onDataset = snapshotNodes(c.tree).filter((n) => n.dataset === c.dataset && n.class === 'checkpoint');
  const latest = onDataset.at(-1);
  if (!latest) {
    throw new UsageError(`container ${c.id} has no checkpoint on ${c.dataset}`, `create one with \`lxcri-console checkpoint ${c.id}\`, or name a snapshot with --snapshot`);
  }
  return latest;
}


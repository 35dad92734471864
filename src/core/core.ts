import { hostname } from 'node:os';
import type { CoreContext } from './context.js';
import { listContainers } from './containers/registry.js';
import { LxcriError, RefusedError, UsageError } from './errors.js';
import { snapshotNodes, type CheckpointTree } from './model/tree.js';
import { checkpoint, validateLabel, type CheckpointOptions, type GroupCheckpointResult } from './ops/checkpoint.js';
import { allInOrder } from './all-in-order.js';
import { loadContainer, loadContainers, readInventory, resolveContainer, type ContainerRef, type LoadedContainer } from './ops/container.js';
import { executeDelete, planDelete, type DeletePlan, type DeleteResult } from './ops/delete.js';
import { executeDeleteBranch, planDeleteBranch, type DeleteBranchPlan, type DeleteBranchResult } from './ops/delete-branch.js';
import { checkDeleteSetPlan, executeDeleteSet, planDeleteSet, type DeleteSetPlan, type DeleteSetResult } from './ops/delete-set.js';
import { describeInterrupted, runOperation, type OnStep, type RecoveryMode } from './ops/engine.js';
import { liveStatus, planLifecycle, refuseIfPveLocked, servicePreview } from './ops/lifecycle.js';
import { recoverOperation } from './ops/registry.js';
import { poolReport, type PoolReport } from './ops/pools.js';
import { executePrune, planPrune, policyFromConfig, type PrunePlan, type PrunePolicy, type PruneResult } from './ops/prune.js';
import {
  BRANCH_RESTORE,
  branchRestoreInput,
  branchRestoreResult,
  planBranchRestore,
  type BranchRestorePlan,
  type BranchRestoreResult,
} from './ops/restore-branch.js';
import { executeRollback, planRollback, type RollbackPlan, type RollbackResult } from './ops/restore-rollback.js';
import {
  checkUndoPlan,
  planUndoRestore,
  RESTORE_UNDO,
  undoRestoreInput,
  undoRestoreResult,
  type TodayFate,
  type UndoRestorePlan,
  type UndoRestoreResult,
} from './ops/restore-undo.js';
import { selectSnapshot, validateSnapshotArgument } from './ops/select-snapshot.js';
import { parseRange, readSpace, spaceRange, type SpaceRange } from './ops/space.js';
import type { SpaceReport } from './model/space.js';
import { appendEvent, makeEvent } from './state/events.js';
import type { JournalEntry } from './state/journal.js';
import { acquireLocks, ContainerLockedError, listLocks, liveHolder, type HeldLock, type LockInfo } from './state/locks.js';
import { statefulCheckpoint, type StatefulCheckpointResult } from './ops/stateful.js';
import { collectGarbage, DEFAULT_RETENTION_HOURS, validateRetentionHours, type GcResult } from './criu/gc.js';
import { requireLocalImageStore } from './criu/store.js';
import { track } from './store.js';
import { poolOf, validateContainerId, validateDatasetName } from './tools/zfs/names.js';
import { reportBusyWaits } from './tools/zfs/busy.js';
import { NotFoundError } from './errors.js';
import { checkStateDirs } from './state/preflight.js';
import { criuRestoreFromDir, validateImageDir } from './criu/restore-from-dir.js';
import { summarizeContainers, type World } from './world.js';
import type { PoolStatus } from './tools/zpool/parse.js';
import { replicaNames } from './model/replica-names.js';
import { withImages } from './ops/replicate-images.js';
import { executeReplicate, planFrom, readReplica, refinePlan, resumeInterrupted, type ReplicationResult, type ReplicationTarget } from './ops/replicate.js';
import { lxcFilesOf, MOVE, movePreflight, refuseFailedPreflight, type MoveInput, type MovePlan } from './ops/move.js';
import { freeSnapshotName } from './ops/snapshot-name.js';
import { RESTORE_COPY, type RestoreCopyInput } from './ops/restore-copy.js';
import type { StepReport } from './ops/steps.js';

export interface MoveResult {
  plan: MovePlan;
  executed: boolean;
  steps?: StepReport[];
}
import { fileDiff, validateDiffArguments, type FileDiffResult } from './ops/file-diff.js';
import { normalizeContainerPath } from './model/container-path.js';
import { fileTextDiff, type FileTextDiff } from './ops/file-text.js';
import {
  executeRestoreFile,
  listCheckpointFiles,
  planRestoreFile,
  validateRestoreFileArguments,
  type FileListing,
  type RestoreFileOptions,
  type RestoreFilePlan,
  type RestoreFileResult,
} from './ops/file-restore.js';

export type RestoreMode = 'branch' | 'rollback';
export type RestorePlan = BranchRestorePlan | RollbackPlan;
export type RestoreResult = (BranchRestoreResult | RollbackResult) & {
  stopped: boolean;
  started: boolean;
  /** How a stateful checkpoint's processes came back. */
  state?: 'criu' | 'cold';
};

export type { TodayFate, UndoRestorePlan, UndoRestoreResult };

export interface UndoRestoreOptions {
  /** Return to this branch dataset instead of the line the newest restore set aside ("switch to branch"). */
  branch?: string;
  /** What becomes of today's state: kept as a branch (the default), or destroyed (the default when unchanged). */
  today?: TodayFate;
}

export type UndoRestoreRunResult = UndoRestoreResult & { stopped: boolean; started: boolean };

export interface RestoreOptions {
  snapshot?: string;
  mode?: RestoreMode;
  confirmed?: boolean;
  plan?: RestorePlan;
  /** Leave a container that was running stopped after the restore. */
  noStart?: boolean;
  /** For a stateful checkpoint: start the container cold when the CRIU restore fails. */
  coldFallback?: boolean;
}

/** The runtime core's one API: the CLI and the console both call these, and nothing else touches ZFS. */
export class Core {
  /** Stale locks taken over by this process (reported by the faces). */
  readonly staleLocks: LockInfo[] = [];

  private canceller = new AbortController();

  constructor(readonly ctx: CoreContext) {
    ctx.cancel ??= this.canceller.signal;
  }

  /**
   * The session ends while an operation runs: the step running finishes, no further step starts, and the engine
   * undoes the done ones (or keeps them, for an operation whose steps stand alone, like a prune's deletions).
   */
  cancel(): void {
    if (this.ctx.cancel !== this.canceller.signal) throw new Error('this core was given its own cancel signal: abort that one');
    this.canceller.abort();
    // Operations started later are not born cancelled (each reads the signal once, when it begins).
    this.canceller = new AbortController();
    this.ctx.cancel = this.canceller.signal;
  }

  get store() {
    return this.ctx.store;
  }

  /**
   * Every mutating operation goes through here: ids validated and resolved to datasets (files only), the datasets
   * locked (so two ids naming one dataset exclude each other), the ids resolved again under the lock, the busy
   * counter and current step in the store, and one line in events.log with the outcome.
   */
  private async operate<T>(
    operation: string,
    target: { ids: readonly string[]; datasets?: readonly string[]; label?: string },
    task: (step: OnStep, refs: ContainerRef[]) => Promise<T>,
    reclaimed?: (r: T) => number,
  ): Promise<T> {
    const started = performance.now();
    const { ids } = target;
    const label = target.label ?? ids.join(' ');
    const locks: HeldLock[] = [];
    let result: T | undefined;
    let error: unknown;
    // Before the try: a refused change writes nothing, not even its events.log line.
    if (this.ctx.readOnly) {
      throw new LxcriError(
        'read-only',
        `read-only session: ${operation}${label ? ` of ${label}` : ''} was not run`,
        'nothing was changed; run it without --read-only',
      );
    }
    try {
      // Ids name datasets and appear in lock files: validate them before anything touches the disk.
      for (const id of ids) validateContainerId(id);
      const dupe = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dupe) throw new UsageError(`container ${dupe} is named twice`, 'name each container once');
      const resolve = async () => {
        const refs: ContainerRef[] = [];
        for (const id of ids) refs.push(await resolveContainer(this.ctx, id));
        const shared = refs.find((r, i) => refs.findIndex((x) => x.dataset === r.dataset) !== i);
        if (shared) {
          const first = refs.find((r) => r.dataset === shared.dataset)!;
          throw new UsageError(`containers ${first.id} and ${shared.id} are the same dataset ${shared.dataset}`, 'name it once');
        }
        return refs;
      };
      // Locks, journal and events need their directories: a clear error now, before any zfs command runs (the
      // configs are read meanwhile, which changes nothing; the directories' error comes first).
      const [, refs] = await allInOrder([checkStateDirs(this.ctx.fs, this.ctx.config), resolve()]);
      const datasets = target.datasets ?? refs.map((r) => r.dataset);
      locks.push(...(await acquireLocks(this.ctx.fs, this.ctx.config.state_dir, datasets, { container: label, operation })));
      for (const lock of locks) if (lock.tookOverStale) this.staleLocks.push(lock.tookOverStale);
      // What the configs say may have changed while another operation held the lock.
      const fresh = await resolve();
      if (fresh.some((r, i) => r.dataset !== refs[i]!.dataset)) {
        throw new LxcriError('changed', `the dataset of ${label} changed while waiting for its lock`, 'retry');
      }
      // A zfs command waiting out "dataset is busy" reports each wait as the operation's current step.
      result = await track(
        this.store,
        `${operation} ${label}`.trim(),
        (step) =>
          reportBusyWaits(
            (line) => step(line),
            () => task(step, fresh),
          ),
        true,
      );
      return result;
    } catch (e) {
      error = e;
      throw e;
    } finally {
      // Each lock on its own file: released side by side; then the event line (a reader of events.log finds the
      // operation's locks gone).
      await Promise.all(locks.map((lock) => lock.release()));
      const bytes = result !== undefined && reclaimed ? reclaimed(result) : undefined;
      await appendEvent(
        this.ctx.fs,
        this.ctx.config.state_dir,
        makeEvent(this.ctx.identity, {
          operation,
          target: label,
          result: error ? (error instanceof RefusedError || (error instanceof LxcriError && error.code === 'locked') ? 'refused' : 'failed') : 'ok',
          duration_ms: Math.round(performance.now() - started),
          ...(bytes !== undefined ? { bytes_reclaimed: bytes } : {}),
          ...(error ? { error: (error as Error).message } : {}),
        }),
      ).catch(() => undefined);
    }
  }

  /**
   * A read outside any lock (a preview, a tree) may land in the middle of another process's restore, when the
   * dataset is renamed away for a moment: say who holds it rather than "does not exist".
   */
  private async read<T>(id: string, task: (ref: ContainerRef) => Promise<T>): Promise<T> {
    const ref = await resolveContainer(this.ctx, id);
    try {
      return await task(ref);
    } catch (error) {
      if (error instanceof NotFoundError || (error instanceof LxcriError && error.code === 'inconsistent')) {
        const holder = await liveHolder(this.ctx.fs, this.ctx.config.state_dir, ref.dataset);
        if (holder) throw new ContainerLockedError(holder);
      }
      throw error;
    }
  }

  /** Reads the world (zfs listing, pools, container sources) and publishes it to the store. */
  async refresh(): Promise<World> {
    return track(this.store, 'refresh', async () => {
      const { caps, inventory } = await readInventory(this.ctx);
      const [pools, containers] = await Promise.all([this.ctx.zpool.list(caps), listContainers(this.ctx, inventory)]);
      const world: World = {
        capabilities: caps,
        base: this.ctx.config.zfs.base_dataset,
        inventory,
        pools,
        containers: summarizeContainers(containers, inventory),
        refreshedAt: this.ctx.now(),
      };
      this.store.setState({ world });
      return world;
    });
  }

  async tree(id: string): Promise<CheckpointTree> {
    return this.read(id, async (ref) => (await loadContainer(this.ctx, id, ref)).tree);
  }

  /**
   * Checkpoints containers (several at once: atomic where ZFS allows). `dataset` snapshots that dataset for the one
   * container named instead of the one its sources give (the seed's `--image-path`). With
   * `checkpoint.auto_cleanup`, the prune policy then runs for those containers, and the result says what it did.
   */
  async checkpoint(
    ids: readonly string[],
    opts: CheckpointOptions & { dataset?: string } = {},
  ): Promise<GroupCheckpointResult & { autoCleanup?: PruneResult[] }> {
    if (!ids.length) throw new UsageError('no container given', 'name at least one container: lxcri-console checkpoint <container...>');
    if (opts.label !== undefined) validateLabel(opts.label);
    if (opts.dataset !== undefined) {
      if (ids.length !== 1)
        throw new UsageError('--image-path takes exactly one container', 'usage: lxcri-console checkpoint --image-path <dataset> <container>');
      const id = validateContainerId(ids[0]!);
      const dataset = validateDatasetName(opts.dataset);
      const ref: ContainerRef = { id, dataset, container: { id, name: id, status: 'unknown', sources: ['zfs'], dataset, mounts: [] } };
      return this.operate('checkpoint', { ids: [], datasets: [dataset], label: id }, () => checkpoint(this.ctx, [ref], opts));
    }
    const result = await this.operate('checkpoint', { ids }, (_step, refs) => {
      // A Proxmox lock (backup, migrate, snapshot…) means another task owns the container: refused up front.
      for (const r of refs) refuseIfPveLocked(r.container);
      return checkpoint(this.ctx, refs, opts);
    });
    if (!this.ctx.config.checkpoint.auto_cleanup) return result;
    const autoCleanup = await this.prune(await this.planPrune(ids), true);
    return { ...result, autoCleanup };
  }

  /** CRIU dump of a running container paired with a ZFS checkpoint (CRIU only when ZFS is unavailable). */
  checkpointStateful(id: string, opts: { label?: string } = {}): Promise<StatefulCheckpointResult> {
    // The CRIU image store is this machine's (criu/store.ts): refused on a remote node before anything runs.
    requireLocalImageStore(this.ctx);
    if (opts.label !== undefined) validateLabel(opts.label);
    return this.operate('checkpoint-stateful', { ids: [id] }, (step, [ref]) => {
      refuseIfPveLocked(ref!.container);
      return statefulCheckpoint(this.ctx, ref!, opts, step);
    });
  }

  /**
   * Cleans the CRIU image store: incomplete dumps, in-progress directories whose writer is dead, and images whose
   * snapshot is gone once older than `retentionHours` (default 24); skips containers with an operation running.
   */
  async gc(opts: { retentionHours?: number } = {}): Promise<GcResult> {
    requireLocalImageStore(this.ctx);
    const retentionHours = validateRetentionHours(opts.retentionHours ?? DEFAULT_RETENTION_HOURS);
    const { inventory } = await readInventory(this.ctx);
    const guids = new Set(inventory.records.filter((r) => r.type === 'snapshot').map((r) => r.guid));
    // Skipped: containers with an operation running, and those whose interrupted operation's images recover needs.
    const busy = new Set([
      ...(await listLocks(this.ctx.fs, this.ctx.config.state_dir)).filter((l) => l.alive).flatMap((l) => l.container.split(' ')),
      ...(await this.ctx.journal.interrupted()).flatMap((e) => e.container.split(' ')),
    ]);
    return this.operate(
      'gc',
      { ids: [] },
      () => collectGarbage(this.ctx, guids, busy, { retentionHours }),
      (r) => r.removed.reduce((n, x) => n + x.bytes, 0),
    );
  }

  /** The preview: what a restore will do (branch) or destroy (rollback). Changes nothing. */
  async planRestore(id: string, opts: { snapshot?: string; mode?: RestoreMode } = {}): Promise<RestorePlan> {
    if (opts.snapshot !== undefined) validateSnapshotArgument(opts.snapshot);
    return this.read(id, async (ref) => {
      const [c, service] = await Promise.all([loadContainer(this.ctx, id, ref), servicePreview(this.ctx, ref.container)]);
      return { ...this.planRestoreFor(c, opts), service };
    });
  }

  /**
   * Both restore plans for one checkpoint from one read (the console's restore dialog offers either): the branch
   * plan, and the rollback plan or why there is none.
   */
  async planRestoreChoices(id: string, snapshot: string): Promise<{ branch: RestorePlan; rollback?: RestorePlan; rollbackError?: string }> {
    validateSnapshotArgument(snapshot);
    return this.read(id, async (ref) => {
      const [c, service] = await Promise.all([loadContainer(this.ctx, id, ref), servicePreview(this.ctx, ref.container)]);
      const branch = { ...this.planRestoreFor(c, { snapshot, mode: 'branch' }), service };
      try {
        return { branch, rollback: { ...this.planRestoreFor(c, { snapshot, mode: 'rollback' }), service } };
      } catch (error) {
        return { branch, rollbackError: error instanceof LxcriError ? error.message : String(error) };
      }
    });
  }

  private planRestoreFor(c: LoadedContainer, opts: { snapshot?: string; mode?: RestoreMode }): RestorePlan {
    const target = opts.snapshot !== undefined ? selectSnapshot(c.tree, opts.snapshot) : latestCheckpoint(c);
    return (opts.mode ?? 'branch') === 'branch' ? planBranchRestore(this.ctx, c, target) : planRollback(c, target);
  }

  /**
   * Restores a checkpoint. A running container is shut down first and started again afterwards (unless noStart).
   * Branch mode keeps everything; rollback destroys what its plan lists and runs only when confirmed and still exact.
   */
  async restore(id: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
    if (opts.snapshot !== undefined) validateSnapshotArgument(opts.snapshot);
    return this.operate('restore', { ids: [id] }, async (step, [ref]) => {
      const mode = opts.plan?.mode ?? opts.mode ?? 'branch';
      refuseIfPveLocked(ref!.container);
      // A branch restore copies the dataset's local properties: read them alongside the listing, not after it.
      const [c, local] = await Promise.all([
        loadContainer(this.ctx, id, ref),
        mode === 'branch' ? this.ctx.zfs.localProperties(ref!.dataset).catch(() => undefined) : undefined,
      ]);
      const plan = opts.plan ? this.replan(c, opts.plan) : this.planRestoreFor(c, opts);
      if (plan.mode === 'rollback' && !opts.confirmed) {
        throw new RefusedError(
          `rollback of ${id} to ${plan.target.name} discards the live state and destroys ${plan.destroysSnapshots.length} snapshot(s) and ${plan.destroysDatasets.length} branch(es); not confirmed`,
          'review the list (run without --yes to see it) and confirm with --yes, or use --mode branch, which keeps everything',
        );
      }
      const lifecycle = await planLifecycle(this.ctx, ref!.container, {
        ...(opts.noStart ? { noStart: true } : {}),
        ...(plan.target.image ? { image: plan.target.image } : {}),
        ...(opts.coldFallback ? { coldFallback: true } : {}),
      });
      const out: { state?: 'criu' | 'cold' } = {};
      let result: BranchRestoreResult | RollbackResult;
      if (plan.mode === 'branch') {
        const input = branchRestoreInput(c, plan, local ?? (await this.ctx.zfs.localProperties(c.dataset)), lifecycle);
        const steps = await runOperation(
          this.ctx,
          BRANCH_RESTORE,
          {
            container: id,
            datasets: [c.dataset],
            title: `branch restore of ${id} to ${plan.target.name}`,
            input,
          },
          step,
          out,
        );
        result = branchRestoreResult(input, steps);
      } else {
        result = await executeRollback(this.ctx, c, plan, lifecycle, step, out);
      }
      const started = lifecycle.start && (lifecycle.image !== undefined || lifecycle.wasRunning);
      return { ...result, stopped: lifecycle.wasRunning, started, ...(out.state ? { state: out.state } : {}) };
    });
  }

  /**
   * The preview of an undo: the line the newest branch restore set aside (or `opts.branch`) becomes the live line
   * again, and what becomes of today's state. Derived from ZFS alone, so it works in any session. Changes nothing.
   */
  async planUndoRestore(id: string, opts: UndoRestoreOptions = {}): Promise<UndoRestorePlan> {
    validateUndoOptions(opts);
    return this.read(id, async (ref) => {
      const c = await loadContainer(this.ctx, id, ref);
      const service = await servicePreview(this.ctx, ref.container);
      return { ...planUndoRestore(this.ctx, c, opts, service.running), service };
    });
  }

  /**
   * Undoes a branch restore (switches the live line back). A running container is shut down first and started
   * again afterwards (unless noStart). Discarding a today's state that changed (or may have: zfs-fuse cannot tell)
   * needs `confirmed`. A confirmed plan runs only while it still matches the world.
   */
  async undoRestore(
    id: string,
    opts: UndoRestoreOptions & { plan?: UndoRestorePlan; confirmed?: boolean; noStart?: boolean } = {},
  ): Promise<UndoRestoreRunResult> {
    validateUndoOptions(opts);
    return this.operate('undo-restore', { ids: [id] }, async (step, [ref]) => {
      refuseIfPveLocked(ref!.container);
      const c = await loadContainer(this.ctx, id, ref);
      const status = await liveStatus(this.ctx, ref!.container);
      const { plan: previewed } = opts;
      const branch = previewed ? (previewed.chosen === 'explicit' ? previewed.branch : undefined) : opts.branch;
      const today = previewed?.today ?? opts.today;
      const plan = planUndoRestore(
        this.ctx,
        c,
        { ...(branch !== undefined ? { branch } : {}), ...(today ? { today } : {}), ...(previewed ? { seconds: previewed.seconds } : {}) },
        status === 'running' || status === 'frozen',
      );
      if (previewed) checkUndoPlan(previewed, plan);
      if (plan.today === 'discard' && plan.todayChanged !== false && !opts.confirmed) {
        throw new RefusedError(
          `discarding today's state of ${id} loses ${plan.todayChanged === 'unknown' ? 'whatever changed since the restore (this ZFS cannot tell whether anything did)' : 'the changes since the restore'}; not confirmed`,
          'review the plan (--dry-run) and confirm with --yes, or keep it as a branch (leave out --discard)',
        );
      }
      const lifecycle = await planLifecycle(this.ctx, ref!.container, opts.noStart ? { noStart: true } : {});
      const [localD, localB] = await Promise.all([this.ctx.zfs.localProperties(plan.dataset), this.ctx.zfs.localProperties(plan.branch)]);
      const input = undoRestoreInput(c, plan, localD, localB, lifecycle);
      const steps = await runOperation(
        this.ctx,
        RESTORE_UNDO,
        { container: id, datasets: [c.dataset], title: `undo of the restore of ${id} (back to ${plan.branch})`, input },
        step,
      );
      const started = lifecycle.start && lifecycle.wasRunning;
      return { ...undoRestoreResult(input, steps), stopped: lifecycle.wasRunning, started };
    });
  }

  /**
   * Brings a stopped container's processes back from a CRIU image directory, which may lie outside the store (the
   * seed's `restore --image-path`): the directory is checked (manifest, sha256, not in progress, this container's)
   * before anything runs; the filesystem is left as it is.
   */
  restoreFromImage(id: string, dir: string, opts: { coldFallback?: boolean } = {}): Promise<{ container: string; image: string; state: 'criu' | 'cold' }> {
    requireLocalImageStore(this.ctx);
    return this.operate('restore-image', { ids: [id] }, async (step, [ref]) => {
      refuseIfPveLocked(ref!.container);
      await validateImageDir(this.ctx, dir, id);
      const lifecycle = await planLifecycle(this.ctx, ref!.container, {});
      if (lifecycle.wasRunning) {
        throw new RefusedError(
          `container ${id} is running; a CRIU restore brings back the processes of a stopped container`,
          `stop it first (lxc-stop -n ${id} / pct shutdown ${id}), then restore`,
        );
      }
      const state = await criuRestoreFromDir(this.ctx, id, dir, opts.coldFallback ? { coldFallback: true } : {}, step);
      return { container: id, image: dir, state };
    });
  }

  /** A confirmed plan is re-made on the fresh listing: a branch plan by its target, a rollback plan checked in execute. */
  private replan(c: LoadedContainer, plan: RestorePlan): RestorePlan {
    return plan.mode === 'branch' ? planBranchRestore(this.ctx, c, selectSnapshot(c.tree, plan.target.fullName)) : plan;
  }

  async planDelete(id: string, snapshot: string, subtree = false): Promise<DeletePlan> {
    validateSnapshotArgument(snapshot);
    return this.read(id, async (ref) => {
      const c = await loadContainer(this.ctx, id, ref);
      return planDelete(c, selectSnapshot(c.tree, snapshot), subtree);
    });
  }

  delete(id: string, snapshot: string, opts: { subtree?: boolean; confirmed?: boolean } = {}): Promise<DeleteResult> {
    validateSnapshotArgument(snapshot);
    return this.operate('delete', { ids: [id] }, async (step, [ref]) => {
      const c = await loadContainer(this.ctx, id, ref);
      const plan = planDelete(c, selectSnapshot(c.tree, snapshot), opts.subtree ?? false);
      if (!opts.confirmed) {
        throw new RefusedError(
          `deleting ${plan.target.name} destroys ${plan.snapshots.length} snapshot(s) and ${plan.datasets.length} branch(es); not confirmed`,
          'review the preview and confirm with --yes',
        );
      }
      return executeDelete(this.ctx, plan, [c.dataset], step);
    });
  }

  /** The preview of deleting a whole branch dataset (not the live line) with its checkpoints. Changes nothing. */
  async planDeleteBranch(id: string, dataset: string): Promise<DeleteBranchPlan> {
    validateDatasetName(dataset);
    return this.read(id, async (ref) => planDeleteBranch(await loadContainer(this.ctx, id, ref), dataset));
  }

  /** Deletes a whole branch dataset, re-planned under the lock; runs only when confirmed. */
  deleteBranch(id: string, dataset: string, opts: { confirmed?: boolean } = {}): Promise<DeleteBranchResult> {
    validateDatasetName(dataset);
    return this.operate('delete-branch', { ids: [id] }, async (step, [ref]) => {
      const plan = planDeleteBranch(await loadContainer(this.ctx, id, ref), dataset);
      if (!opts.confirmed) {
        throw new RefusedError(
          `deleting branch ${dataset} of ${id} destroys it and its ${plan.snapshots.length} checkpoint(s); not confirmed`,
          'review the preview and confirm with --yes',
        );
      }
      return executeDeleteBranch(this.ctx, plan, [ref!.dataset], step);
    });
  }

  /** The preview of deleting a set of checkpoints at once: what goes, what is kept (held, clone origins) and why, what it frees. */
  async planDeleteSet(id: string, snapshots: readonly string[]): Promise<DeleteSetPlan> {
    for (const s of snapshots) validateSnapshotArgument(s);
    if (!snapshots.length) throw new UsageError('no checkpoint given', 'name the checkpoints to delete');
    return this.read(id, async (ref) => planDeleteSet(this.ctx, await loadContainer(this.ctx, id, ref), snapshots));
  }

  /** Deletes a set of checkpoints; a previewed plan runs only while the same checkpoints still go. */
  deleteSet(id: string, snapshots: readonly string[], opts: { plan?: DeleteSetPlan; confirmed?: boolean } = {}): Promise<DeleteSetResult> {
    for (const s of snapshots) validateSnapshotArgument(s);
    return this.operate('delete', { ids: [id] }, async (step, [ref]) => {
      const plan = await planDeleteSet(this.ctx, await loadContainer(this.ctx, id, ref), snapshots);
      if (opts.plan) checkDeleteSetPlan(opts.plan, plan);
      if (!opts.confirmed) {
        throw new RefusedError(`deleting ${plan.deletes.length} checkpoint(s) of ${id}; not confirmed`, 'review the preview and confirm with --yes');
      }
      return executeDeleteSet(this.ctx, plan, [ref!.dataset], step);
    });
  }

  async planPrune(ids: readonly string[], policy: Partial<PrunePolicy> = {}): Promise<PrunePlan[]> {
    const p = policyFromConfig(this.ctx, policy);
    const targets = ids.length ? ids : (await this.refresh()).containers.filter((c) => c.dataset && !c.reason).map((c) => c.id);
    const plans: PrunePlan[] = [];
    for (const c of await loadContainers(this.ctx, targets)) plans.push(await planPrune(this.ctx, c, p));
    return plans;
  }

  async prune(plans: readonly PrunePlan[], confirmed: boolean): Promise<PruneResult[]> {
    const total = plans.reduce((n, p) => n + p.items.filter((i) => i.action === 'prune').length, 0);
    if (total && !confirmed) {
      throw new RefusedError(`prune would destroy ${total} checkpoint(s); not confirmed`, 'review the plan (--dry-run) and confirm with --yes');
    }
    return this.operate(
      'prune',
      { ids: plans.map((p) => p.container) },
      (step, refs) =>
        executePrune(
          this.ctx,
          plans,
          refs.map((r) => r.dataset),
          step,
        ),
      (results) => results.reduce((n, r) => n + r.reclaimBytes, 0),
    );
  }

  async pools(withStatus = true): Promise<PoolReport[]> {
    const world = await this.refresh();
    const statuses = withStatus ? await this.ctx.zpool.status(await this.ctx.zfs.detect()) : [];
    return world.pools.map((p) =>
      poolReport(
        p,
        world.containers,
        statuses.find((s) => s.pool === p.name),
      ),
    );
  }

  /** `zpool status` of every pool in one process (health, last scrub, errors): the console's space view reads it. */
  async poolStatus(): Promise<PoolStatus[]> {
    return track(this.store, 'zpool status', async () => this.ctx.zpool.status(await this.ctx.zfs.detect()));
  }

  /**
   * Where the space is, per pool and per container (every one, or `ids`): live data, checkpoints' own and shared
   * space, branches, CRIU images, and each checkpoint's figures. One listing; a read, so read-only sessions have it.
   */
  async space(ids: readonly string[] = []): Promise<SpaceReport> {
    return track(this.store, 'space', () => readSpace(this.ctx, ids));
  }

  /**
   * Copies the container's whole checkpoint tree to another node (a read-only replica under the same names, or under
   * `replication.target_base`: src/core/model/replica-names.ts): every
   * line and branch from the newest snapshot both sides have, a branch restore replayed there first, the new bases
   * held on both sides. With `dryRun`, the plan only (nothing changes).
   */
  async replicate(id: string, target: ReplicationTarget, opts: { dryRun?: boolean } = {}): Promise<ReplicationResult> {
    const source = target.source ?? this.ctx.node ?? this.ctx.identity.host;
    if (target.node === source) throw new UsageError(`${id} is on ${source} already`, 'name another node with --to');
    // Where the replica is on the target: the same names, or under replication.target_base.
    const names = (dataset: string) => replicaNames(dataset, this.ctx.config.replication.target_base);
    if (opts.dryRun) {
      return this.read(id, async (ref) => {
        // Both sides' listings at once (each on its own node).
        const [c, dst] = await Promise.all([loadContainer(this.ctx, id, ref), readReplica(target, names(ref.dataset).pool)]);
        return {
          container: id,
          from: source,
          to: target.node,
          plan: await withImages(this.ctx, c, target, await refinePlan(this.ctx, c, dst, planFrom(c, dst, target, names(ref.dataset)))),
          executed: false,
        };
      });
    }
    // Not in a read-only session: the probe makes the source's socket directory.
    if (!this.ctx.readOnly) target.warm?.();
    return this.operate('replicate', { ids: [id], label: `${id} to ${target.node}` }, async (step, [ref]) => {
      // Three reads at once (the journals and the listing here, the replica's listing there): nothing is changed
      // before all three are in, and an interrupted operation refuses it then.
      const [, c, listed] = await allInOrder([
        this.refuseIfInterrupted(id, ref!.dataset),
        loadContainer(this.ctx, id, ref),
        readReplica(target, names(ref!.dataset).pool),
      ]);
      // A receive a cut stream left resumable (OpenZFS) goes on first; the plan is made from the replica after it.
      const dst = (await resumeInterrupted(this.ctx, c.inventory, c.dataset, target, step, names(c.dataset)))
        ? await readReplica(target, names(c.dataset).pool)
        : listed;
      const plan = await withImages(this.ctx, c, target, await refinePlan(this.ctx, c, dst, planFrom(c, dst, target, names(c.dataset))));
      const { bytes } = await executeReplicate(this.ctx, c, target, plan, source, step, dst);
      return { container: id, from: source, to: target.node, plan, executed: true, ...(bytes !== undefined ? { bytes } : {}) };
    });
  }

  /**
   * Moves a container to another node with its whole checkpoint tree: pre-copied while it runs (a replication), then
   * stopped, its last increment sent, made the container there, started, verified, and only then removed here
   * (`keepSource` keeps it, stopped). With `dryRun`, the plan and the pre-flight table only (nothing changes).
   * The moved container lives under its own dataset names there, where the node's containers are:
   * `replication.target_base` is for replicas only, so a move's pre-copy ignores it (a replica under the base is not
   * reused: the first pre-copy is in full).
   */
  async move(id: string, target: ReplicationTarget, opts: { dryRun?: boolean; keepSource?: boolean } = {}, onPrecopy?: OnStep): Promise<MoveResult> {
    const source = target.source ?? this.ctx.node ?? this.ctx.identity.host;
    if (target.node === source) throw new UsageError(`${id} is on ${source} already`, 'name another node with --to');
    const plan = async (ref: ContainerRef) => {
      const [c, dst] = await Promise.all([loadContainer(this.ctx, id, ref), readReplica(target, poolOf(ref.dataset))]);
      const kind = ref.container.sources[0]!;
      const status = await liveStatus(this.ctx, ref.container);
      const running = status === 'running' || status === 'frozen';
      const checks = await movePreflight(this.ctx, c, target, dst, kind);
      let precopy;
      try {
        precopy = await withImages(this.ctx, c, target, await refinePlan(this.ctx, c, dst, planFrom(c, dst, target)));
      } catch (error) {
        // Another dataset under the same name there: the id check says it in the move's words.
        refuseFailedPreflight(c, target.node, checks);
        throw error;
      }
      const preflight = [...precopy.preflight, ...checks];
      const finalSnapshot = freeSnapshotName('checkpoint', Math.floor(this.ctx.now() / 1000), [c.dataset], c.inventory);
      const input: MoveInput = {
        id,
        kind,
        sources: ref.container.sources,
        dataset: c.dataset,
        source,
        to: target.node,
        wasRunning: running,
        ...(kind === 'lxc' ? { lxcFiles: await lxcFilesOf(this.ctx, id) } : {}),
        keepSource: opts.keepSource ?? false,
        finalSnapshot,
      };
      const steps = MOVE.steps(this.ctx, input, false).map((s) => s.title);
      const movePlan: MovePlan = {
        container: id,
        from: source,
        to: target.node,
        kind,
        running,
        keepSource: input.keepSource,
        finalSnapshot,
        preflight,
        precopy,
        steps,
      };
      return { c, dst, movePlan, input };
    };
    if (opts.dryRun) return this.read(id, async (ref) => ({ plan: (await plan(ref)).movePlan, executed: false }));
    if (!this.ctx.readOnly) target.warm?.();
    return this.operate('move', { ids: [id], label: `${id} to ${target.node}` }, async (step, [ref]) => {
      await this.refuseIfInterrupted(id, ref!.dataset);
      if (ref!.container.sources.some((s) => s !== 'zfs' && s !== 'lxc' && s !== 'pct')) {
        throw new RefusedError(`container ${id} is run by ${ref!.container.sources.join(', ')}, which cannot be moved yet`, 'move it with its own runtime');
      }
      refuseIfPveLocked(ref!.container);
      const first = await plan(ref!);
      refuseFailedPreflight(first.c, target.node, first.movePlan.preflight);
      if (first.movePlan.running && !ref!.container.sources.some((s) => s === 'lxc' || s === 'pct')) {
        throw new RefusedError(`container ${id} is running and lxcri-console cannot stop it`, 'stop it with its runtime first, then move it');
      }
      // The pre-copy, while it runs: the bulk of the data, so the stop below lasts only the last increment.
      (onPrecopy ?? step)('pre-copy while it runs');
      await executeReplicate(this.ctx, first.c, target, first.movePlan.precopy, source, onPrecopy ?? step, first.dst);
      const withPeer: CoreContext = this.ctx.peer ? this.ctx : { ...this.ctx, peer: (n) => (n === target.node ? target : this.ctx.peer!(n)) };
      const reports = await runOperation(
        withPeer,
        MOVE,
        { container: id, datasets: [ref!.dataset], title: `move of ${id} to ${target.node}`, input: first.input },
        step,
      );
      return { plan: first.movePlan, executed: true, steps: reports };
    });
  }

  /**
   * Brings up a checkpoint this node has (a replica's snapshot) as a new container here: a writable clone, the
   * original's config rewritten for it, started. Journaled here, so `recover` on this node finishes or undoes it.
   */
  async restoreCopy(input: RestoreCopyInput, step?: OnStep): Promise<StepReport[]> {
    validateContainerId(input.id);
    validateDatasetName(input.dataset);
    return this.operate('restore-copy', { ids: [], datasets: [input.dataset], label: input.id }, (s) =>
      runOperation(this.ctx, RESTORE_COPY, { container: input.id, datasets: [input.dataset], title: `copy of ${input.of} as ${input.id}`, input }, step ?? s),
    );
  }

  /** What destroying the checkpoints `A..B` of one line would free: exact on OpenZFS, a lower bound elsewhere. */
  async spaceRange(id: string, range: string): Promise<SpaceRange> {
    const [from, to] = parseRange(range);
    return this.read(id, async (ref) => spaceRange(this.ctx, await loadContainer(this.ctx, id, ref), from, to));
  }

  /**
   * Reads a container's files (diff, files, a file restore's preview): under the container's lock, journaled where it
   * makes temporary clones. A read-only session reads without lock and refuses only where a clone would be needed.
   */
  private readFiles<T>(operation: string, id: string, task: (c: LoadedContainer, step: OnStep) => Promise<T>): Promise<T> {
    if (this.ctx.readOnly) return this.read(id, async (ref) => task(await loadContainer(this.ctx, id, ref), () => undefined));
    return this.operate(operation, { ids: [id] }, async (step, [ref]) => task(await loadContainer(this.ctx, id, ref), step));
  }

  /** What changed in a container's files from checkpoint `from` to `to` (a checkpoint, or NOW: the live state). */
  async diff(id: string, from: string, to?: string, opts: { content?: boolean } = {}): Promise<FileDiffResult> {
    validateDiffArguments(from, to);
    return this.readFiles('diff', id, (c, step) => fileDiff(this.ctx, c, from, to, opts, step));
  }

  /** One file's text diff from checkpoint `from` to `to` (or NOW); `toPath` names it in `to` where it was renamed. */
  async diffFile(id: string, from: string, to: string | undefined, path: string, opts: { toPath?: string } = {}): Promise<FileTextDiff> {
    validateDiffArguments(from, to);
    normalizeContainerPath(path, '--file');
    return this.readFiles('diff', id, (c, step) => fileTextDiff(this.ctx, c, from, to, path, opts, step));
  }

  /** A directory (or one entry) inside a checkpoint. */
  async files(id: string, checkpoint: string, path?: string): Promise<FileListing> {
    validateSnapshotArgument(checkpoint);
    return this.readFiles('files', id, (c, step) => listCheckpointFiles(this.ctx, c, checkpoint, path, step));
  }

  /** The preview of a file restore: every path checked, the checkpoint's file read. Changes nothing in the container. */
  async planRestoreFile(id: string, checkpoint: string, path: string, opts: RestoreFileOptions = {}): Promise<RestoreFilePlan> {
    validateSnapshotArgument(checkpoint);
    validateRestoreFileArguments(path, opts);
    return this.readFiles('restore-file-preview', id, async (c, step) => (await planRestoreFile(this.ctx, c, checkpoint, path, opts, step)).plan);
  }

  /**
   * Copies a file or directory out of a checkpoint into the running container (or to `opts.to`), keeping the current
   * version beside it; `replace` removes that instead, and needs `confirmed`. No stop, no dataset change.
   */
  async restoreFile(id: string, checkpoint: string, path: string, opts: RestoreFileOptions & { confirmed?: boolean } = {}): Promise<RestoreFileResult> {
    validateSnapshotArgument(checkpoint);
    validateRestoreFileArguments(path, opts);
    return this.operate('restore-file', { ids: [id] }, async (step, [ref]) => {
      const c = await loadContainer(this.ctx, id, ref);
      const { plan, input } = await planRestoreFile(this.ctx, c, checkpoint, path, opts, step);
      if (plan.current && plan.replace && !opts.confirmed) {
        throw new RefusedError(`--replace removes the current ${plan.dest} of ${id}; not confirmed`, 'review the preview (--dry-run) and confirm with --yes');
      }
      return executeRestoreFile(this.ctx, plan, input, c.dataset, step);
    });
  }

  /**
   * A cross-node operation on a dataset an interrupted one still holds in its journal is refused: recovering that one
   * later (an undo of a replication, say) would act on what this one made.
   */
  private async refuseIfInterrupted(id: string, dataset: string): Promise<void> {
    const pending = (await this.ctx.journal.interrupted()).find((e) => (e.datasets ?? []).includes(dataset));
    if (pending) {
      throw new RefusedError(
        `an interrupted ${pending.operation} of ${pending.container} still holds ${dataset}`,
        `finish or undo it first: \`lxcri-console recover ${pending.id} --finish\` or \`--undo\` (nothing was changed for ${id})`,
      );
    }
  }

  /** Operations a killed or crashed process left half-done, with what was done and how to finish or undo each. */
  async interrupted(): Promise<Array<JournalEntry & ReturnType<typeof describeInterrupted>>> {
    const entries = await this.ctx.journal.interrupted();
    // An operation run from another machine (a console elsewhere driving this node) cannot have its process checked
    // from here: while it still holds its datasets' locks, it is running, not interrupted.
    const stillRunning = async (e: JournalEntry) =>
      e.host !== hostname() &&
      !e.abandoned &&
      (await Promise.all((e.datasets ?? []).map((d) => liveHolder(this.ctx.fs, this.ctx.config.state_dir, d)))).some(
        (h) => h !== undefined && h.host === e.host && h.pid === e.pid,
      );
    const out = [];
    for (const e of entries) if (!(await stillRunning(e))) out.push({ ...e, ...describeInterrupted(e) });
    return out;
  }

  /** Finishes or undoes an interrupted operation, holding the locks it held (re-read under them: only one recovers). */
  async recover(id: string, mode: RecoveryMode) {
    const entry = (await this.ctx.journal.interrupted()).find((e) => e.id === id);
    if (!entry) throw new NotFoundError(`no interrupted operation ${id}`, 'list them with `lxcri-console recover`');
    const target = entry.datasets ? { ids: [], datasets: entry.datasets, label: entry.container } : { ids: entry.container.split(' ') };
    return this.operate(`recover-${mode}`, target, async (step) => {
      const current = (await this.ctx.journal.interrupted()).find((e) => e.id === id);
      if (!current) throw new NotFoundError(`interrupted operation ${id} was recovered meanwhile`, 'nothing left to do: see `lxcri-console recover`');
      return recoverOperation(this.ctx, current, mode, step);
    });
  }
}

function validateUndoOptions(opts: UndoRestoreOptions): void {
  if (opts.branch !== undefined) validateDatasetName(opts.branch);
  if (opts.today !== undefined && opts.today !== 'keep' && opts.today !== 'discard') {
    throw new UsageError(`today must be keep or discard, got '${String(opts.today)}'`, "keep today's state as a branch, or discard it");
  }
}

function latestCheckpoint(c: LoadedContainer) {
  const onDataset = snapshotNodes(c.tree).filter((n) => n.dataset === c.dataset && n.class === 'checkpoint');
  const latest = onDataset.at(-1);
  if (!latest) {
    throw new UsageError(
      `container ${c.id} has no checkpoint on ${c.dataset}`,
      `create one with \`lxcri-console checkpoint ${c.id}\`, or name a snapshot with --snapshot`,
    );
  }
  return latest;
}

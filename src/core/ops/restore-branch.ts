import type { CoreContext } from '../context.js';
import { LxcriError } from '../errors.js';
import { USER_PREFIX, USER_PROPS, branchMark, mountedNow } from '../model/dataset.js';
import type { CheckpointNode } from '../model/tree.js';
import { RESERVED_PREFIX, parentDataset, splitSnapshotName } from '../tools/zfs/names.js';
import { checkpointProps } from './checkpoint.js';
import type { LoadedContainer } from './container.js';
import { freeSnapshotName } from './snapshot-name.js';
import type { OperationDef } from './engine.js';
import { lifecycleSteps, type Lifecycle, type ServicePreview } from './lifecycle.js';
import { renameOnce, tolerate, whenRecovering, type Step, type StepReport } from './steps.js';

/** Properties a clone cannot take at creation, or that we set ourselves. */
const NOT_COPIED = new Set([
  'mountpoint',
  'casesensitivity',
  'normalization',
  'utf8only',
  'version',
  'volsize',
  'volblocksize',
  'encryption',
  'keyformat',
  'keylocation',
  'pbkdf2iters',
  'encryptionroot',
  'keystatus',
  'objsetid',
]);

export interface BranchRestorePlan {
  mode: 'branch';
  container: string;
  dataset: string;
  target: CheckpointNode;
  safetySnapshot: string;
  /** The former line (with every newer checkpoint and the old live state) after the swap. */
  branchDataset: string;
  cloneDataset: string;
  /** The moment the names above were made of (unix seconds); the branch mark records it too. */
  seconds: number;
  steps: string[];
  /** The container's state for the preview's words (set by the core's planning). */
  service?: ServicePreview;
}

export interface BranchRestoreResult {
  mode: 'branch';
  container: string;
  dataset: string;
  restored: string;
  safetySnapshot: string;
  branchDataset: string;
  steps: StepReport[];
}

function freeDatasetName(base: string, taken: (name: string) => boolean): string {
  for (let n = 1; n < 1000; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!taken(name)) return name;
  }
  throw new Error(`no free dataset name for ${base}`);
}

/**
 * Names chosen so Proxmox never mistakes them for volumes: it claims any dataset under a storage pool matching
 * `^(vm|base|subvol|basevol)-(\d+)-`, and these begin with `lxcri-`.
 */
export function branchNames(c: LoadedContainer, seconds: number): { branch: string; clone: string } {
  const parent = parentDataset(c.dataset);
  const leaf = c.dataset.slice((parent?.length ?? -1) + 1);
  const prefix = parent ? `${parent}/` : '';
  const taken = (name: string) => c.inventory.get(name) !== undefined;
  return {
    branch: freeDatasetName(`${prefix}${RESERVED_PREFIX}br-${leaf}-${seconds}`, taken),
    clone: freeDatasetName(`${prefix}${RESERVED_PREFIX}restore-${leaf}-${seconds}`, taken),
  };
}

export function planBranchRestore(ctx: CoreContext, c: LoadedContainer, target: CheckpointNode): BranchRestorePlan {
  const children = c.inventory.childrenOf(c.dataset);
  if (children.length) {
    throw new LxcriError(
      'unsupported',
      `${c.dataset} has child datasets (${children.map((d) => d.name).join(', ')}); branch restore swaps a single dataset`,
      'restore the child datasets one by one, or use --mode rollback',
    );
  }
  const seconds = Math.floor(ctx.now() / 1000);
  const { branch, clone } = branchNames(c, seconds);
  const safety = `${c.dataset}@${freeSnapshotName('pre-restore', seconds, [c.dataset], c.inventory)}`;
  return {
    mode: 'branch',
    container: c.id,
    dataset: c.dataset,
    target,
    safetySnapshot: safety,
    branchDataset: branch,
    cloneDataset: clone,
    seconds,
    steps: [
      `snapshot the live state as ${safety}`,
      `clone ${target.fullName} to ${clone}`,
      `move the current line ${c.dataset} aside to ${branch} (kept, with every newer checkpoint)`,
      `rename ${clone} to ${c.dataset} and promote it`,
      `mount ${c.dataset} (now at ${target.name}) and ${branch}`,
    ],
  };
}

/** Everything the steps are built from: kept in the journal so an interrupted restore can be finished or undone. */
export interface BranchRestoreInput {
  container: string;
  dataset: string;
  branch: string;
  clone: string;
  target: string;
  /** The clone's origin once the current line is renamed (a target on the current line moves with it). */
  originAfterRename: string;
  safety: string;
  safetyLabel: string;
  cloneProps: Record<string, string>;
  localMountpoint?: string;
  wasMounted: boolean;
  seconds: number;
  /** The branch's mark: when, and the checkpoint restored (absent in journals of older versions: when only). */
  mark?: string;
  /** Stopping and starting the container around the swap (absent in journals of older versions). */
  lifecycle?: Lifecycle;
}

export function branchRestoreInput(c: LoadedContainer, plan: BranchRestorePlan, local: Record<string, string>, lifecycle?: Lifecycle): BranchRestoreInput {
  const rec = c.inventory.get(plan.dataset)!;
  const targetOnLine = plan.target.dataset === plan.dataset;
  return {
    container: c.id,
    dataset: plan.dataset,
    branch: plan.branchDataset,
    clone: plan.cloneDataset,
    target: plan.target.fullName,
    originAfterRename: targetOnLine ? `${plan.branchDataset}@${plan.target.name}` : plan.target.fullName,
    safety: plan.safetySnapshot,
    safetyLabel: `before restoring ${plan.target.name}`,
    cloneProps: Object.fromEntries(Object.entries(local).filter(([k]) => !NOT_COPIED.has(k) && !k.startsWith(USER_PREFIX))),
    ...(local.mountpoint ? { localMountpoint: local.mountpoint } : {}),
    wasMounted: mountedNow(rec),
    seconds: plan.seconds,
    // The target's guid (its node id): it names the checkpoint whatever promotes and renames do later.
    mark: branchMark(c.id, plan.seconds, 'restore', plan.target.id),
    ...(lifecycle ? { lifecycle } : {}),
  };
}

/**
 * The steps of a branch restore. Each can run again after an interruption (a rename whose source is gone and whose
 * target exists counts as done), and each has the step that reverses it.
 */
export function branchRestoreSteps(ctx: CoreContext, i: BranchRestoreInput, recovering = false, out?: Record<string, unknown>): Step[] {
  const { zfs } = ctx;
  const { dataset: D, branch: B, clone: tmp } = i;
  const rename = (from: string, to: string) => renameOnce(zfs, from, to);
  const life = lifecycleSteps(ctx, i.lifecycle, out);
  const branchProp = USER_PREFIX + USER_PROPS.branch;
  const steps: Step[] = [
    ...life.before,
    {
      title: `snapshot ${i.safety}`,
      run: () => tolerate(() => zfs.snapshot([i.safety], checkpointProps(ctx, 'safety', i.safetyLabel)), ...whenRecovering(recovering, 'exists')),
      // After the rename the safety snapshot lives on the branch; whichever name exists is destroyed.
      undo: async () => {
        await tolerate(() => zfs.destroy(i.safety), 'not-found');
      },
    },
    {
      title: `clone ${i.target} to ${tmp}`,
      run: () => tolerate(() => zfs.clone(i.target, tmp, i.cloneProps), ...whenRecovering(recovering, 'exists')),
      undo: () => tolerate(() => zfs.destroy(tmp), 'not-found'),
    },
  ];
  if (i.wasMounted) {
    steps.push({
      title: `unmount ${D}`,
      run: () => tolerate(() => zfs.unmount(D), 'not-mounted'),
      undo: () => tolerate(() => zfs.mount(D), 'already-mounted'),
    });
  }
  steps.push(
    { title: `unmount ${tmp}`, run: () => tolerate(() => zfs.unmount(tmp), 'not-mounted', 'not-found') },
    { title: `rename ${D} to ${B}`, run: () => rename(D, B), undo: () => rename(B, D) },
    {
      title: `mark ${B} as a branch of ${i.container}`,
      run: () => zfs.set(B, { [branchProp]: i.mark ?? branchMark(i.container, i.seconds) }),
      undo: () => zfs.inherit(B, branchProp),
    },
  );
  if (i.localMountpoint) {
    const mp = i.localMountpoint;
    steps.push({ title: `give ${B} its own mountpoint`, run: () => zfs.inherit(B, 'mountpoint'), undo: () => zfs.set(B, { mountpoint: mp }) });
  }
  steps.push({ title: `rename ${tmp} to ${D}`, run: () => rename(tmp, D), undo: () => rename(D, tmp) });
  if (i.localMountpoint) {
    const mp = i.localMountpoint;
    steps.push({ title: `set mountpoint of ${D} to ${mp}`, run: () => zfs.set(D, { mountpoint: mp }), undo: () => zfs.inherit(D, 'mountpoint') });
  }
  steps.push({
    title: `promote ${D}`,
    run: async () => {
      // Done already when D is no longer a clone of that origin (promote is not idempotent by itself).
      if (recovering && !(await isCloneOf(ctx, D, i.originAfterRename))) return;
      await zfs.promote(D);
    },
    // Promote made the origin's former holder (the old line, or the branch the target was on) a clone of D: promote
    // it back.
    undo: async () => {
      const { dataset: holder, snapshot } = splitSnapshotName(i.originAfterRename);
      if (await isCloneOf(ctx, holder, `${D}@${snapshot}`)) await zfs.promote(holder);
    },
  });
  if (i.wasMounted) {
    steps.push(
      { title: `mount ${D}`, run: () => tolerate(() => zfs.mount(D), 'already-mounted'), undo: () => tolerate(() => zfs.unmount(D), 'not-mounted') },
      // Undone too, so an undo after an interruption renames an unmounted branch back (zfs-fuse needs that).
      { title: `mount ${B}`, run: () => tolerate(() => zfs.mount(B), 'already-mounted'), undo: () => tolerate(() => zfs.unmount(B), 'not-mounted') },
    );
  }
  return [...steps, ...life.after];
}

export const BRANCH_RESTORE: OperationDef<BranchRestoreInput> = { name: 'branch-restore', steps: branchRestoreSteps };

async function isCloneOf(ctx: CoreContext, dataset: string, origin: string): Promise<boolean> {
  return (await ctx.zfs.origin(dataset)) === origin;
}

export function branchRestoreResult(i: BranchRestoreInput, steps: StepReport[]): BranchRestoreResult {
  return {
    mode: 'branch',
    container: i.container,
    dataset: i.dataset,
    restored: i.target,
    safetySnapshot: `${i.branch}@${i.safety.slice(i.safety.indexOf('@') + 1)}`,
    branchDataset: i.branch,
    steps,
  };
}

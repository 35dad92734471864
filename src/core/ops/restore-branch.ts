import type { CoreContext } from '../context.js';
import { LxcriError } from '../errors.js';
import { USER_PREFIX, USER_PROPS } from '../model/dataset.js';
import type { CheckpointNode } from '../model/tree.js';
import { RESERVED_PREFIX, parentDataset } from '../tools/zfs/names.js';
import { checkpointProps } from './checkpoint.js';
import type { LoadedContainer } from './container.js';
import { freeSnapshotName } from './snapshot-name.js';
import { runSteps, type Step, type StepReport } from './steps.js';

/** Properties a clone cannot take at creation, or that we set ourselves. */
const NOT_COPIED = new Set([
  'mountpoint', 'casesensitivity', 'normalization', 'utf8only', 'version', 'volsize', 'volblocksize', 'encryption',
  'keyformat', 'keylocation', 'pbkdf2iters', 'encryptionroot', 'keystatus', 'objsetid',
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
  steps: string[];
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
function branchNames(c: LoadedContainer, seconds: number): { branch: string; clone: string } {
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
    steps: [
      `snapshot the live state as ${safety}`,
      `clone ${target.fullName} to ${clone}`,
      `move the current line ${c.dataset} aside to ${branch} (kept, with every newer checkpoint)`,
      `rename ${clone} to ${c.dataset} and promote it`,
      `mount ${c.dataset} (now at ${target.name}) and ${branch}`,
    ],
  };
}

/**
 * Restores a checkpoint without losing anything: the live state is snapshotted, the checkpoint is cloned and
 * swapped in under the container's dataset name, and the former line survives as a branch dataset.
 * Each step is checked; a failure undoes the steps already done.
 */
export async function executeBranchRestore(
  ctx: CoreContext,
  c: LoadedContainer,
  plan: BranchRestorePlan,
  /** `zfs get -s local all` of the container dataset, read alongside the listing. */
  local: Record<string, string>,
  onStep?: (title: string) => void,
): Promise<BranchRestoreResult> {
  const { zfs } = ctx;
  const D = plan.dataset;
  const B = plan.branchDataset;
  const tmp = plan.cloneDataset;
  const rec = c.inventory.get(D)!;
  const cloneProps = Object.fromEntries(
    Object.entries(local).filter(([k]) => !NOT_COPIED.has(k) && !k.startsWith(USER_PREFIX)),
  );
  const localMountpoint = local.mountpoint;
  const wasMounted = rec.mounted !== false && rec.mountpoint !== 'none' && rec.mountpoint !== 'legacy';
  const safetyShort = plan.safetySnapshot.slice(plan.safetySnapshot.indexOf('@') + 1);
  const seconds = Math.floor(ctx.now() / 1000);
  const branchProp = USER_PREFIX + USER_PROPS.branch;

  const steps: Step[] = [
    {
      title: `snapshot ${plan.safetySnapshot}`,
      run: () => zfs.snapshot([plan.safetySnapshot], checkpointProps(ctx, 'safety', `before restoring ${plan.target.name}`)),
      undo: () => zfs.destroy(plan.safetySnapshot),
    },
    {
      title: `clone ${plan.target.fullName} to ${tmp}`,
      run: () => zfs.clone(plan.target.fullName, tmp, cloneProps),
      undo: () => zfs.destroy(tmp),
    },
  ];
  if (wasMounted) {
    steps.push({ title: `unmount ${D}`, run: () => zfs.unmount(D), undo: () => zfs.mount(D) });
  }
  steps.push(
    { title: `unmount ${tmp}`, run: () => ignoring(/not currently mounted|not mounted/, () => zfs.unmount(tmp)) },
    { title: `rename ${D} to ${B}`, run: () => zfs.rename(D, B), undo: () => zfs.rename(B, D) },
    {
      title: `mark ${B} as a branch of ${c.id}`,
      run: () => zfs.set(B, { [branchProp]: `${c.id}@${seconds}` }),
      undo: () => zfs.inherit(B, branchProp),
    },
  );
  if (localMountpoint) {
    steps.push({
      title: `give ${B} its own mountpoint`,
      run: () => zfs.inherit(B, 'mountpoint'),
      undo: () => zfs.set(B, { mountpoint: localMountpoint }),
    });
  }
  steps.push({ title: `rename ${tmp} to ${D}`, run: () => zfs.rename(tmp, D), undo: () => zfs.rename(D, tmp) });
  if (localMountpoint) {
    steps.push({
      title: `set mountpoint of ${D} to ${localMountpoint}`,
      run: () => zfs.set(D, { mountpoint: localMountpoint }),
      undo: () => zfs.inherit(D, 'mountpoint'),
    });
  }
  steps.push({ title: `promote ${D}`, run: () => zfs.promote(D), undo: () => zfs.promote(B) });
  if (wasMounted) {
    steps.push(
      { title: `mount ${D}`, run: () => ignoring(/already mounted/, () => zfs.mount(D)), undo: () => zfs.unmount(D) },
      { title: `mount ${B}`, run: () => ignoring(/already mounted/, () => zfs.mount(B)) },
    );
  }
  const reports = await runSteps(`branch restore of ${c.id} to ${plan.target.name}`, steps, onStep);
  return {
    mode: 'branch',
    container: c.id,
    dataset: D,
    restored: plan.target.fullName,
    safetySnapshot: `${B}@${safetyShort}`,
    branchDataset: B,
    steps: reports,
  };
}

async function ignoring(pattern: RegExp, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof Error && pattern.test(error.message))) throw error;
  }
}

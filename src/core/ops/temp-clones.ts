import type { CoreContext } from '../context.js';
import { USER_PREFIX } from '../model/dataset.js';
import type { Inventory } from '../model/inventory.js';
import { cmd } from '../runner/command.js';
import { RESERVED_PREFIX, parentDataset } from '../tools/zfs/names.js';
import type { OperationDef } from './engine.js';
import { tolerate, whenRecovering, type Step } from './steps.js';

/*
 * Temporary read-only clones of checkpoints, to read their files where ZFS shows no `.zfs/snapshot` (zfs-fuse): named
 * `lxcri-tmp-<leaf>-<seconds>-<n>` beside the container's dataset (the reserved prefix: recognisably ours, never a
 * Proxmox volume, never a branch of the tree) with `lxcri:temporary` saying what for, mounted under TEMP_MOUNT_DIR.
 * They are made and destroyed by journaled steps, so a kill leaves a journal `recover` finishes or undoes: both
 * destroy them.
 */

/** Where temporary clones are mounted: a runtime directory of our own (not the state dir, which a console watches). */
export const TEMP_MOUNT_DIR = '/run/lxcri-console/mnt';
export const TEMP_PREFIX = `${RESERVED_PREFIX}tmp-`;
const TEMPORARY = `${USER_PREFIX}temporary`;

export interface TempClone {
  snapshot: string;
  clone: string;
  mountpoint: string;
}

/** Names for clones of `snapshots`, free in the listing, beside `dataset`. */
export function tempClones(dataset: string, snapshots: readonly string[], seconds: number, inventory: Pick<Inventory, 'get'>): TempClone[] {
  const parent = parentDataset(dataset);
  const leaf = dataset.slice((parent?.length ?? -1) + 1);
  const taken = new Set<string>();
  return snapshots.map((snapshot, i) => {
    let clone = '';
    for (let n = 0; ; n++) {
      clone = `${parent ? `${parent}/` : ''}${TEMP_PREFIX}${leaf}-${seconds}-${i + 1}${n ? `-${n + 1}` : ''}`;
      if (!inventory.get(clone) && !taken.has(clone)) break;
    }
    taken.add(clone);
    // One level under the mount directory ('+' is never in a ZFS name, so no two clones share a directory).
    return { snapshot, clone, mountpoint: `${TEMP_MOUNT_DIR}/${clone.replaceAll('/', '+')}` };
  });
}

/** Destroys a temporary clone (gone already counts as done) and removes its empty mount directory. */
async function removeClone(ctx: CoreContext, c: TempClone): Promise<void> {
  await tolerate(() => ctx.zfs.destroy(c.clone), 'not-found');
  // rmdir, never rm -r: should the clone still be mounted there, its files stay untouched.
  await ctx.runner.run(cmd('rmdir', ['--', c.mountpoint], true)).catch(() => undefined);
}

/** The steps that make the clones (each undone by destroying it) and those that destroy them at the end. */
export function tempCloneSteps(ctx: CoreContext, clones: readonly TempClone[], purpose: string, recovering: boolean): { make: Step[]; remove: Step[] } {
  return {
    make: clones.map((c) => ({
      title: `clone ${c.snapshot} to ${c.clone} (read-only, mounted at ${c.mountpoint})`,
      run: () =>
        tolerate(
          () => ctx.zfs.clone(c.snapshot, c.clone, { readonly: 'on', mountpoint: c.mountpoint, [TEMPORARY]: purpose }),
          ...whenRecovering(recovering, 'exists'),
        ),
      undo: () => removeClone(ctx, c),
    })),
    remove: clones.map((c) => ({ title: `destroy ${c.clone}`, run: () => removeClone(ctx, c) })),
  };
}

export interface FileReadInput {
  container: string;
  /** What the clones are for (diff, files): their `lxcri:temporary` value. */
  purpose: string;
  clones: TempClone[];
}

/** The work done while the clones exist; absent when the steps are rebuilt from a journal (then only the clones matter). */
export type CloneWork = (recovering: boolean) => Promise<void>;

export function fileReadSteps(ctx: CoreContext, input: FileReadInput, recovering: boolean, work?: CloneWork): Step[] {
  const { make, remove } = tempCloneSteps(ctx, input.clones, input.purpose, recovering);
  return [...make, { title: `read the files of ${input.container}'s checkpoints`, run: () => (work ? work(recovering) : Promise.resolve()) }, ...remove];
}

/** Reading files through temporary clones: interrupted, `recover` (finish or undo) destroys the clones. */
export const FILE_READ: OperationDef<FileReadInput> = { name: 'file-read', steps: (ctx, input, recovering) => fileReadSteps(ctx, input, recovering) };

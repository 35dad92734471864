import type { CoreContext } from '../context.js';
import { LxcriError, UsageError } from '../errors.js';
import { normalizeContainerPath, resolveInRoot, type ResolvedPath } from '../model/container-path.js';
import type { FileEntry, FileType } from '../model/file-diff.js';
import type { CheckpointNode } from '../model/tree.js';
import { cmd } from '../runner/command.js';
import type { LoadedContainer } from './container.js';
import { runOperation, type OnStep, type OperationDef } from './engine.js';
import { planViews, rootOf, withViews } from './file-diff.js';
import { refuseOnMountPoint } from './mount-volumes.js';
import { nodeFiles, type NodeFiles } from './node-files.js';
import { selectSnapshot } from './select-snapshot.js';
import { tempClones, tempCloneSteps, type TempClone } from './temp-clones.js';
import type { Step, StepReport } from './steps.js';

/** One entry of a checkpoint's directory (lstat: a link is listed as a link, with its target). */
export interface FileListingEntry {
  name: string;
  type: FileType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** Unix seconds. */
  mtime: number;
  target?: string;
}

export interface FileListing {
  container: string;
  checkpoint: string;
  /** The path listed, as the container sees it (its links followed). */
  path: string;
  type: FileType;
  /** A directory's entries by name; a single entry for anything else. */
  entries: FileListingEntry[];
}

function listingEntry(name: string, e: FileEntry): FileListingEntry {
  return {
    name,
    type: e.type,
    size: e.size,
    mode: e.mode,
    uid: e.uid,
    gid: e.gid,
    mtime: Math.floor(e.mtimeMs / 1000),
    ...(e.target !== undefined ? { target: e.target } : {}),
  };
}

/** Lists a directory (or shows one entry) inside a checkpoint: through `.zfs/snapshot` where ZFS has it, else a temporary clone. */
export async function listCheckpointFiles(ctx: CoreContext, c: LoadedContainer, checkpoint: string, path = '/', onStep?: OnStep): Promise<FileListing> {
  const files = nodeFiles(ctx);
  const wanted = normalizeContainerPath(path, 'path', { allowRoot: true });
  refuseOnMountPoint(c, wanted, 'path');
  const node = selectSnapshot(c.tree, checkpoint);
  const { views, clones } = planViews(ctx, c, [node]);
  const root = rootOf(views.get(node.id)!);
  return withViews(
    ctx,
    c,
    'files',
    clones,
    async () => {
      const at = await resolveInRoot(root, wanted, files.probe, { followLast: true });
      refuseOnMountPoint(c, at.path, 'path');
      const one = at.type === undefined ? undefined : at.type === 'dir' ? undefined : await files.entry(at.hostPath);
      if (at.type === undefined || (at.type !== 'dir' && !one)) throw notInCheckpoint(c, node, wanted);
      const base = { container: c.id, checkpoint: node.name, path: at.path, type: at.type };
      if (one) return { ...base, entries: [listingEntry(at.path.slice(at.path.lastIndexOf('/') + 1), one)] };
      const entries = (await files.list(at.hostPath)).map((e) => listingEntry(e.name, e.entry));
      return { ...base, entries: entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
    },
    onStep,
  );
}

function notInCheckpoint(c: LoadedContainer, node: CheckpointNode, path: string): LxcriError {
  return new LxcriError(
    'not-found',
    `${path} does not exist in checkpoint ${node.name} of ${c.id}`,
    `list what it holds with \`lxcri-console files ${c.id} ${node.name}\``,
  );
}

export interface RestoreFileOptions {
  /** Where to put the copy (a container path that does not exist yet) instead of in place. */
  to?: string;
  /** Remove the current version instead of keeping it as `<path>.lxcri-<unix time>` (needs confirmation). */
  replace?: boolean;
}

/** The user's arguments checked before anything runs: paths inside the container, options that go together. */
export function validateRestoreFileArguments(path: string, opts: RestoreFileOptions): { path: string; to?: string } {
  const p = normalizeContainerPath(path);
  if (opts.to !== undefined && opts.replace) {
    throw new UsageError('--replace does not go with --to', '--to writes a new path (which must not exist); --replace is for a restore in place');
  }
  const to = opts.to !== undefined ? normalizeContainerPath(opts.to, '--to') : undefined;
  return { path: p, ...(to !== undefined ? { to } : {}) };
}

export interface RestoreFilePlan {
  container: string;
  checkpoint: string;
  /** The path in the checkpoint (as given, normalized) and what it is there. */
  path: string;
  type: FileType;
  size: number;
  /** Where the copy goes in the live container. */
  dest: string;
  /** What is at the destination now, if anything. */
  current?: { type: FileType; size: number };
  /** The name the current version is kept under (absent with --replace, or when there is none). */
  keptAs?: string;
  replace: boolean;
  steps: string[];
}

export interface RestoreFileInput {
  container: string;
  checkpoint: string;
  clone?: TempClone;
  /** Host root of the checkpoint's files (a clone's mountpoint or a `.zfs/snapshot` directory). */
  sourceRoot: string;
  path: string;
  liveRoot: string;
  dest: string;
  /** Host paths: the destination, the copy before it is put in place, the kept (or to-be-removed) current version. */
  destHost: string;
  tmpHost: string;
  asideHost?: string;
  replace: boolean;
}

export interface RestoreFileResult extends RestoreFilePlan {
  steps: string[];
  reports: StepReport[];
}

async function exists(files: NodeFiles, hostPath: string): Promise<boolean> {
  return (await files.probe.typeOf(hostPath)) !== undefined;
}

function sibling(hostPath: string, suffix: string): string {
  return `${hostPath}${suffix}`;
}

/** A free `<path>.lxcri-<seconds>` (then `-2`, `-3`...) beside `hostPath`. */
async function freeAside(files: NodeFiles, hostPath: string, seconds: number): Promise<string> {
  for (let n = 1; n < 1000; n++) {
    const candidate = sibling(hostPath, `.lxcri-${seconds}${n > 1 ? `-${n}` : ''}`);
    if (!(await exists(files, candidate))) return candidate;
  }
  throw new LxcriError('exists', `no free name beside ${hostPath} to keep its current version`, 'remove old .lxcri-* copies there');
}

/**
 * The restore's destination in the live container, checked: its directory exists (links followed as the container
 * sees them, none leaving its root), and with --to nothing is there yet.
 */
async function resolveDest(files: NodeFiles, c: LoadedContainer, liveRoot: string, dest: string, isTo: boolean): Promise<ResolvedPath> {
  const at = await resolveInRoot(liveRoot, dest, files.probe, { what: isTo ? '--to' : 'path' }).catch((error: unknown) => {
    if (error instanceof LxcriError && error.code === 'not-found') {
      throw new LxcriError(
        'not-found',
        `the directory of ${dest} does not exist in the live container ${c.id}`,
        'restore its directory first (restore-file the parent), or choose another place with --to',
      );
    }
    throw error;
  });
  if (isTo && at.type !== undefined)
    throw new LxcriError('exists', `--to ${dest} already exists in ${c.id}`, 'name a path that does not exist yet (nothing is overwritten with --to)');
  return at;
}

function describeSteps(i: RestoreFileInput, plan: Pick<RestoreFilePlan, 'current' | 'keptAs'>): string[] {
  return [
    ...(i.clone ? [`clone ${i.clone.snapshot} read-only to ${i.clone.clone}`] : []),
    `copy ${i.path} from ${i.checkpoint} with its mode, owner and times beside ${i.dest}`,
    ...(plan.current ? [i.replace ? `set the current ${i.dest} aside, to be removed` : `keep the current ${i.dest} as ${plan.keptAs}`] : []),
    `put the copy in place as ${i.dest}`,
    ...(i.clone ? [`destroy ${i.clone.clone}`] : []),
    ...(plan.current && i.replace ? [`remove the former ${i.dest}`] : []),
  ];
}

/**
 * Plans a file restore: everything checked that can be before the checkpoint is read (paths, the destination's
 * directory, --to free), then the checkpoint's path read (through a temporary clone where needed). Changes nothing
 * in the container.
 */
export async function planRestoreFile(
  ctx: CoreContext,
  c: LoadedContainer,
  checkpoint: string,
  path: string,
  opts: RestoreFileOptions,
  onStep?: OnStep,
): Promise<{ plan: RestoreFilePlan; input: RestoreFileInput }> {
  const files = nodeFiles(ctx);
  const args = validateRestoreFileArguments(path, opts);
  refuseOnMountPoint(c, args.path, 'path');
  if (args.to !== undefined) refuseOnMountPoint(c, args.to, '--to');
  const node = selectSnapshot(c.tree, checkpoint);
  const live = c.inventory.get(c.dataset);
  if (!live?.mountpoint || live.mounted === false) {
    throw new LxcriError('not-mounted', `the live state of ${c.id} (${c.dataset}) is not mounted`, `mount it (zfs mount ${c.dataset}) and retry`);
  }
  const liveRoot = live.mountpoint;
  const dest = await resolveDest(files, c, liveRoot, args.to ?? args.path, args.to !== undefined);
  refuseOnMountPoint(c, dest.path, args.to !== undefined ? '--to' : 'path');
  const seconds = Math.floor(ctx.now() / 1000);
  const { views, clones } = planViews(ctx, c, [node]);
  const sourceRoot = rootOf(views.get(node.id)!);
  const source = await withViews(
    ctx,
    c,
    'restore-file',
    clones,
    async () => {
      const at = await resolveInRoot(sourceRoot, args.path, files.probe);
      refuseOnMountPoint(c, at.path, 'path');
      const e = at.type === undefined ? undefined : await files.entry(at.hostPath);
      if (!e) throw notInCheckpoint(c, node, args.path);
      return { type: e.type, size: e.size };
    },
    onStep,
  );
  const currentEntry = dest.type !== undefined ? await files.entry(dest.hostPath) : undefined;
  const current = currentEntry ? { type: currentEntry.type, size: currentEntry.size } : undefined;
  const aside = current ? (opts.replace ? sibling(dest.hostPath, `.lxcri-replaced-${seconds}`) : await freeAside(files, dest.hostPath, seconds)) : undefined;
  // The restore makes a clone of its own (the preview's is gone by then), under another name: zfs-fuse may still be
  // releasing the first.
  const clone = clones.length ? tempClones(c.dataset, [node.fullName, node.fullName], seconds, c.inventory)[1] : undefined;
  const input: RestoreFileInput = {
    container: c.id,
    checkpoint: node.fullName,
    ...(clone ? { clone } : {}),
    sourceRoot: clone ? clone.mountpoint : sourceRoot,
    path: args.path,
    liveRoot,
    dest: dest.path,
    destHost: dest.hostPath,
    tmpHost: sibling(dest.hostPath, `.lxcri-restoring-${seconds}`),
    ...(aside ? { asideHost: aside } : {}),
    replace: Boolean(opts.replace),
  };
  const keptAs = current && !opts.replace ? dest.path + aside!.slice(dest.hostPath.length) : undefined;
  const plan: RestoreFilePlan = {
    container: c.id,
    checkpoint: node.name,
    path: args.path,
    type: source.type,
    size: source.size,
    dest: dest.path,
    ...(current ? { current } : {}),
    ...(keptAs ? { keptAs } : {}),
    replace: Boolean(opts.replace),
    steps: [],
  };
  plan.steps = describeSteps(input, plan);
  return { plan, input };
}

/** `mv -T from to`, where a move that already happened (from gone, to there) counts as done after an interruption. */
async function moveOnce(ctx: CoreContext, files: NodeFiles, from: string, to: string, recovering: boolean): Promise<void> {
  if (recovering && !(await exists(files, from)) && (await exists(files, to))) return;
  await ctx.runner.run(cmd('mv', ['-T', '--', from, to], true));
}

async function removeTree(ctx: CoreContext, hostPath: string): Promise<void> {
  await ctx.runner.run(cmd('rm', ['-rf', '--', hostPath], true));
}

/**
 * The steps of a file restore: the copy is made beside the destination first (cp -a: mode, owner, times, links,
 * extended attributes), the current version moved aside, the copy renamed into place; each undone in reverse. The
 * destination's directory is checked again right before the copy (a container may have changed it meanwhile).
 */
export function restoreFileSteps(ctx: CoreContext, i: RestoreFileInput, recovering: boolean): Step[] {
  const clone = i.clone ? tempCloneSteps(ctx, [i.clone], 'restore-file', recovering) : { make: [], remove: [] };
  const files = nodeFiles(ctx);
  const steps: Step[] = [
    ...clone.make,
    {
      title: `copy ${i.path} from ${i.checkpoint} to ${i.tmpHost}`,
      run: async () => {
        if (recovering && i.clone) await ctx.zfs.mount(i.clone.clone).catch(() => undefined);
        const source = await resolveInRoot(i.sourceRoot, i.path, files.probe);
        if (source.type === undefined) throw new LxcriError('not-found', `${i.path} does not exist in ${i.checkpoint}`, 'check the path');
        const dest = await resolveInRoot(i.liveRoot, i.dest, files.probe);
        if (dest.hostPath !== i.destHost) {
          throw new LxcriError('changed', `${i.dest} in ${i.container} now resolves elsewhere (a link changed)`, 'check the container and retry the restore');
        }
        if (recovering) await removeTree(ctx, i.tmpHost);
        await ctx.runner.run(cmd('cp', ['-a', '-T', '--', source.hostPath, i.tmpHost], true));
      },
      undo: () => removeTree(ctx, i.tmpHost),
    },
  ];
  if (i.asideHost) {
    const aside = i.asideHost;
    steps.push({
      title: i.replace ? `set ${i.destHost} aside as ${aside}` : `keep ${i.destHost} as ${aside}`,
      run: () => moveOnce(ctx, files, i.destHost, aside, recovering),
      undo: async () => {
        if ((await exists(files, aside)) && !(await exists(files, i.destHost))) await ctx.runner.run(cmd('mv', ['-T', '--', aside, i.destHost], true));
      },
    });
  }
  steps.push({
    title: `put ${i.tmpHost} in place as ${i.destHost}`,
    run: () => moveOnce(ctx, files, i.tmpHost, i.destHost, recovering),
    undo: async () => {
      if ((await exists(files, i.destHost)) && !(await exists(files, i.tmpHost))) await ctx.runner.run(cmd('mv', ['-T', '--', i.destHost, i.tmpHost], true));
    },
  });
  steps.push(...clone.remove);
  if (i.asideHost && i.replace) {
    const aside = i.asideHost;
    steps.push({ title: `remove ${aside}`, run: () => removeTree(ctx, aside), onFailure: 'continue' });
  }
  return steps;
}

export const RESTORE_FILE: OperationDef<RestoreFileInput> = { name: 'restore-file', steps: restoreFileSteps };

export async function executeRestoreFile(
  ctx: CoreContext,
  plan: RestoreFilePlan,
  input: RestoreFileInput,
  dataset: string,
  onStep?: OnStep,
): Promise<RestoreFileResult> {
  const reports = await runOperation(
    ctx,
    RESTORE_FILE,
    { container: input.container, datasets: [dataset], title: `restore of ${input.path} from ${plan.checkpoint} into ${input.container}`, input },
    onStep,
  );
  return { ...plan, reports };
}

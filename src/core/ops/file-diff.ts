import type { CoreContext } from '../context.js';
import { LxcriError, UsageError } from '../errors.js';
import { mountedNow } from '../model/dataset.js';
import {
  compareIndexes,
  dropExplainedDirs,
  invertChanges,
  massDeletion,
  mergeThreeWay,
  sameMetadataFiles,
  summarize,
  type DiffSummary,
  type FileChange,
  type FileIndex,
  type MassDeletion,
  type ThreeWayChange,
} from '../model/file-diff.js';
import { findSnapshot, type CheckpointNode, type CheckpointTree } from '../model/tree.js';
import { cmd } from '../runner/command.js';
import { parseZfsDiff, zfsDiffChanges } from '../tools/zfs/diff.js';
import type { LoadedContainer } from './container.js';
import { runOperation, type OnStep, type OperationDef } from './engine.js';
import { nodeFiles } from './node-files.js';
import { withSizes, type SizedDiff } from './zfs-diff-sizes.js';
import { mountVolumes, underMount, type VolumeNote } from './mount-volumes.js';
import { selectSnapshot, validateSnapshotArgument } from './select-snapshot.js';
import { FILE_READ, fileReadSteps, tempClones, type FileReadInput, type TempClone } from './temp-clones.js';

export interface FileDiffResult {
  container: string;
  /** The checkpoints compared (short names; `NOW` for the live state). */
  from: string;
  to: string;
  /** Three-way view (the two are on different branches): the checkpoint both descend from. */
  base?: string;
  /** `zfs-diff` (OpenZFS) or `walk` (the files compared in this process, through temporary clones where needed). */
  method: 'zfs-diff' | 'walk';
  /** Whether files with the same metadata had their bytes compared (`--content`). */
  content: boolean;
  changes: Array<FileChange | ThreeWayChange>;
  summary: DiffSummary;
  massDeletion?: MassDeletion;
  /** A Proxmox container's mount points (mpN): compared (their paths under the mount path), or why not. */
  volumes?: VolumeNote[];
}

/** Accepts `NOW` (any case) for the live state as the second checkpoint. */
export function isNow(name: string | undefined): boolean {
  return name === undefined || name.toUpperCase() === 'NOW';
}

export function validateDiffArguments(from: string, to: string | undefined): void {
  if (isNow(from))
    throw new UsageError('the first checkpoint of a diff cannot be NOW', 'name the older state first: lxcri-console diff <container> <A> [<B>|NOW]');
  validateSnapshotArgument(from);
  if (!isNow(to)) validateSnapshotArgument(to!);
}

function ancestors(tree: CheckpointTree, node: CheckpointNode): CheckpointNode[] {
  const out: CheckpointNode[] = [];
  const seen = new Set<string>();
  for (let n: CheckpointNode | undefined = node; n && !seen.has(n.id); n = n.parent ? tree.nodes.get(n.parent) : undefined) {
    seen.add(n.id);
    out.push(n);
  }
  return out;
}

export interface DiffPlan {
  from: CheckpointNode;
  to: CheckpointNode;
  /** How the two relate in the tree: the same, one an ancestor of the other, or apart with a merge base (or none). */
  relation: 'same' | 'forward' | 'backward' | 'three-way' | 'unrelated';
  base?: CheckpointNode;
}

/** Finds the two states in the tree and how they relate: the merge base is the nearest checkpoint both descend from. */
export function planDiff(tree: CheckpointTree, from: string, to: string | undefined): DiffPlan {
  const a = selectSnapshot(tree, from);
  const b = isNow(to) ? [...tree.nodes.values()].find((n) => n.active) : selectSnapshot(tree, to!);
  if (!b) throw new LxcriError('not-found', `container ${tree.container} has no live state in its tree`, 'name a second checkpoint');
  if (a.id === b.id) return { from: a, to: b, relation: 'same' };
  const upFromB = ancestors(tree, b);
  if (upFromB.some((n) => n.id === a.id)) return { from: a, to: b, relation: 'forward' };
  const upFromA = ancestors(tree, a);
  if (upFromA.some((n) => n.id === b.id)) return { from: a, to: b, relation: 'backward' };
  const onA = new Set(upFromA.map((n) => n.id));
  const base = upFromB.find((n) => onA.has(n.id) && n.kind === 'snapshot');
  return base ? { from: a, to: b, relation: 'three-way', base } : { from: a, to: b, relation: 'unrelated' };
}

/** Where a state's files are read: a live mountpoint, a `.zfs/snapshot` directory, or a clone to make. */
type View = { root: string } | { clone: TempClone };

function liveRoot(c: LoadedContainer, dataset: string): string {
  const rec = c.inventory.get(dataset);
  if (!rec || !mountedNow(rec) || !rec.mountpoint) {
    throw new LxcriError(
      'not-mounted',
      `the live state of ${c.id} (${dataset}) is not mounted, so its files cannot be read`,
      `mount it (zfs mount ${dataset}) or name a checkpoint instead of NOW`,
    );
  }
  return rec.mountpoint;
}

/**
 * How each state is read: NOW from its mountpoint; a checkpoint through `.zfs/snapshot` where ZFS has it and its
 * dataset is mounted, else through a temporary clone.
 */
export function planViews(ctx: CoreContext, c: LoadedContainer, nodes: readonly CheckpointNode[]): { views: Map<string, View>; clones: TempClone[] } {
  const views = new Map<string, View>();
  const needClone: CheckpointNode[] = [];
  for (const n of nodes) {
    if (views.has(n.id) || needClone.includes(n)) continue;
    if (n.kind === 'now') views.set(n.id, { root: liveRoot(c, n.dataset) });
    else {
      const rec = c.inventory.get(n.dataset);
      if (c.caps.snapshotDir && rec && mountedNow(rec) && rec.mountpoint) views.set(n.id, { root: `${rec.mountpoint}/.zfs/snapshot/${n.name}` });
      else needClone.push(n);
    }
  }
  const clones = tempClones(
    c.dataset,
    needClone.map((n) => n.fullName),
    Math.floor(ctx.now() / 1000),
    c.inventory,
  );
  needClone.forEach((n, i) => views.set(n.id, { clone: clones[i]! }));
  return { views, clones };
}

export function rootOf(view: View): string {
  return 'root' in view ? view.root : view.clone.mountpoint;
}

/**
 * Runs `work` with every view's files readable: temporary clones made first and always destroyed after (journaled:
 * a kill leaves them to `recover`). Nothing is made when no clone is needed. A failure of `work` is thrown once the
 * clones are gone, as it was.
 */
export async function withViews<T>(
  ctx: CoreContext,
  c: LoadedContainer,
  purpose: string,
  clones: TempClone[],
  work: () => Promise<T>,
  onStep?: OnStep,
): Promise<T> {
  if (!clones.length) return work();
  if (ctx.readOnly) {
    throw new LxcriError(
      'read-only',
      `read-only session: reading the files of ${c.id}'s checkpoints needs temporary clones on this ZFS (${c.caps.flavour}), which it does not make`,
      'nothing was changed; run it without --read-only',
    );
  }
  let result: T | undefined;
  let failure: { error: unknown } | undefined;
  const def: OperationDef<FileReadInput> = {
    name: FILE_READ.name,
    steps: (cx, input, recovering) =>
      fileReadSteps(cx, input, recovering, async () => {
        try {
          result = await work();
        } catch (error) {
          failure = { error };
        }
      }),
  };
  const input: FileReadInput = { container: c.id, purpose, clones };
  await runOperation(ctx, def, { container: c.id, datasets: [c.dataset], title: `${purpose} of ${c.id}`, input }, onStep);
  if (failure) throw failure.error;
  return result as T;
}

/** A state as messages name it: its short name, or `dataset@name` where the short one is ambiguous in the tree. */
export function shortName(tree: CheckpointTree, n: CheckpointNode): string {
  if (n.kind === 'now') return 'NOW';
  return findSnapshot(tree, n.name).length > 1 ? n.fullName : n.name;
}

function result(
  c: LoadedContainer,
  plan: DiffPlan,
  method: FileDiffResult['method'],
  content: boolean,
  changes: FileDiffResult['changes'],
  mass?: MassDeletion,
  volumes: VolumeNote[] = [],
): FileDiffResult {
  return {
    container: c.id,
    from: shortName(c.tree, plan.from),
    to: shortName(c.tree, plan.to),
    ...(plan.relation === 'three-way' ? { base: shortName(c.tree, plan.base!) } : {}),
    method,
    content,
    changes,
    summary: summarize(changes),
    ...(mass ? { massDeletion: mass } : {}),
    ...(volumes.length ? { volumes } : {}),
  };
}

/** What changed between two states of a container: `zfs diff` where ZFS has it, else the files walked and compared. */
export async function fileDiff(
  ctx: CoreContext,
  c: LoadedContainer,
  from: string,
  to: string | undefined,
  opts: { content?: boolean } = {},
  onStep?: OnStep,
): Promise<FileDiffResult> {
  const plan = planDiff(c.tree, from, to);
  if (plan.relation === 'same') return result(c, plan, c.caps.diff ? 'zfs-diff' : 'walk', Boolean(opts.content), []);
  const volumes = mountVolumes(c, plan.from, plan.to, plan.relation === 'three-way' || plan.relation === 'unrelated');
  if (c.caps.diff && plan.relation !== 'unrelated') return zfsDiffPath(ctx, c, plan, volumes);
  return walkPath(ctx, c, plan, Boolean(opts.content), volumes, onStep);
}

/** `zfs diff -FHt` between a state and a later one on its line (or a clone's), in container paths. */
async function runZfsDiff(ctx: CoreContext, c: LoadedContainer, older: CheckpointNode, newer: CheckpointNode): Promise<FileChange[]> {
  const r = await ctx.runner.run(cmd('zfs', ['diff', '-FHt', older.fullName, newer.kind === 'now' ? newer.dataset : newer.fullName]));
  const mountpoints = [newer.dataset, older.dataset].map((d) => c.inventory.get(d)?.mountpoint).filter((m): m is string => Boolean(m));
  return dropExplainedDirs(zfsDiffChanges(parseZfsDiff(r.stdout), mountpoints));
}

const byPath = (x: FileChange, y: FileChange) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0);

/** The root filesystem's changes and each compared volume's under its mount path, in one list by path. */
function withVolumes(root: FileChange[], volumes: Volumes, onVolumes: FileChange[][]): FileChange[] {
  return [...root, ...onVolumes.flatMap((ch, i) => underMount(ch, volumes.diffs[i]!.note.path))].sort(byPath);
}

type Volumes = ReturnType<typeof mountVolumes>;

async function zfsDiffPath(ctx: CoreContext, c: LoadedContainer, plan: DiffPlan, volumes: Volumes): Promise<FileDiffResult> {
  const { from: a, to: b } = plan;
  if (plan.relation !== 'three-way') {
    // Between two states of one line: `zfs diff` from the older to the newer, inverted when asked the other way.
    const one = async (x: CheckpointNode, y: CheckpointNode): Promise<SizedDiff> => ({
      changes: plan.relation === 'backward' ? invertChanges(await runZfsDiff(ctx, c, y, x)) : await runZfsDiff(ctx, c, x, y),
      from: x,
      to: y,
    });
    const diffs = await Promise.all([one(a, b), ...volumes.diffs.map((v) => one(v.from, v.to))]);
    const [root, ...onVolumes] = await withSizes(ctx, c, diffs);
    const changes = withVolumes(root!, volumes, onVolumes);
    return result(c, plan, 'zfs-diff', true, changes, massDeletion(summarize(changes)), volumes.notes);
  }
  const base = plan.base!;
  const [rawA, rawB] = await Promise.all([runZfsDiff(ctx, c, base, a), runZfsDiff(ctx, c, base, b)]);
  const [toA, toB] = await withSizes(ctx, c, [
    { changes: rawA, from: base, to: a },
    { changes: rawB, from: base, to: b },
  ]);
  return result(c, plan, 'zfs-diff', true, mergeThreeWay(toA!, toB!), massDeletion(summarize(toB!)), volumes.notes);
}

async function walkPath(ctx: CoreContext, c: LoadedContainer, plan: DiffPlan, content: boolean, volumes: Volumes, onStep?: OnStep): Promise<FileDiffResult> {
  const files = nodeFiles(ctx);
  const ends = plan.relation === 'three-way' ? [plan.base!, plan.from, plan.to] : [plan.from, plan.to];
  const volumeEnds = volumes.diffs.flatMap((v) => [v.from, v.to]);
  const { views, clones } = planViews(ctx, c, [...ends, ...volumeEnds]);
  const root = (n: CheckpointNode) => rootOf(views.get(n.id)!);
  return withViews(
    ctx,
    c,
    'diff',
    clones,
    async () => {
      const indexes = new Map<string, FileIndex>();
      await Promise.all([...ends, ...volumeEnds].map(async (n) => indexes.set(n.id, await files.walk(root(n)))));
      const hasher = files.hasher();
      const compare = async (x: CheckpointNode, y: CheckpointNode) => {
        const ix = indexes.get(x.id)!;
        const iy = indexes.get(y.id)!;
        const differing = content ? await hasher.differing(root(x), root(y), sameMetadataFiles(ix, iy)) : undefined;
        return compareIndexes(ix, iy, differing);
      };
      if (plan.relation !== 'three-way') {
        const [rootChanges, ...onVolumes] = await Promise.all([compare(plan.from, plan.to), ...volumes.diffs.map((v) => compare(v.from, v.to))]);
        const changes = withVolumes(rootChanges!, volumes, onVolumes);
        const held = [plan.from, ...volumes.diffs.map((v) => v.from)].reduce((n, x) => n + indexes.get(x.id)!.size, 0);
        return result(c, plan, 'walk', content, changes, massDeletion(summarize(changes), held), volumes.notes);
      }
      const base = plan.base!;
      const [toA, toB] = await Promise.all([compare(base, plan.from), compare(base, plan.to)]);
      return result(c, plan, 'walk', content, mergeThreeWay(toA, toB), massDeletion(summarize(toB), indexes.get(base.id)!.size), volumes.notes);
    },
    onStep,
  );
}

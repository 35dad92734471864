import type { CoreContext } from '../context.js';
import { LxcriError, NotFoundError, RefusedError, UsageError } from '../errors.js';
import { USER_PREFIX, USER_PROPS, branchMark, mountedNow, parseBranchMark, type DatasetRecord } from '../model/dataset.js';
import { ownFamily } from '../model/ownership.js';
import { briefOf, type SnapshotBrief } from '../model/snapshot-brief.js';
import { findSnapshot, lineOf, type BranchInfo } from '../model/tree.js';
import { RESERVED_PREFIX, splitSnapshotName } from '../tools/zfs/names.js';
import type { LoadedContainer } from './container.js';
import type { OperationDef } from './engine.js';
import { lifecycleSteps, type Lifecycle, type ServicePreview } from './lifecycle.js';
import { branchNames } from './restore-branch.js';
import { renameOnce, tolerate, whenRecovering, type Step, type StepReport } from './steps.js';

export type TodayFate = 'keep' | 'discard';

/**
 * Undoing a branch restore switches the live line back: the container's dataset D becomes the line the restore set
 * aside (branch B) again, and today's state (the restored checkpoint plus whatever changed since) is kept as a new
 * branch or discarded. Switching to any other branch of the container is the same operation (`branch` given).
 */
export interface UndoRestorePlan {
  mode: 'undo';
  container: string;
  dataset: string;
  /** The line D returns to (renamed back to D). */
  branch: string;
  /** How `branch` was found: the newest branch a restore made from D's line, or named by the caller. */
  chosen: 'newest-restore' | 'explicit';
  /** The checkpoint the restore went to (the snapshot today's line grew from), when ZFS shows it. */
  restoredFrom?: string;
  /** Its label, for the preview. */
  restoredFromLabel?: string;
  /** The container's state for the preview's words (set by the core's planning). */
  service?: ServicePreview;
  /** When `branch` was set aside (unix seconds, from its mark or name). */
  branchedAt?: number;
  /** The line `branch` is in the tree, and the checkpoint it grew from: what titles it in words (lineTitle). */
  line?: BranchInfo;
  lineOrigin?: SnapshotBrief;
  /** The container is running: it is shut down first and started again afterwards. */
  running: boolean;
  today: TodayFate;
  /** The branch today's state is kept as (keep only). */
  todayBranch?: string;
  /** Where today's state is moved before anything else (the branch name, or a temporary name when discarded). */
  aside: string;
  /** Whether today's state changed since the restore: from `written` on OpenZFS, 'unknown' on zfs-fuse. */
  todayChanged: boolean | 'unknown';
  /** Checkpoints taken on today's line since the restore (kept with it; they make a discard impossible). */
  todayCheckpoints: string[];
  /** The dataset promoted so the returning line owns its checkpoints again, and the snapshot it was a clone of. */
  promote?: { dataset: string; origin: string };
  /** The moment the names above were made of (unix seconds). */
  seconds: number;
  steps: string[];
}

export interface UndoRestoreResult {
  mode: 'undo';
  container: string;
  dataset: string;
  branch: string;
  today: TodayFate;
  todayBranch?: string;
  /** Today's state, destroyed (discard). */
  discarded?: string;
  /** Today's state, set aside but not destroyed because the destroy failed: remove it by hand. */
  leftover?: string;
  steps: StepReport[];
}

const BRANCH_PROP = USER_PREFIX + USER_PROPS.branch;
const NAME_SECONDS = /-(\d{9,})(?:-(\d{1,3}))?$/;

const holderOf = (snapshot: string) => splitSnapshotName(snapshot).dataset;
const leafOf = (dataset: string) => dataset.slice(dataset.lastIndexOf('/') + 1);

/** When a branch was set aside, and its same-second suffix (a later branch of the same second has a higher one). */
function branchTime(rec: DatasetRecord): { at: number; suffix: number } | undefined {
  const m = NAME_SECONDS.exec(rec.name);
  const at = parseBranchMark(rec.user.branch)?.at ?? (m ? Number(m[1]) : undefined);
  return at === undefined ? undefined : { at, suffix: m?.[2] ? Number(m[2]) : 1 };
}

/** One is the other's clone parent: the line a restore moved D away from (either way round after a promote). */
function related(d: DatasetRecord, b: DatasetRecord): boolean {
  return (b.origin !== undefined && holderOf(b.origin) === d.name) || (d.origin !== undefined && holderOf(d.origin) === b.name);
}

function noRestore(id: string): NotFoundError {
  return new NotFoundError(
    `${id}: no branch restore to undo (a rollback cannot be undone: it destroyed the later state)`,
    `see its branches with \`lxcri-console tree ${id}\`; switch to one with \`lxcri-console undo ${id} --branch DATASET\``,
  );
}

function newestRestoreBranch(c: LoadedContainer, family: readonly string[]): string | undefined {
  try {
    return chooseBranch(c, family, undefined).name;
  } catch {
    return undefined;
  }
}

/** The line to return to: the one named, or the newest branch a restore set aside from D's line. */
function chooseBranch(c: LoadedContainer, family: readonly string[], named: string | undefined): DatasetRecord {
  const D = c.inventory.get(c.dataset)!;
  if (named !== undefined) {
    if (named === c.dataset) throw new UsageError(`${named} is already the live line of ${c.id}`, 'name one of its branches (`lxcri-console tree`)');
    const rec = c.inventory.get(named);
    if (!rec || rec.type !== 'filesystem' || !family.includes(named)) {
      throw new RefusedError(
        `${named} is not a branch of ${c.id}`,
        `only the branches lxcri-console kept for ${c.id} can become its live line: see \`lxcri-console tree ${c.id}\``,
      );
    }
    return rec;
  }
  const candidates = family
    .filter((ds) => ds !== c.dataset && leafOf(ds).startsWith(`${RESERVED_PREFIX}br-`))
    .map((ds) => c.inventory.get(ds)!)
    .filter((rec) => related(D, rec))
    .map((rec) => ({ rec, time: branchTime(rec) }))
    .filter((x) => x.time !== undefined)
    .sort((a, b) => b.time!.at - a.time!.at || b.time!.suffix - a.time!.suffix);
  const newest = candidates[0];
  if (!newest) throw noRestore(c.id);
  return newest.rec;
}

/**
 * Which dataset to promote so the returning line owns its checkpoints again (what the restore's promote took from
 * it): the branch itself when it is a clone of one of D's snapshots; otherwise the one clone of the snapshot D grew
 * from (D's newest snapshot older than D itself, taken over by the restore's promote), when that is unambiguous.
 */
function promotion(c: LoadedContainer, family: ReadonlySet<string>, d: DatasetRecord, b: DatasetRecord): { dataset: string; origin: string } | undefined {
  if (b.origin && holderOf(b.origin) === d.name) return { dataset: b.name, origin: b.origin };
  const birth = c.inventory
    .snapshotsOf(d.name)
    .filter((s) => s.createtxg < d.createtxg)
    .at(-1);
  if (!birth) return undefined;
  const holders = c.inventory.clonesOf(birth.name).filter((x) => family.has(x));
  return holders.length === 1 ? { dataset: holders[0]!, origin: birth.name } : undefined;
}

export function planUndoRestore(
  ctx: CoreContext,
  c: LoadedContainer,
  opts: { branch?: string; today?: TodayFate; seconds?: number },
  running: boolean,
): UndoRestorePlan {
  const D = c.dataset;
  const d = c.inventory.get(D)!;
  const children = c.inventory.childrenOf(D);
  if (children.length) {
    throw new LxcriError(
      'unsupported',
      `${D} has child datasets (${children.map((x) => x.name).join(', ')}); switching lines swaps a single dataset`,
      'switch the child datasets by hand (zfs rename), or keep the current line',
    );
  }
  const familyList = ownFamily(c.inventory, D);
  const family = new Set(familyList);
  const b = chooseBranch(c, familyList, opts.branch);
  // Naming the branch the newest restore set aside (the console re-plans with it) is still an undo of that restore.
  const newest = opts.branch === undefined ? b.name : newestRestoreBranch(c, familyList);
  const B = b.name;
  const promote = promotion(c, family, d, b);
  // D's snapshots that stay with today's line: those after the promoted origin (all of them without a promote).
  const cut = promote ? c.inventory.get(promote.origin)?.createtxg : undefined;
  const todayCheckpoints = c.inventory
    .snapshotsOf(D)
    .filter((s) => cut === undefined || s.createtxg > cut)
    .map((s) => s.name);
  const todayChanged: boolean | 'unknown' = todayCheckpoints.length ? true : c.caps.written && d.written !== undefined ? d.written > 0 : 'unknown';
  // An unchanged today would be an empty branch: discarded unless asked to keep it.
  const today: TodayFate = opts.today ?? (todayChanged === false ? 'discard' : 'keep');
  if (today === 'discard' && todayCheckpoints.length) {
    throw new RefusedError(
      `${c.id}: today's state has ${todayCheckpoints.length} checkpoint(s) of its own (${todayCheckpoints.map((s) => splitSnapshotName(s).snapshot).join(', ')}); discarding it would destroy them`,
      'keep it as a branch (leave out --discard), or delete those checkpoints first',
    );
  }
  // A confirmed preview's moment: its names, when still free, are the ones the operator was shown.
  const seconds = opts.seconds ?? Math.floor(ctx.now() / 1000);
  const names = branchNames(c, seconds);
  const aside = today === 'keep' ? names.branch : names.clone;
  const restoredFromFull =
    b.origin && holderOf(b.origin) === D ? b.origin : promote ? promote.origin : d.origin && holderOf(d.origin) === B ? d.origin : undefined;
  const restoredFrom = restoredFromFull ? splitSnapshotName(restoredFromFull).snapshot : undefined;
  const restoredFromLabel = restoredFromFull ? c.inventory.get(restoredFromFull)?.user.label : undefined;
  const branchedAt = branchTime(b)?.at;
  const line = lineOf(c.tree, B);
  const changed = todayChanged === 'unknown' ? 'changes unknown on this ZFS' : todayChanged ? 'changed since the restore' : 'unchanged since the restore';
  const steps = [
    ...(running ? [`shut down ${c.id}`] : []),
    ...(promote ? [`promote ${promote.dataset} so it owns its checkpoints again`] : []),
    today === 'keep' ? `move today's state ${D} aside to ${aside}, kept as a branch (${changed})` : `move today's state ${D} aside to ${aside} (${changed})`,
    `rename ${B} to ${D} and drop its branch mark${restoredFrom ? ` (the line before the restore to ${restoredFrom})` : ''}`,
    today === 'keep' ? `mount ${D} and ${aside}` : `mount ${D}`,
    ...(today === 'discard' ? [`destroy ${aside} (today's state: only the changes since the restore are lost)`] : []),
    ...(running ? [`start ${c.id} again`] : []),
  ];
  return {
    mode: 'undo',
    container: c.id,
    dataset: D,
    branch: B,
    chosen: newest === B ? 'newest-restore' : 'explicit',
    ...(restoredFrom ? { restoredFrom } : {}),
    ...(restoredFromLabel ? { restoredFromLabel } : {}),
    ...(branchedAt !== undefined ? { branchedAt } : {}),
    ...(line ? { line: line.branch, ...(line.origin ? { lineOrigin: briefOf(line.origin) } : {}) } : {}),
    running,
    today,
    ...(today === 'keep' ? { todayBranch: aside } : {}),
    aside,
    todayChanged,
    todayCheckpoints,
    ...(promote ? { promote } : {}),
    seconds,
    steps,
  };
}

/**
 * A confirmed plan still describes the world: the same line to return to, the same fate for today's state, and a
 * today's state no more changed than the preview said (a discard agreed to as "unchanged" is not run on a change).
 */
export function checkUndoPlan(previewed: UndoRestorePlan, fresh: UndoRestorePlan): void {
  const changed = (what: string) =>
    new LxcriError('changed', `${previewed.container}: ${what} since the preview`, 'nothing was changed; preview the undo again and confirm that');
  if (fresh.dataset !== previewed.dataset) throw changed(`the dataset changed (${previewed.dataset} -> ${fresh.dataset})`);
  if (fresh.branch !== previewed.branch) throw changed(`the line to return to changed (${previewed.branch} -> ${fresh.branch})`);
  if (fresh.today !== previewed.today) throw changed(`the fate of today's state changed (${previewed.today} -> ${fresh.today})`);
  if (fresh.today === 'discard' && fresh.todayChanged !== previewed.todayChanged && previewed.todayChanged === false) {
    throw changed("today's state changed");
  }
}

/** Everything the steps are built from: kept in the journal so an interrupted undo can be finished or undone. */
export interface UndoRestoreInput {
  container: string;
  dataset: string;
  branch: string;
  aside: string;
  today: TodayFate;
  seconds: number;
  promote?: { dataset: string; origin: string };
  /** D's own mountpoint: it stays with the dataset named D (today's state inherits one, as a branch does). */
  localMountpoint?: string;
  /** The branch's own mountpoint (when D has none): dropped, since D had none before the restore either. */
  branchMountpoint?: string;
  /** The branch's mark, put back by an undo. */
  branchMark?: string;
  /** The mark today's state is kept with: when, and what set it aside (absent in older journals: when only). */
  asideMark?: string;
  wasMounted: boolean;
  branchMounted: boolean;
  /** The promoted dataset, when it is not the branch, was mounted: unmounted around its promote. */
  holderMounted: boolean;
  lifecycle?: Lifecycle;
}

export function undoRestoreInput(
  c: LoadedContainer,
  plan: UndoRestorePlan,
  localD: Record<string, string>,
  localB: Record<string, string>,
  lifecycle?: Lifecycle,
): UndoRestoreInput {
  const b = c.inventory.get(plan.branch)!;
  const holder = plan.promote && plan.promote.dataset !== plan.branch ? c.inventory.get(plan.promote.dataset) : undefined;
  return {
    container: c.id,
    dataset: plan.dataset,
    branch: plan.branch,
    aside: plan.aside,
    today: plan.today,
    seconds: plan.seconds,
    ...(plan.promote ? { promote: plan.promote } : {}),
    ...(localD.mountpoint ? { localMountpoint: localD.mountpoint } : {}),
    ...(!localD.mountpoint && localB.mountpoint ? { branchMountpoint: localB.mountpoint } : {}),
    ...(localB[BRANCH_PROP] ? { branchMark: localB[BRANCH_PROP] } : b.user.branch ? { branchMark: b.user.branch } : {}),
    // An undo names the restore it undid (by the guid of the checkpoint it went to); a switch, only itself.
    asideMark:
      plan.chosen === 'newest-restore'
        ? branchMark(c.id, plan.seconds, 'undo', plan.restoredFrom !== undefined ? findSnapshot(c.tree, plan.restoredFrom)[0]?.id : undefined)
        : branchMark(c.id, plan.seconds, 'switch'),
    wasMounted: mountedNow(c.inventory.get(plan.dataset)),
    branchMounted: mountedNow(b),
    holderMounted: mountedNow(holder),
    ...(lifecycle ? { lifecycle } : {}),
  };
}

/**
 * The steps of an undo (a switch of the live line). Each can run again after an interruption and has the step that
 * reverses it, except the destroy of a discarded today's state, which comes after every other ZFS step (only the
 * start follows it) and makes the switch final.
 */
export function undoRestoreSteps(ctx: CoreContext, i: UndoRestoreInput, recovering = false, out?: Record<string, unknown>): Step[] {
  const { zfs } = ctx;
  const { dataset: D, branch: B, aside: A } = i;
  const rename = (from: string, to: string) => renameOnce(zfs, from, to);
  // Once a discarded today's state is destroyed (the branch renamed to D, the aside gone), the switch is final: an
  // undo (recover --undo after a kill past the destroy) leaves the ZFS steps done rather than move D away again.
  const final = async () => i.today === 'discard' && !(await zfs.exists(A)) && !(await zfs.exists(B));
  const reversible =
    (undo: () => Promise<void>): (() => Promise<void>) =>
    async () => {
      if (!(await final())) await undo();
    };
  const unmountStep = (ds: string): Step => ({
    title: `unmount ${ds}`,
    run: () => tolerate(() => zfs.unmount(ds), 'not-mounted'),
    undo: reversible(() => tolerate(() => zfs.mount(ds), 'already-mounted')),
  });
  const mountStep = (ds: string): Step => ({
    title: `mount ${ds}`,
    run: () => tolerate(() => zfs.mount(ds), 'already-mounted'),
    undo: reversible(() => tolerate(() => zfs.unmount(ds), 'not-mounted')),
  });
  const life = lifecycleSteps(ctx, i.lifecycle, out);
  const holder = i.promote && i.promote.dataset !== B ? i.promote.dataset : undefined;
  const steps: Step[] = [...life.before];
  if (i.wasMounted) steps.push(unmountStep(D));
  if (i.branchMounted) steps.push(unmountStep(B));
  if (holder && i.holderMounted) steps.push(unmountStep(holder));
  if (i.promote) {
    const { dataset: H, origin } = i.promote;
    const snapshot = splitSnapshotName(origin).snapshot;
    steps.push({
      title: `promote ${H}`,
      run: async () => {
        // Done already when H is no longer a clone of that origin (promote is not idempotent by itself).
        if (recovering && (await zfs.origin(H)) !== origin) return;
        await zfs.promote(H);
      },
      // The promote made D a clone of H: promote D back.
      undo: reversible(async () => {
        if ((await zfs.origin(D)) === `${H}@${snapshot}`) await zfs.promote(D);
      }),
    });
  }
  steps.push({ title: `rename ${D} to ${A}`, run: () => rename(D, A), undo: reversible(() => rename(A, D)) });
  if (i.today === 'keep') {
    steps.push({
      title: `mark ${A} as a branch of ${i.container}`,
      run: () => zfs.set(A, { [BRANCH_PROP]: i.asideMark ?? branchMark(i.container, i.seconds) }),
      undo: reversible(() => zfs.inherit(A, BRANCH_PROP)),
    });
  }
  if (i.localMountpoint) {
    const mp = i.localMountpoint;
    steps.push({ title: `give ${A} its own mountpoint`, run: () => zfs.inherit(A, 'mountpoint'), undo: reversible(() => zfs.set(A, { mountpoint: mp })) });
  }
  if (i.branchMark) {
    const mark = i.branchMark;
    steps.push({ title: `drop the branch mark of ${B}`, run: () => zfs.inherit(B, BRANCH_PROP), undo: reversible(() => zfs.set(B, { [BRANCH_PROP]: mark })) });
  }
  if (i.branchMountpoint) {
    const mp = i.branchMountpoint;
    steps.push({ title: `drop the own mountpoint of ${B}`, run: () => zfs.inherit(B, 'mountpoint'), undo: reversible(() => zfs.set(B, { mountpoint: mp })) });
  }
  steps.push({ title: `rename ${B} to ${D}`, run: () => rename(B, D), undo: reversible(() => rename(D, B)) });
  if (i.localMountpoint) {
    const mp = i.localMountpoint;
    steps.push({ title: `set mountpoint of ${D} to ${mp}`, run: () => zfs.set(D, { mountpoint: mp }), undo: reversible(() => zfs.inherit(D, 'mountpoint')) });
  }
  if (i.wasMounted) steps.push(mountStep(D));
  if (i.today === 'keep' && i.wasMounted) steps.push(mountStep(A));
  if (holder && i.holderMounted) steps.push(mountStep(holder));
  if (i.today === 'discard') {
    // Last of the ZFS steps, so everything before it can still be undone; a failure leaves the container switched
    // (and started): the result names what is left over.
    steps.push({
      title: `destroy ${A}`,
      run: () => tolerate(() => zfs.destroy(A), ...whenRecovering(recovering, 'not-found')),
      onFailure: 'continue',
    });
  }
  return [...steps, ...life.after];
}

export const RESTORE_UNDO: OperationDef<UndoRestoreInput> = { name: 'restore-undo', steps: undoRestoreSteps };

export function undoRestoreResult(i: UndoRestoreInput, steps: StepReport[]): UndoRestoreResult {
  const destroy = steps.find((s) => s.title === `destroy ${i.aside}`);
  return {
    mode: 'undo',
    container: i.container,
    dataset: i.dataset,
    branch: i.branch,
    today: i.today,
    ...(i.today === 'keep' ? { todayBranch: i.aside } : {}),
    ...(destroy?.status === 'done' ? { discarded: i.aside } : {}),
    ...(destroy?.status === 'failed' ? { leftover: i.aside } : {}),
    steps,
  };
}

import { heldWords } from '../model/replication.js';
import type { CoreContext } from '../context.js';
import { UsageError } from '../errors.js';
import type { CheckpointClass } from '../model/classify.js';
import type { CheckpointNode } from '../model/tree.js';
import { snapshotNodes } from '../model/tree.js';
import { readInventory, type LoadedContainer } from './container.js';
import { publishedManifest } from '../criu/store.js';
import type { Inventory } from '../model/inventory.js';
import { poolOf } from '../world.js';
import { runOperation, type OnStep, type OperationDef } from './engine.js';
import { SkipStep, tolerate, type Step } from './steps.js';

export interface PrunePolicy {
  maxSnapshots: number;
  retentionDays: number;
  /** Never fewer checkpoints than this per container (at least 1). */
  minKeep: number;
  /** Snapshot classes that may be pruned besides our checkpoints. */
  include: Array<Exclude<CheckpointClass, 'checkpoint'>>;
  /**
   * Prune by size instead of max/retention: the oldest unprotected candidates until the estimate of what they free
   * reaches this many bytes, then stop.
   */
  free?: number;
  /** With `free`: labelled checkpoints may go too (otherwise kept, rule 'labelled'). */
  includeLabelled?: boolean;
}

export type PruneRule =
  | 'within-max'
  | 'within-retention'
  | 'newest-on-active-line'
  | 'clone-origin'
  | 'held'
  | 'floor'
  | 'not-candidate'
  | 'beyond-max'
  | 'beyond-retention'
  // prune --free: kept for its label, pruned to reach the size, kept once the size is reached
  | 'labelled'
  | 'free-target'
  | 'free-reached';

export interface PruneItem {
  snapshot: string;
  name: string;
  dataset: string;
  class: CheckpointClass;
  creation: number;
  used: number;
  action: 'keep' | 'prune';
  label?: string;
  rule: PruneRule;
  reason: string;
  /** The CRIU image of a stateful checkpoint, removed with it. */
  image?: string;
  imageBytes?: number;
}

export interface PrunePlan {
  container: string;
  policy: PrunePolicy;
  items: PruneItem[];
  /** Bytes freed by the pruned set. */
  reclaimBytes: number;
  /** exact: from `zfs destroy -nvp`; estimate: sum of each snapshot's own `used` (a lower bound). */
  reclaimAccuracy: 'exact' | 'estimate';
  /** Of reclaimBytes, what the pruned checkpoints' CRIU images hold in the image store (exact). */
  imageBytes: number;
  /** A prune by size (`policy.free`): how far the plan gets. */
  free?: FreeOutcome;
}

/** A prune by size: the bytes asked, what the plan frees on the pool (images not counted), and what stopped it short. */
export interface FreeOutcome {
  target: number;
  /** The ZFS figure the choice stopped on (exact or estimate, as reclaimAccuracy says). */
  bytes: number;
  reached: boolean;
  /** When not reached: the candidates kept, counted by the rule that kept them (held, clone-origin, labelled…). */
  keptBy: Partial<Record<PruneRule, number>>;
}

export interface PruneItemResult {
  snapshot: string;
  status: 'destroyed' | 'failed' | 'gone';
  error?: string;
}

export interface PruneResult {
  container: string;
  results: PruneItemResult[];
  reclaimBytes: number;
}

export function policyFromConfig(ctx: CoreContext, overrides: Partial<PrunePolicy> = {}): PrunePolicy {
  const p: PrunePolicy = {
    maxSnapshots: overrides.maxSnapshots ?? ctx.config.checkpoint.max_snapshots,
    retentionDays: overrides.retentionDays ?? ctx.config.checkpoint.retention_days,
    minKeep: Math.max(1, overrides.minKeep ?? ctx.config.checkpoint.min_keep),
    include: overrides.include ?? [],
  };
  if (!Number.isInteger(p.maxSnapshots) || p.maxSnapshots < 1)
    throw new UsageError(`max snapshots must be an integer >= 1, got ${p.maxSnapshots}`, 'pass --max-snapshots N with N >= 1');
  if (!Number.isInteger(p.retentionDays) || p.retentionDays < 0)
    throw new UsageError(`retention days must be an integer >= 0, got ${p.retentionDays}`, 'pass --retention-days D with D >= 0 (0 = no age limit)');
  if (overrides.free !== undefined) {
    if (!Number.isSafeInteger(overrides.free) || overrides.free < 1)
      throw new UsageError(`the size to free must be a whole number of bytes >= 1, got ${overrides.free}`, 'pass --free SIZE, e.g. 500M, 2G or 1048576');
    p.free = overrides.free;
  }
  if (overrides.includeLabelled) p.includeLabelled = true;
  return p;
}

const DAY = 86_400;

function protection(node: CheckpointNode, newestOnActive: string | undefined): { rule: PruneRule; reason: string } | undefined {
  if (node.holds > 0) return { rule: 'held', reason: heldWords(node) };
  if (node.clones.length) return { rule: 'clone-origin', reason: `origin of ${node.clones.join(', ')}` };
  if (node.id === newestOnActive) return { rule: 'newest-on-active-line', reason: 'newest checkpoint on the active line' };
  return undefined;
}

/**
 * Decides keep or prune for every snapshot of a container, with the rule behind each decision. Candidates are our
 * checkpoints (plus opted-in classes); newest first, a candidate is pruned when it ranks beyond max_snapshots or is
 * older than retention_days, unless it is protected, and never below the floor.
 */
export function planPruneDecisions(c: LoadedContainer, policy: PrunePolicy, nowSeconds: number): PruneItem[] {
  const all = snapshotNodes(c.tree);
  const candidateClasses = new Set<CheckpointClass>(['checkpoint', ...policy.include]);
  const newestOnActive = all.filter((n) => n.onActiveLine && n.class === 'checkpoint').at(-1)?.id;
  const candidates = all.filter((n) => candidateClasses.has(n.class as CheckpointClass)).reverse();
  const decisions = new Map<string, PruneItem>();
  candidates.forEach((n, rank) => {
    const ageDays = Math.floor((nowSeconds - n.creation) / DAY);
    const tooMany = rank >= policy.maxSnapshots;
    const tooOld = policy.retentionDays > 0 && nowSeconds - n.creation > policy.retentionDays * DAY;
    const guard = protection(n, newestOnActive);
    if (!tooMany && !tooOld) {
      decisions.set(
        n.id,
        pruneItem(n, 'keep', 'within-max', `#${rank + 1} of max ${policy.maxSnapshots}, ${ageDays}d old (limit ${policy.retentionDays || '∞'}d)`),
      );
    } else if (guard) {
      decisions.set(n.id, pruneItem(n, 'keep', guard.rule, guard.reason));
    } else if (tooMany) {
      decisions.set(n.id, pruneItem(n, 'prune', 'beyond-max', `#${rank + 1} beyond max_snapshots=${policy.maxSnapshots}`));
    } else {
      decisions.set(n.id, pruneItem(n, 'prune', 'beyond-retention', `${ageDays}d old, beyond retention_days=${policy.retentionDays}`));
    }
  });
  // The floor: keep the newest pruned checkpoints until at least minKeep remain.
  let kept = candidates.filter((n) => decisions.get(n.id)!.action === 'keep').length;
  for (const n of candidates) {
    if (kept >= policy.minKeep) break;
    const d = decisions.get(n.id)!;
    if (d.action === 'prune') {
      decisions.set(n.id, { ...d, action: 'keep', rule: 'floor', reason: `kept so at least ${policy.minKeep} checkpoint(s) remain` });
      kept++;
    }
  }
  return all.map((n) => decisions.get(n.id) ?? notCandidate(n));
}

function pruneItem(n: CheckpointNode, action: 'keep' | 'prune', rule: PruneRule, reason: string): PruneItem {
  return {
    snapshot: n.fullName,
    name: n.name,
    dataset: n.dataset,
    class: n.class as CheckpointClass,
    creation: n.creation,
    used: n.used,
    action,
    rule,
    reason,
    ...(n.image ? { image: n.image } : {}),
    ...(n.label ? { label: n.label } : {}),
  };
}

function notCandidate(n: CheckpointNode): PruneItem {
  return pruneItem(
    n,
    'keep',
    'not-candidate',
    n.class === 'foreign'
      ? `not ours${n.foreignSource ? ` (${n.foreignSource})` : ''}: pass --include foreign to prune it`
      : `${n.class} snapshot: pass --include ${n.class} to prune it`,
  );
}

/** What a set of pruned items frees on the pool; called with the set growing one item at a time. */
export type FreeMeasure = (pruned: readonly PruneItem[]) => Promise<number> | number;

const sumOfUsed = (pruned: readonly PruneItem[]): number => pruned.reduce((n, i) => n + i.used, 0);

/**
 * A prune by size: candidates oldest first, each kept when protected (held, clone origin, the newest checkpoint on
 * the active line), labelled (unless includeLabelled) or needed for the min_keep floor, otherwise pruned, until
 * `measure` of the pruned set reaches `policy.free`; everything after that is kept.
 */
export async function planFreeDecisions(
  c: LoadedContainer,
  policy: PrunePolicy & { free: number },
  measure: FreeMeasure = sumOfUsed,
): Promise<{ items: PruneItem[]; free: FreeOutcome }> {
  const all = snapshotNodes(c.tree);
  const candidateClasses = new Set<CheckpointClass>(['checkpoint', ...policy.include]);
  const newestOnActive = all.filter((n) => n.onActiveLine && n.class === 'checkpoint').at(-1)?.id;
  const candidates = all
    .filter((n) => candidateClasses.has(n.class as CheckpointClass))
    .sort((a, b) => a.creation - b.creation || a.createtxg - b.createtxg || (a.fullName < b.fullName ? -1 : 1));
  // The floor: at least minKeep candidates stay, whatever the size asked.
  const prunable = Math.max(0, candidates.length - policy.minKeep);
  const decisions = new Map<string, PruneItem>();
  const pruned: PruneItem[] = [];
  let bytes = 0;
  for (const n of candidates) {
    const guard = protection(n, newestOnActive);
    let d: PruneItem;
    if (guard) d = pruneItem(n, 'keep', guard.rule, guard.reason);
    else if (n.label !== undefined && !policy.includeLabelled)
      d = pruneItem(n, 'keep', 'labelled', `labelled '${n.label}': pass --include labelled to prune it`);
    else if (bytes >= policy.free) d = pruneItem(n, 'keep', 'free-reached', 'not needed: the checkpoints before it free the size asked');
    else if (pruned.length >= prunable) d = pruneItem(n, 'keep', 'floor', `kept so at least ${policy.minKeep} checkpoint(s) remain`);
    else {
      d = pruneItem(n, 'prune', 'free-target', 'oldest first, to free the size asked');
      pruned.push(d);
      bytes = await measure(pruned);
    }
    decisions.set(n.id, d);
  }
  const reached = bytes >= policy.free;
  const keptBy: FreeOutcome['keptBy'] = {};
  if (!reached) {
    for (const d of decisions.values()) if (d.action === 'keep' && d.rule !== 'free-reached') keptBy[d.rule] = (keptBy[d.rule] ?? 0) + 1;
  }
  return { items: all.map((n) => decisions.get(n.id) ?? notCandidate(n)), free: { target: policy.free, bytes, reached, keptBy } };
}

/**
 * Exact bytes for a growing pruned set on OpenZFS: `zfs destroy -nvp` of the dataset whose set just grew (one process
 * per item added), the other datasets' figures kept from before.
 */
function exactMeasure(ctx: CoreContext): FreeMeasure {
  const byDataset = new Map<string, number>();
  return async (pruned) => {
    const ds = pruned.at(-1)!.dataset;
    const mine = pruned.filter((i) => i.dataset === ds);
    const exact = await ctx.zfs.destroyDryRun(
      ds,
      mine.map((i) => i.name),
    );
    byDataset.set(ds, exact ?? sumOfUsed(mine));
    return [...byDataset.values()].reduce((n, b) => n + b, 0);
  };
}

/**
 * What destroying these snapshots frees, exactly: one `zfs destroy -nvp` per dataset (OpenZFS only), summed; undefined
 * when a dry run gave no figure (then only the estimate is known, never a partial sum called exact).
 */
export async function destroyDryRunBytes(ctx: CoreContext, snapshots: ReadonlyArray<{ dataset: string; name: string }>): Promise<number | undefined> {
  const byDataset = new Map<string, string[]>();
  for (const s of snapshots) byDataset.set(s.dataset, [...(byDataset.get(s.dataset) ?? []), s.name]);
  let exact = 0;
  for (const [ds, names] of byDataset) {
    const bytes = await ctx.zfs.destroyDryRun(ds, names);
    if (bytes === undefined) return undefined;
    exact += bytes;
  }
  return exact;
}

export async function planPrune(ctx: CoreContext, c: LoadedContainer, policy: PrunePolicy): Promise<PrunePlan> {
  if (policy.free !== undefined) return planPruneFree(ctx, c, { ...policy, free: policy.free });
  const items = planPruneDecisions(c, policy, Math.floor(ctx.now() / 1000));
  const pruned = items.filter((i) => i.action === 'prune');
  const imageBytes = await pruneImageBytes(ctx, pruned);
  let reclaimBytes = pruned.reduce((sum, i) => sum + i.used, 0);
  let reclaimAccuracy: PrunePlan['reclaimAccuracy'] = 'estimate';
  const exact = c.caps.destroyDryRun && pruned.length ? await destroyDryRunBytes(ctx, pruned) : undefined;
  if (exact !== undefined) {
    reclaimBytes = exact;
    reclaimAccuracy = 'exact';
  }
  return { container: c.id, policy, items, reclaimBytes: reclaimBytes + imageBytes, reclaimAccuracy, imageBytes };
}

async function planPruneFree(ctx: CoreContext, c: LoadedContainer, policy: PrunePolicy & { free: number }): Promise<PrunePlan> {
  const { items, free } = await planFreeDecisions(c, policy, c.caps.destroyDryRun ? exactMeasure(ctx) : sumOfUsed);
  const imageBytes = await pruneImageBytes(
    ctx,
    items.filter((i) => i.action === 'prune'),
  );
  return {
    container: c.id,
    policy,
    items,
    reclaimBytes: free.bytes + imageBytes,
    reclaimAccuracy: c.caps.destroyDryRun ? 'exact' : 'estimate',
    imageBytes,
    free,
  };
}

/** Sets each pruned stateful checkpoint's image bytes (from its manifest) and returns their sum. */
async function pruneImageBytes(ctx: CoreContext, pruned: PruneItem[]): Promise<number> {
  for (const i of pruned) if (i.image) i.imageBytes = (await publishedManifest(ctx.fs, i.image))?.compressed_size ?? 0;
  return pruned.reduce((sum, i) => sum + (i.imageBytes ?? 0), 0);
}

export interface PruneInput {
  container: string;
  items: Array<{ container: string; snapshot: string; used: number; image?: string; imageBytes?: number }>;
}

const GONE = 'gone already';

/**
 * Prune's steps, one per snapshot, each standing alone (a failure stops nothing else). Before destroying, a step
 * re-reads the snapshot's pool (once per pool and run, also when an interrupted prune is finished) and leaves alone a
 * snapshot that has become held or cloned since the plan; with the snapshot goes its CRIU image.
 */
export const PRUNE: OperationDef<PruneInput> = {
  name: 'prune',
  steps: (ctx, input) => {
    const listings = new Map<string, Promise<Inventory>>();
    const fresh = (pool: string) => {
      let listing = listings.get(pool);
      if (!listing) listings.set(pool, (listing = readInventory(ctx, pool).then((r) => r.inventory)));
      return listing;
    };
    return input.items.map((item): Step => ({
      title: `destroy ${item.snapshot}`,
      onFailure: 'continue',
      run: async () => {
        const inv = await fresh(poolOf(item.snapshot));
        const rec = inv.get(item.snapshot);
        if (!rec) throw new SkipStep(GONE);
        if (rec.userrefs > 0 || inv.clonesOf(item.snapshot).length) throw new SkipStep('became held or cloned since the plan; left alone');
        await tolerate(() => ctx.zfs.destroy(item.snapshot), 'not-found');
        if (item.image) await ctx.fs.remove(item.image);
      },
    }));
  },
};

/**
 * Destroys the plans' pruned snapshots one by one in one journaled operation, each with its own result; nothing
 * outside the plans is touched.
 */
export async function executePrune(ctx: CoreContext, plans: readonly PrunePlan[], datasets: readonly string[], onStep?: OnStep): Promise<PruneResult[]> {
  const items = plans.flatMap((plan) =>
    plan.items
      .filter((i) => i.action === 'prune')
      .map((i) => ({ container: plan.container, snapshot: i.snapshot, used: i.used, ...(i.image ? { image: i.image, imageBytes: i.imageBytes ?? 0 } : {}) })),
  );
  const label = plans.map((p) => p.container).join(' ');
  const reports = items.length
    ? await runOperation(ctx, PRUNE, { container: label, datasets, title: `prune of ${label}`, input: { container: label, items } }, onStep)
    : [];
  return plans.map((plan) => {
    let reclaimBytes = 0;
    const results: PruneItemResult[] = [];
    items.forEach((item, i) => {
      if (item.container !== plan.container) return;
      const r = reports[i]!;
      if (r.status === 'done') {
        reclaimBytes += item.used + (item.imageBytes ?? 0);
        results.push({ snapshot: item.snapshot, status: 'destroyed' });
      } else if (r.status === 'skipped' && r.error === GONE) results.push({ snapshot: item.snapshot, status: 'gone' });
      else results.push({ snapshot: item.snapshot, status: 'failed', error: r.error ?? 'failed' });
    });
    return { container: plan.container, results, reclaimBytes };
  });
}

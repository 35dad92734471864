import type { CoreContext } from '../context.js';
import { UsageError } from '../errors.js';
import type { CheckpointClass } from '../model/classify.js';
import type { CheckpointNode } from '../model/tree.js';
import { snapshotNodes } from '../model/tree.js';
import { readInventory, type LoadedContainer } from './container.js';
import { rm } from 'node:fs/promises';
import { imageStore } from '../criu/store.js';
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
}

export type PruneRule =
  'within-max' | 'within-retention' | 'newest-on-active-line' | 'clone-origin' | 'held' | 'floor' | 'not-candidate' | 'beyond-max' | 'beyond-retention';

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
  return p;
}

const DAY = 86_400;

function protection(node: CheckpointNode, newestOnActive: string | undefined): { rule: PruneRule; reason: string } | undefined {
  if (node.holds > 0) return { rule: 'held', reason: `held (${node.holds} hold(s))` };
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
  const item = (n: CheckpointNode, action: 'keep' | 'prune', rule: PruneRule, reason: string): PruneItem => ({
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
  });
  candidates.forEach((n, rank) => {
    const ageDays = Math.floor((nowSeconds - n.creation) / DAY);
    const tooMany = rank >= policy.maxSnapshots;
    const tooOld = policy.retentionDays > 0 && nowSeconds - n.creation > policy.retentionDays * DAY;
    const guard = protection(n, newestOnActive);
    if (!tooMany && !tooOld) {
      decisions.set(n.id, item(n, 'keep', 'within-max', `#${rank + 1} of max ${policy.maxSnapshots}, ${ageDays}d old (limit ${policy.retentionDays || '∞'}d)`));
    } else if (guard) {
      decisions.set(n.id, item(n, 'keep', guard.rule, guard.reason));
    } else if (tooMany) {
      decisions.set(n.id, item(n, 'prune', 'beyond-max', `#${rank + 1} beyond max_snapshots=${policy.maxSnapshots}`));
    } else {
      decisions.set(n.id, item(n, 'prune', 'beyond-retention', `${ageDays}d old, beyond retention_days=${policy.retentionDays}`));
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
  return all.map(
    (n) =>
      decisions.get(n.id) ??
      item(
        n,
        'keep',
        'not-candidate',
        n.class === 'foreign'
          ? `not ours${n.foreignSource ? ` (${n.foreignSource})` : ''}: pass --include foreign to prune it`
          : `${n.class} snapshot: pass --include ${n.class} to prune it`,
      ),
  );
}

export async function planPrune(ctx: CoreContext, c: LoadedContainer, policy: PrunePolicy): Promise<PrunePlan> {
  const items = planPruneDecisions(c, policy, Math.floor(ctx.now() / 1000));
  const pruned = items.filter((i) => i.action === 'prune');
  const store = imageStore(ctx.config, ctx.runner);
  for (const i of pruned) if (i.image) i.imageBytes = (await store.manifest(i.image))?.compressed_size ?? 0;
  const imageBytes = pruned.reduce((sum, i) => sum + (i.imageBytes ?? 0), 0);
  let reclaimBytes = pruned.reduce((sum, i) => sum + i.used, 0);
  let reclaimAccuracy: PrunePlan['reclaimAccuracy'] = 'estimate';
  if (c.caps.destroyDryRun && pruned.length) {
    const byDataset = new Map<string, string[]>();
    for (const i of pruned) byDataset.set(i.dataset, [...(byDataset.get(i.dataset) ?? []), i.name]);
    let exact = 0;
    for (const [ds, names] of byDataset) exact += (await ctx.zfs.destroyDryRun(ds, names)) ?? 0;
    reclaimBytes = exact;
    reclaimAccuracy = 'exact';
  }
  return { container: c.id, policy, items, reclaimBytes: reclaimBytes + imageBytes, reclaimAccuracy, imageBytes };
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
        if (item.image) await rm(item.image, { recursive: true, force: true });
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

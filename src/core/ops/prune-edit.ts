import type { PruneItem, PrunePlan, PruneRule } from './prune.js';

/** Rules that keep a checkpoint whatever the operator picks: ZFS would refuse, or the line would lose its newest. */
const PROTECTED: ReadonlySet<PruneRule> = new Set(['held', 'clone-origin', 'newest-on-active-line', 'not-candidate']);

/** What the operator picked per snapshot (full name); an item not named keeps the plan's action. */
export type PrunePicks = Readonly<Record<string, 'keep' | 'prune'>>;

export function pickedAction(item: PruneItem, picks: PrunePicks): 'keep' | 'prune' {
  return picks[item.snapshot] ?? item.action;
}

/**
 * Why `item` cannot be switched to prune now, or undefined when it can (switching to keep is always allowed):
 * protected items never go, and the plan's floor (policy.minKeep candidates) holds with the picks made so far.
 */
export function pruneRefusal(plan: PrunePlan, item: PruneItem, picks: PrunePicks): string | undefined {
  if (PROTECTED.has(item.rule)) return `${item.name} is kept: ${item.reason}`;
  const kept = plan.items.filter((i) => i.rule !== 'not-candidate' && pickedAction(i, picks) === 'keep').length;
  if (pickedAction(item, picks) === 'keep' && kept - 1 < plan.policy.minKeep) {
    return `${item.name} is kept so at least ${plan.policy.minKeep} checkpoint(s) remain`;
  }
  return undefined;
}

/**
 * The plan with the operator's picks applied: the items' actions as picked, and, when that changed anything, the
 * reclaim figure recomputed as the sum of each pruned snapshot's own space and images (a lower bound).
 */
export function applyPrunePicks(plan: PrunePlan, picks: PrunePicks): PrunePlan {
  if (!plan.items.some((i) => pickedAction(i, picks) !== i.action)) return plan;
  const items = plan.items.map((i) => {
    const action = pickedAction(i, picks);
    return action === i.action ? i : { ...i, action, reason: action === 'keep' ? 'kept by the operator' : `picked by the operator (${i.reason})` };
  });
  const pruned = items.filter((i) => i.action === 'prune');
  const imageBytes = pruned.reduce((n, i) => n + (i.imageBytes ?? 0), 0);
  return { ...plan, items, reclaimBytes: pruned.reduce((n, i) => n + i.used, 0) + imageBytes, reclaimAccuracy: 'estimate', imageBytes };
}

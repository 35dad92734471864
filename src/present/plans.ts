import type { PrunePlan } from '../core/ops/prune.js';
import { table } from './table.js';
import { formatAge, formatBytes } from './units.js';
import type { RestorePlan, UndoRestorePlan } from '../core/core.js';

/** A restore plan in words, one line per step (CLI dry run and the console's restore dialog). */
export function describeRestorePlan(plan: RestorePlan): string[] {
  if (plan.mode === 'branch') {
    return [`branch restore of ${plan.container} to ${plan.target.fullName} (keeps every checkpoint):`, ...plan.steps.map((s, i) => `  ${i + 1}. ${s}`)];
  }
  const lines = [`rollback of ${plan.container} to ${plan.target.fullName} (zfs rollback ${plan.needsClones ? '-R' : '-r'}):`];
  if (!plan.destroysSnapshots.length) lines.push('  destroys nothing but the changes since that checkpoint');
  for (const s of plan.destroysSnapshots) lines.push(`  destroys snapshot ${s}`);
  for (const d of plan.destroysDatasets) lines.push(`  destroys branch dataset ${d}`);
  lines.push('  and discards the live changes since the checkpoint');
  return lines;
}

/** Whether today's state changed since the restore, in words. */
export function describeTodayChanged(plan: Pick<UndoRestorePlan, 'todayChanged' | 'todayCheckpoints'>): string {
  if (plan.todayCheckpoints.length) return `changed since the restore, with ${plan.todayCheckpoints.length} checkpoint(s) of its own`;
  if (plan.todayChanged === 'unknown') return 'whether it changed since the restore is unknown on this ZFS';
  return plan.todayChanged ? 'changed since the restore' : 'unchanged since the restore';
}

/** An undo plan in words: what happens to the container and to today's state first, then one line per step. */
export function describeUndoPlan(plan: UndoRestorePlan): string[] {
  const what = plan.chosen === 'explicit' ? `switch ${plan.container} to the line ${plan.branch}` : `undo the restore of ${plan.container}`;
  const to = plan.restoredFrom && plan.chosen !== 'explicit' ? ` to ${plan.restoredFrom}` : '';
  const running = plan.running ? ' (running: it is stopped and started again)' : '';
  const fate =
    plan.today === 'keep'
      ? `today's state is kept as the branch ${plan.todayBranch ?? plan.aside}`
      : "today's state is discarded (only the changes since the restore are lost)";
  return [
    `${what}${to}${running}; ${fate}; ${describeTodayChanged(plan)}:`,
    `  back to ${plan.branch}${plan.branchedAt !== undefined ? ` (set aside at ${new Date(plan.branchedAt * 1000).toISOString()})` : ''}`,
    ...plan.steps.map((s, i) => `  ${i + 1}. ${s}`),
  ];
}

/** The undo dialog's summary in short lines: the container, its stop and start, the line it returns to, today's state. */
export function undoSummary(plan: UndoRestorePlan, nowSeconds: number): string[] {
  const set = plan.branchedAt !== undefined ? `, set aside ${formatAge(plan.branchedAt, nowSeconds)} ago` : '';
  const from = plan.restoredFrom ? ` by the restore to ${plan.restoredFrom}` : '';
  return [
    `container ${plan.container}: ${plan.running ? 'running, so it is stopped, switched and started again' : 'not running: only its datasets are switched'}`,
    `back to the line ${plan.branch}${from}${set}`,
    plan.today === 'keep'
      ? `today's state (${describeTodayChanged(plan)}): kept as the branch ${plan.todayBranch ?? plan.aside}`
      : `today's state (${describeTodayChanged(plan)}): discarded, no branch is left behind`,
  ];
}

/** A prune plan's summary line: what goes, what it reclaims and how sure that figure is. */
export function pruneSummary(plan: PrunePlan): string {
  const pruned = plan.items.filter((i) => i.action === 'prune').length;
  const accuracy = plan.reclaimAccuracy === 'exact' ? 'exact, zfs destroy -nvp' : "estimate: sum of each snapshot's own space, a lower bound";
  const images = plan.imageBytes ? `; ${formatBytes(plan.imageBytes)} of it CRIU images` : '';
  return `${plan.container}: prune ${pruned} of ${plan.items.length}, reclaims ${formatBytes(plan.reclaimBytes)} (${accuracy}${images})`;
}

/**
 * A prune plan as a table: each checkpoint kept or pruned, its age, space and why (the CLI's, with full snapshot names;
 * the console's, with the names the tree shows, so the reasons fit).
 */
export function prunePlanLines(plan: PrunePlan, nowSeconds: number, fullNames = true): string[] {
  if (!plan.items.length) return [pruneSummary(plan)];
  const rows = table(
    ['', 'SNAPSHOT', 'AGE', 'USED', 'WHY'],
    plan.items.map((i) => [
      i.action === 'prune' ? 'PRUNE' : 'keep',
      fullNames ? i.snapshot : i.name,
      formatAge(i.creation, nowSeconds),
      formatBytes(i.used),
      i.reason,
    ]),
    [2, 3],
  ).split('\n');
  return [pruneSummary(plan), ...rows.map((l) => `  ${l}`)];
}

/** An interrupted operation's steps, each marked done, unsure (running when the process died) or pending. */
export function interruptedStepLines(e: { done: string[]; unsure: string[]; pending: string[] }): string[] {
  return [
    ...e.done.map((s) => `  done     ${s}`),
    ...e.unsure.map((s) => `  unsure   ${s} (was running when the process died)`),
    ...e.pending.map((s) => `  pending  ${s}`),
  ];
}

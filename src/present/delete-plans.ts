import type { CheckpointNode } from '../core/model/tree.js';
import { describeAction, type DeleteAction } from '../core/ops/delete.js';
import type { DeleteBranchPlan } from '../core/ops/delete-branch.js';
import { keepReason, type DeleteSetPlan } from '../core/ops/delete-set.js';
import { checkpointWords } from './plans.js';
import { lineTitle } from './tree-columns.js';
import { freesWords } from './units.js';
import { wrapLines } from './wrap.js';

/** A checkpoint as the other previews name it: 'before upgrade' (5w ago, 46M). */
const checkpointBrief = (n: CheckpointNode, nowSeconds: number) => checkpointWords(n, n.used, nowSeconds);

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** What deleting the marked set does, data first: what goes, what it frees, what stays (the zfs steps are apart). */
export function deleteSetLines(plan: DeleteSetPlan, nowSeconds: number): string[] {
  const frees = freesWords(plan.freedBytes, plan.accuracy === 'exact');
  const lines = plan.deletes.length
    ? [`${plural(plan.deletes.length, 'checkpoint')} of ${plan.container} go - ${frees}; the live state is untouched.`]
    : [`nothing of ${plan.container} can go: every marked checkpoint is kept (see below).`];
  for (const n of plan.deletes) lines.push(`  - ${checkpointBrief(n, nowSeconds)}`);
  if (plan.kept.length) {
    lines.push(`${plural(plan.kept.length, 'marked checkpoint')} stay:`);
    for (const k of plan.kept) lines.push(`  = ${checkpointBrief(k.node, nowSeconds)}: ${k.reason}`);
  }
  return lines;
}

/** What deleting a whole branch does, data first: which line goes, with which checkpoints, what it frees (zfs steps apart). */
export function deleteBranchLines(plan: DeleteBranchPlan, nowSeconds: number): string[] {
  const n = plan.snapshots.length;
  return [
    `The branch ${lineTitle(plan.branch, plan.origin, nowSeconds)} goes: its live state and ${plural(n, 'checkpoint')}${n ? ':' : ''}`,
    ...plan.snapshots.map((s) => `  - ${checkpointBrief(s, nowSeconds)}`),
    `${freesWords(plan.usedBytes, true)}; the live state of ${plan.container} (you are here) is untouched.`,
  ];
}

/** The tree's live line about its marks: how many, what deleting them frees at least, how many of them would stay. */
export function marksSummary(marked: readonly CheckpointNode[]): string {
  const going = marked.filter((n) => !keepReason(n));
  const stay = marked.length - going.length;
  const bytes = going.reduce((sum, n) => sum + n.used, 0);
  return `${marked.length} marked, ${freesWords(bytes, false)}${stay ? ` (${stay} would stay: held, or a branch grew from it)` : ''}`;
}

/** A delete preview as the CLI prints it: what happens to the data, then the zfs steps, every line wrapped to `width`. */
export function deletePreviewText(summary: readonly string[], actions: readonly DeleteAction[], width = 80): string[] {
  return wrapLines([...summary, '', 'zfs steps:', ...actions.map((a) => `  ${describeAction(a)}`)], width);
}

import type { PrunePlan } from '../core/ops/prune.js';
import type { DeletePlan } from '../core/ops/delete.js';
import type { ServicePreview } from '../core/ops/lifecycle.js';
import type { SnapshotBrief } from '../core/model/snapshot-brief.js';
import stringWidth from 'string-width';
import { safeText } from './safe-text.js';
import { table } from './table.js';
import { wrapLine, wrapLines } from './wrap.js';
import { GENERATED_NAME, lineTitle, shortDate } from './tree-columns.js';
import { formatAge, formatBytes, freesWords } from './units.js';
import type { RestorePlan, UndoRestorePlan } from '../core/core.js';

/*
 * The operator's summaries: what happens to the service and to the data, in that order, one stage a line (each
 * line within 80 columns: labels and names are cut to fit), before any zfs step.
 */

const THEN = '->';

/** Text cut to `n` characters, with "..." where it was cut. */
function clip(text: string, n: number): string {
  const chars = [...text];
  return chars.length > n ? `${chars.slice(0, n - 3).join('')}...` : text;
}

const serviceName = (service: ServicePreview | undefined, id: string) => clip(service?.name || id, 20);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * A checkpoint as an operator knows it: 'label' (5w ago, 46M); without a label its name, or its date when the name is
 * only the time it was made (checkpoint-1763890000 says nothing).
 */
export function checkpointWords(s: Pick<SnapshotBrief, 'name' | 'label' | 'creation'>, size: number, nowSeconds: number): string {
  const title = s.label ? `'${clip(s.label, 32)}'` : GENERATED_NAME.test(s.name) ? `the checkpoint of ${shortDate(s.creation, nowSeconds)}` : clip(s.name, 32);
  return `${title} (${formatAge(s.creation, nowSeconds)} ago, ${formatBytes(size)})`;
}

/** A destroyed checkpoint's row: its label and name, age and the space it frees. */
function destroyedRow(s: SnapshotBrief, nowSeconds: number): string {
  return `     ${s.label ? `'${clip(s.label, 24)}' ` : ''}${clip(s.name, 28)} (${formatAge(s.creation, nowSeconds)} ago, ${formatBytes(s.used)})`;
}

/** The name a kept former line goes by in a preview: 'db @ 24 Nov 01:13' (the moment it was set aside, as the tree dates it). */
export function branchWords(name: string, seconds: number, nowSeconds: number): string {
  return `'${name} @ ${shortDate(seconds, nowSeconds)}'`;
}

/** The first stage: the service shuts down (how), or is left alone. */
function serviceFirst(service: ServicePreview | undefined, name: string): string {
  if (!service) return `${name} is shut down first if it runs`;
  if (service.running) return `${name} (${service.status}) shuts down (graceful up to ${service.shutdownSeconds} s, then hard)`;
  return service.status === 'stopped' ? `${name} (stopped) is not started` : `${name} (status ${service.status}) is neither stopped nor started`;
}

/** The last stage: the service comes back (started, or its processes from a CRIU image), or stays stopped. */
function serviceLast(service: ServicePreview | undefined, name: string, image: boolean, noStart: boolean): string[] {
  const running = service?.running ?? true;
  if (noStart) return running || image ? [`${THEN} ${name} stays stopped (no start asked)`] : [];
  if (image) return [`${THEN} ${name}'s processes come back from the checkpoint's CRIU image`];
  return running ? [`${THEN} ${name} starts`] : [];
}

/**
 * A restore in the operator's words: the service's fate, the checkpoint the disk switches to (label, age, size),
 * what becomes of today's state, and for a rollback every checkpoint and branch it destroys.
 */
export function restoreSummary(plan: RestorePlan, nowSeconds: number, opts: { noStart?: boolean } = {}): string[] {
  const name = serviceName(plan.service, plan.container);
  const target = checkpointWords(plan.target, plan.target.referenced, nowSeconds);
  const last = serviceLast(plan.service, name, plan.target.image !== undefined, opts.noStart ?? false);
  if (plan.mode === 'branch') {
    return [
      serviceFirst(plan.service, name),
      `${THEN} disk switches to ${target}`,
      `${THEN} today's state kept as branch ${branchWords(name, plan.seconds, nowSeconds)}`,
      ...last,
      'nothing is destroyed: every checkpoint is kept',
    ];
  }
  const destroyed =
    plan.destroyed ??
    plan.destroysSnapshots.map((fullName) => ({ fullName, name: fullName.slice(fullName.indexOf('@') + 1), creation: nowSeconds, used: 0, referenced: 0 }));
  const rows = destroyed.map((s) => destroyedRow(s, nowSeconds));
  const freed = destroyed.reduce((n, s) => n + s.used, 0);
  return [
    serviceFirst(plan.service, name),
    `${THEN} disk goes back to ${target}`,
    `${THEN} today's state is discarded (a rollback has no undo)`,
    destroyed.length ? `${THEN} destroys ${plural(destroyed.length, 'newer checkpoint')} (${freesWords(freed, false)}):` : `${THEN} destroys no checkpoint`,
    ...rows,
    ...(plan.destroysDatasets.length ? [`${THEN} destroys ${plural(plan.destroysDatasets.length, 'branch', 'branches')} with them:`] : []),
    ...plan.destroysDatasets.map((d) => `     ${clip(d.slice(d.lastIndexOf('/') + 1), 70)}`),
    ...last,
  ];
}

/** A delete in the operator's words: the service is left alone; every checkpoint and branch it destroys; the space. */
export function deleteSummary(plan: DeletePlan, nowSeconds: number): string[] {
  const destroyed =
    plan.destroyed ??
    plan.snapshots.map((fullName) => ({ fullName, name: fullName.slice(fullName.indexOf('@') + 1), creation: nowSeconds, used: 0, referenced: 0 }));
  const resets = plan.actions.flatMap((a) => (a.kind === 'reset-branch' ? [a] : []));
  return [
    `${clip(plan.container, 20)}: the service and its live state are left alone`,
    `destroys ${plural(destroyed.length, 'checkpoint')}:`,
    ...destroyed.map((s) => destroyedRow(s, nowSeconds)),
    ...(plan.datasets.length ? [`destroys ${plural(plan.datasets.length, 'branch', 'branches')} with them:`] : []),
    ...plan.datasets.map((d) => `     ${clip(d.slice(d.lastIndexOf('/') + 1), 70)}`),
    ...resets.map((r) => `branch ${clip(r.dataset.slice(r.dataset.lastIndexOf('/') + 1), 32)} goes back to ${clip(r.to.slice(r.to.indexOf('@') + 1), 24)}`),
    freesWords(plan.usedBytes, false),
  ];
}

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

/**
 * An undo in the operator's words: the service's fate, the line the disk switches back to (set aside when, before
 * the restore to which checkpoint), what becomes of today's state.
 */
export function undoSummary(plan: UndoRestorePlan, nowSeconds: number, opts: { noStart?: boolean } = {}): string[] {
  const name = serviceName(plan.service, plan.container);
  const service = plan.service ?? { name, status: plan.running ? 'running' : 'stopped', running: plan.running, shutdownSeconds: 0 };
  const set = plan.branchedAt !== undefined ? ` set aside ${formatAge(plan.branchedAt, nowSeconds)} ago` : '';
  const from = plan.restoredFromLabel ? `'${clip(plan.restoredFromLabel, 28)}'` : plan.restoredFrom ? clip(plan.restoredFrom, 28) : undefined;
  // A switch names the branch as the tree titles it (what set it aside, and when), never by its dataset name.
  const title = plan.line ? lineTitle(plan.line, plan.lineOrigin, nowSeconds) : `branch ${plan.branch.slice(plan.branch.lastIndexOf('/') + 1)}`;
  const line = plan.chosen === 'explicit' ? `${THEN} disk switches to the branch ${title}` : `${THEN} disk switches back to the line${set}`;
  return [
    plan.service ? serviceFirst(service, name) : service.running ? `${name} (running) shuts down` : `${name} (stopped) is not started`,
    ...wrapLine(line, 80),
    ...(from && plan.chosen !== 'explicit' ? [`   (as it was before the restore to ${from})`] : []),
    plan.today === 'keep'
      ? `${THEN} today's state kept as branch ${branchWords(name, plan.seconds, nowSeconds)}`
      : `${THEN} today's state is discarded: no branch is left`,
    `   (${describeTodayChanged(plan)})`,
    ...serviceLast(service, name, false, opts.noStart ?? false),
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
 * A prune plan as the CLI prints it, every line within `width` columns: a table of each checkpoint kept or pruned
 * with its full snapshot name, label, age, space and why, when that fits; otherwise (an 80-column terminal) the short
 * names, and each reason on its own line below its row. Any line still too long (a long name) is wrapped.
 */
export function prunePlanLines(plan: PrunePlan, nowSeconds: number, width = 80): string[] {
  const summary = wrapLine(pruneSummary(plan), width);
  if (!plan.items.length) return summary;
  const cells = (i: PrunePlan['items'][number], name: string) => [
    i.action === 'prune' ? 'PRUNE' : 'keep',
    name,
    i.label ? `'${clip(i.label, 24)}'` : '',
    formatAge(i.creation, nowSeconds),
    formatBytes(i.used),
  ];
  const wide = table(
    ['', 'SNAPSHOT', 'LABEL', 'AGE', 'USED', 'WHY'],
    plan.items.map((i) => [...cells(i, i.snapshot), i.reason]),
    [3, 4],
  )
    .split('\n')
    .map((l) => `  ${l}`);
  if (wide.every((l) => stringWidth(l) <= width)) return [...summary, ...wide];
  const [header, ...rows] = table(
    ['', 'CHECKPOINT', 'LABEL', 'AGE', 'USED'],
    plan.items.map((i) => cells(i, i.name)),
    [3, 4],
  ).split('\n');
  const reasonIndent = ' '.repeat(9);
  const narrow = [`  ${header}`, ...rows.flatMap((r, n) => [`  ${r}`, `${reasonIndent}${safeText(plan.items[n]!.reason)}`])];
  return [...summary, ...wrapLines(narrow, width)];
}

/** The prune dialog's totals over the edited plans: how many go and the space they free at least (or exactly). */
export function pruneTotals(plans: readonly PrunePlan[]): string {
  const items = plans.flatMap((p) => p.items);
  const pruned = items.filter((i) => i.action === 'prune').length;
  if (!pruned) return `nothing to destroy (${plural(items.length, 'checkpoint')} kept)`;
  const bytes = plans.reduce((n, p) => n + p.reclaimBytes, 0);
  const exact = plans.every((p) => p.reclaimAccuracy === 'exact');
  return `${pruned} of ${items.length} to destroy, ${freesWords(bytes, exact)} (${exact ? 'exact, zfs destroy -nvp' : 'their own space: a lower bound'})`;
}

/**
 * One checkpoint of the prune dialog: [x] to destroy or [ ] kept, its label (marked with quotes) or name, age, size
 * and the rule's reason, cut to `width`.
 */
export function pruneItemRow(item: PrunePlan['items'][number], nowSeconds: number, width = 74): string {
  const what = item.label ? `'${clip(item.label, 20)}'` : clip(item.name, 22);
  const row = `${item.action === 'prune' ? '[x]' : '[ ]'} ${what.padEnd(22)} ${formatAge(item.creation, nowSeconds).padStart(3)} ${formatBytes(item.used).padStart(6)}  ${item.reason}`;
  return clip(row, width);
}

/** An interrupted operation's steps, each marked done, unsure (running when the process died) or pending. */
export function interruptedStepLines(e: { done: string[]; unsure: string[]; pending: string[] }): string[] {
  return [
    ...e.done.map((s) => `  done     ${s}`),
    ...e.unsure.map((s) => `  unsure   ${s} (was running when the process died)`),
    ...e.pending.map((s) => `  pending  ${s}`),
  ];
}

import { prunePlanLines } from '../../present/plans.js';
import { wrapLine } from '../../present/wrap.js';
import { freeOutcomeLine } from '../../present/space-lines.js';
import { parseHumanSize } from '../../core/tools/zfs/parse.js';
import { LxcriError, UsageError } from '../../core/errors.js';
import { safeText } from '../../present/safe-text.js';
import type { PrunePlan, PrunePolicy } from '../../core/ops/prune.js';
import type { CliEnv, CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { requireConfirmation } from '../confirm.js';

function intOption(value: unknown, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}, got '${String(value)}'`, `pass ${flag} N with N >= ${min}`);
  return n;
}

function includeOption(value: unknown): { include?: PrunePolicy['include']; labelled: boolean } {
  if (value === undefined) return { labelled: false };
  const parts = (value as string[]).flatMap((v) => v.split(','));
  for (const p of parts)
    if (p !== 'safety' && p !== 'foreign' && p !== 'labelled')
      throw new UsageError(
        `--include takes safety, foreign or labelled, got '${p}'`,
        'use --include safety, --include foreign and/or (with --free) --include labelled',
      );
  return { include: parts.filter((p) => p !== 'labelled') as PrunePolicy['include'], labelled: parts.includes('labelled') };
}

/** `--free SIZE`: bytes, or a size as zfs prints it (500M, 2G, 1.5T; K/M/G/T/P are powers of 1024). */
function freeOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const bytes = /^\d+(\.\d+)?[KMGTP]?$/i.test(text) ? parseHumanSize(text.toUpperCase()) : undefined;
  if (bytes === undefined || !Number.isSafeInteger(bytes) || bytes < 1) {
    throw new UsageError(`--free takes a size such as 500M, 2G or 1048576 (bytes), got '${String(value)}'`, 'pass --free SIZE with SIZE > 0');
  }
  return bytes;
}

function printPlan(env: CliEnv, plan: PrunePlan) {
  const width = env.width ?? 80;
  env.out(prunePlanLines(plan, env.nowSeconds(), width).join('\n'));
  if (plan.free) env.out(wrapLine(`  ${freeOutcomeLine(plan.free, plan.reclaimAccuracy)}`, width).join('\n'));
}

export const pruneCommand: CommandSpec = {
  name: 'prune',
  args: '[container...]',
  summary: 'plan and remove old checkpoints by max_snapshots / retention_days (all containers by default)',
  targets: 'all',
  options: {
    'dry-run': { type: 'boolean', description: 'show the plan only' },
    'max-snapshots': { type: 'string', value: 'N', description: 'keep at most N checkpoints per container (config: checkpoint.max_snapshots)' },
    'retention-days': { type: 'string', value: 'D', description: 'prune checkpoints older than D days, 0 = no limit (config: checkpoint.retention_days)' },
    'min-keep': { type: 'string', value: 'N', description: 'never keep fewer than N (default 1, config: checkpoint.min_keep)' },
    include: {
      type: 'string',
      multiple: true,
      value: 'safety|foreign|labelled',
      description: 'also consider pre-restore safety snapshots or snapshots not made by lxcri; with --free, labelled checkpoints too',
    },
    free: {
      type: 'string',
      value: 'SIZE',
      description: 'prune by size instead: the oldest unprotected checkpoints until they free SIZE (500M, 2G, bytes); one container',
    },
  },
  examples: ['lxcri-console prune --dry-run', 'lxcri-console prune web --max-snapshots 5 --yes', 'lxcri-console prune web --free 2G --dry-run'],
  async run(env, positionals, values) {
    const maxSnapshots = intOption(values['max-snapshots'], '--max-snapshots', 1);
    const retentionDays = intOption(values['retention-days'], '--retention-days', 0);
    const minKeep = intOption(values['min-keep'], '--min-keep', 1);
    const { include, labelled } = includeOption(values.include);
    const free = freeOption(values.free);
    if (free !== undefined) {
      if (positionals.length !== 1)
        throw new UsageError('--free takes exactly one container', 'usage: lxcri-console prune <container> --free SIZE [--dry-run]');
      if (maxSnapshots !== undefined || retentionDays !== undefined) {
        throw new UsageError('--free plans by size: --max-snapshots and --retention-days do not apply', 'leave them out, or leave out --free');
      }
    } else if (labelled) throw new UsageError('--include labelled goes with --free', 'usage: lxcri-console prune <container> --free SIZE --include labelled');
    const plans = await env.core.planPrune(positionals, {
      ...(maxSnapshots !== undefined ? { maxSnapshots } : {}),
      ...(retentionDays !== undefined ? { retentionDays } : {}),
      ...(minKeep !== undefined ? { minKeep } : {}),
      ...(include?.length ? { include } : {}),
      ...(free !== undefined ? { free, ...(labelled ? { includeLabelled: true } : {}) } : {}),
    });
    if (!env.json) plans.forEach((p) => printPlan(env, p));
    const total = plans.reduce((n, p) => n + p.items.filter((i) => i.action === 'prune').length, 0);
    if (values['dry-run'] || total === 0) {
      if (env.json) printJson(env, { plans, executed: false });
      else if (total === 0) env.out('nothing to prune');
      return;
    }
    await requireConfirmation(env, `destroy ${total} checkpoint(s)`, 'prune');
    const results = await env.core.prune(plans, true);
    if (env.json) return printJson(env, { plans, executed: true, results });
    let failed = 0;
    for (const r of results) {
      for (const item of r.results) {
        if (item.status === 'failed') failed++;
        env.out(`${item.status.padEnd(9)} ${item.snapshot}${item.error ? `: ${safeText(item.error)}` : ''}`);
      }
    }
    if (failed) throw new LxcriError('prune-partial', `${failed} checkpoint(s) could not be pruned`, 'see the lines above; the others were pruned');
  },
};

import { prunePlanLines } from '../../present/plans.js';
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

function includeOption(value: unknown): PrunePolicy['include'] | undefined {
  if (value === undefined) return undefined;
  const parts = (value as string[]).flatMap((v) => v.split(','));
  for (const p of parts)
    if (p !== 'safety' && p !== 'foreign')
      throw new UsageError(`--include takes safety or foreign, got '${p}'`, 'use --include safety and/or --include foreign');
  return parts as PrunePolicy['include'];
}

function printPlan(env: CliEnv, plan: PrunePlan) {
  env.out(prunePlanLines(plan, env.nowSeconds()).join('\n'));
}

export const pruneCommand: CommandSpec = {
  name: 'prune',
  args: '[container...]',
  summary: 'plan and remove old checkpoints by max_snapshots / retention_days (all containers by default)',
  options: {
    'dry-run': { type: 'boolean', description: 'show the plan only' },
    'max-snapshots': { type: 'string', value: 'N', description: 'keep at most N checkpoints per container (config: checkpoint.max_snapshots)' },
    'retention-days': { type: 'string', value: 'D', description: 'prune checkpoints older than D days, 0 = no limit (config: checkpoint.retention_days)' },
    'min-keep': { type: 'string', value: 'N', description: 'never keep fewer than N (default 1, config: checkpoint.min_keep)' },
    include: {
      type: 'string',
      multiple: true,
      value: 'safety|foreign',
      description: 'also consider pre-restore safety snapshots or snapshots not made by lxcri',
    },
  },
  examples: ['lxcri-console prune --dry-run', 'lxcri-console prune web --max-snapshots 5 --yes'],
  async run(env, positionals, values) {
    const maxSnapshots = intOption(values['max-snapshots'], '--max-snapshots', 1);
    const retentionDays = intOption(values['retention-days'], '--retention-days', 0);
    const minKeep = intOption(values['min-keep'], '--min-keep', 1);
    const include = includeOption(values.include);
    const plans = await env.core.planPrune(positionals, {
      ...(maxSnapshots !== undefined ? { maxSnapshots } : {}),
      ...(retentionDays !== undefined ? { retentionDays } : {}),
      ...(minKeep !== undefined ? { minKeep } : {}),
      ...(include ? { include } : {}),
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

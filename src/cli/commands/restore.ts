import { UsageError } from '../../core/errors.js';
import type { CliEnv, CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { requireConfirmation } from '../confirm.js';
import { describeRestorePlan, restoreSummary } from '../../present/plans.js';

async function run(env: CliEnv, positionals: string[], values: Record<string, unknown>) {
  const [id, extra] = positionals;
  if (!id || extra)
    throw new UsageError('restore takes exactly one container', 'usage: lxcri-console restore <container> [--snapshot NAME] [--mode branch|rollback]');
  const imageDir = values['image-path'] as string | undefined;
  if (imageDir !== undefined) {
    if (values.snapshot !== undefined || values.mode !== undefined)
      throw new UsageError(
        '--image-path restores processes only; it takes no --snapshot or --mode',
        'restore the filesystem first (restore --snapshot), then the processes with --image-path',
      );
    const r = await env.core.restoreFromImage(id, imageDir, { coldFallback: Boolean(values['cold-fallback']) });
    if (env.json) return printJson(env, r);
    return env.out(r.state === 'criu' ? `${id}: processes restored by CRIU from ${imageDir}` : `${id}: CRIU restore failed, started cold (--cold-fallback)`);
  }
  const mode = (values.mode as string | undefined) ?? 'branch';
  if (mode !== 'branch' && mode !== 'rollback')
    throw new UsageError(`--mode must be branch or rollback, got '${mode}'`, 'use --mode branch (keeps everything) or --mode rollback');
  const snapshot = values.snapshot as string | undefined;
  const plan = await env.core.planRestore(id, { mode, ...(snapshot !== undefined ? { snapshot } : {}) });
  // What happens to the service and the data first, then the zfs steps.
  const preview = [...restoreSummary(plan, env.nowSeconds(), { noStart: Boolean(values['no-start']) }), '', ...describeRestorePlan(plan)].join('\n');
  if (values['dry-run']) {
    if (env.json) return printJson(env, { plan, executed: false });
    return env.out(preview);
  }
  if (!env.json) env.out(preview);
  if (plan.mode === 'rollback') {
    await requireConfirmation(
      env,
      `discard the live state of ${id} and destroy ${plan.destroysSnapshots.length} snapshot(s) and ${plan.destroysDatasets.length} branch(es)`,
      id,
    );
  }
  const result = await env.core.restore(id, { plan, confirmed: true, noStart: Boolean(values['no-start']), coldFallback: Boolean(values['cold-fallback']) });
  if (env.json) return printJson(env, { plan, executed: true, result });
  if (result.state) env.out(result.state === 'criu' ? `${id}: processes restored by CRIU` : `${id}: CRIU restore failed, started cold (--cold-fallback)`);
  if (result.stopped)
    env.out(
      result.started
        ? `${id} was running: shut down for the restore and started again`
        : `${id} was running: shut down for the restore and left stopped (--no-start)`,
    );
  if (result.mode === 'branch') {
    env.out(`restored ${result.container} to ${result.restored}; the former line is kept as ${result.branchDataset} (live state in ${result.safetySnapshot})`);
  } else {
    env.out(`rolled ${result.container} back to ${result.restored}; destroyed ${result.destroyed.length}`);
  }
}

export const restoreCommand: CommandSpec = {
  name: 'restore',
  args: '<container>',
  summary: 'restore a checkpoint: branch mode keeps every checkpoint, rollback destroys newer ones',
  targets: 'first',
  options: {
    snapshot: { type: 'string', value: 'NAME', description: 'checkpoint to restore (default: the latest on the active line)' },
    mode: { type: 'string', value: 'branch|rollback', description: 'branch (default): clone and swap, keep all; rollback: zfs rollback -r' },
    'dry-run': { type: 'boolean', description: 'show the plan only' },
    'no-start': { type: 'boolean', description: 'leave a container that was running stopped afterwards' },
    'cold-fallback': { type: 'boolean', description: 'stateful checkpoint: start cold if the CRIU restore fails' },
    'image-path': { type: 'string', value: 'DIR', description: "bring a stopped container's processes back from this CRIU image directory" },
  },
  examples: ['lxcri-console restore web --snapshot checkpoint-1763890000', 'lxcri-console restore web --mode rollback --yes'],
  run,
};

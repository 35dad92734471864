import { UsageError } from '../../core/errors.js';
import type { CliEnv, CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { requireConfirmation } from '../confirm.js';
import { describeRestorePlan, restoreSummary } from '../../present/plans.js';
import { planRestoreOn, restoreOn } from '../../core/nodes/restore-on.js';
import { restoreOnLines } from '../../present/restore-on-lines.js';

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
  if (values.on !== undefined) return restoreOnNode(env, id, values);
  if (values.as !== undefined)
    throw new UsageError('--as names the new container of restore --on', 'usage: lxcri-console restore <container> --snapshot NAME --on NODE [--as ID]');
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

/** `restore --on`: the checkpoint as a new container on another node (replicated there first when it lacks it). */
async function restoreOnNode(env: CliEnv, id: string, values: Record<string, unknown>) {
  const usage = 'usage: lxcri-console restore <container> --snapshot NAME --on NODE [--as ID] [--no-start]';
  const snapshot = values.snapshot as string | undefined;
  if (snapshot === undefined) throw new UsageError('restore --on needs --snapshot NAME: which checkpoint to bring up there', usage);
  if (values.mode !== undefined || values['image-path'] !== undefined) throw new UsageError('restore --on takes no --mode or --image-path', usage);
  const source = env.cluster.nodes.find((n) => n.core === env.core)!;
  const as = values.as as string | undefined;
  const plan = await planRestoreOn(env.cluster, `${source.spec.name}:${id}`, snapshot, values.on as string, {
    ...(as !== undefined ? { as } : {}),
    start: !values['no-start'],
  });
  const preview = restoreOnLines(plan).join('\n');
  if (values['dry-run']) {
    if (env.json) return printJson(env, { plan, executed: false });
    return env.out(preview);
  }
  if (!env.json) env.out(preview);
  await requireConfirmation(env, `bring ${plan.snapshot} up on ${plan.to} as ${plan.id}`, plan.id);
  const result = await restoreOn(env.cluster, plan);
  if (env.json) return printJson(env, result);
  env.out(`${plan.id} on ${plan.to}: a copy of ${id} at ${plan.snapshot}${plan.copy.start && (plan.kind === 'lxc' || plan.kind === 'pct') ? ', started' : ''}`);
}

export const restoreCommand: CommandSpec = {
  name: 'restore',
  args: '<container>',
  summary: 'restore a checkpoint: branch mode keeps every checkpoint, rollback destroys newer ones',
  targets: 'first',
  crossNode: (values) => values.on !== undefined,
  options: {
    snapshot: { type: 'string', value: 'NAME', description: 'checkpoint to restore (default: the latest on the active line)' },
    mode: { type: 'string', value: 'branch|rollback', description: 'branch (default): clone and swap, keep all; rollback: zfs rollback -r' },
    'dry-run': { type: 'boolean', description: 'show the plan only' },
    'no-start': { type: 'boolean', description: 'leave a container that was running stopped afterwards' },
    'cold-fallback': { type: 'boolean', description: 'stateful checkpoint: start cold if the CRIU restore fails' },
    'image-path': { type: 'string', value: 'DIR', description: "bring a stopped container's processes back from this CRIU image directory" },
    on: { type: 'string', value: 'NODE', description: 'bring the checkpoint up on another node as a new container (the original untouched)' },
    as: { type: 'string', value: 'ID', description: 'with --on: the new container id (default: the lowest free cluster-wide)' },
  },
  examples: [
    'lxcri-console restore web --snapshot checkpoint-1763890000',
    'lxcri-console restore web --mode rollback --yes',
    'lxcri-console restore 101 --snapshot checkpoint-1763890000 --on pve2 --as 120',
  ],
  run,
};

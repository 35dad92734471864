import { UsageError } from '../../core/errors.js';
import { describeAction, type DeleteAction } from '../../core/ops/delete.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { requireConfirmation } from '../confirm.js';
import { deleteSummary } from '../../present/plans.js';
import { deleteBranchLines, deletePreviewText, deleteSetLines } from '../../present/delete-plans.js';

export const deleteCommand: CommandSpec = {
  name: 'delete',
  args: '<container> <snapshot...> | <container> --branch <dataset>',
  summary: 'delete one checkpoint (with --subtree: and everything after it), several at once, or a whole branch',
  targets: 'first',
  options: {
    subtree: { type: 'boolean', description: 'also delete every descendant checkpoint and branch dataset' },
    branch: { type: 'string', value: 'DATASET', description: 'delete this branch dataset (not the live line) with all its checkpoints' },
    'dry-run': { type: 'boolean', description: 'show what would be deleted only' },
  },
  examples: [
    'lxcri-console delete web checkpoint-1763890000',
    'lxcri-console delete web checkpoint-1763890000 --subtree --yes',
    'lxcri-console delete web checkpoint-1763890000 checkpoint-1763990000 --yes',
    'lxcri-console delete web --branch rpool/data/lxcri-br-subvol-100-disk-0-1763890000 --yes',
  ],
  async run(env, positionals, values) {
    const [id, snapshot, extra] = positionals;
    if (typeof values.branch === 'string') {
      if (values.subtree) throw new UsageError('--subtree does not go with --branch', 'a whole branch is deleted with its checkpoints: leave out --subtree');
      return deleteBranch(env, positionals, values.branch, Boolean(values['dry-run']));
    }
    if (id && snapshot && extra) {
      if (values.subtree) throw new UsageError('--subtree takes one checkpoint', 'delete several checkpoints without --subtree');
      return deleteSet(env, id, positionals.slice(1), Boolean(values['dry-run']));
    }
    if (!id || !snapshot || extra)
      throw new UsageError('delete takes a container and a snapshot', 'usage: lxcri-console delete <container> <snapshot> [--subtree]');
    const plan = await env.core.planDelete(id, snapshot, Boolean(values.subtree));
    if (!env.json) {
      // What happens to the service and the data first, then the zfs steps.
      env.out(deleteSummary(plan, env.nowSeconds()).join('\n'));
      env.out(`\ndelete from ${id}:`);
      for (const a of plan.actions) env.out(`  ${describeAction(a)}`);
    }
    if (values['dry-run']) return env.json ? printJson(env, { plan, executed: false }) : undefined;
    await requireConfirmation(env, `destroy ${plan.snapshots.length} snapshot(s) and ${plan.datasets.length} branch(es) of ${id}`, id);
    const result = await env.core.delete(id, snapshot, { subtree: Boolean(values.subtree), confirmed: true });
    if (env.json) printJson(env, { plan, executed: true, result });
    else env.out(`deleted ${result.deleted.length} snapshot(s)${result.datasets.length ? ` and ${result.datasets.length} branch(es)` : ''}`);
  },
};

type Env = Parameters<CommandSpec['run']>[0];

async function deleteBranch(env: Env, positionals: string[], dataset: string, dryRun: boolean): Promise<void> {
  const [id, extra] = positionals;
  if (!id || extra) throw new UsageError('delete --branch takes a container and no snapshot', 'usage: lxcri-console delete <container> --branch <dataset>');
  const plan = await env.core.planDeleteBranch(id, dataset);
  if (!env.json) printPreview(env, deleteBranchLines(plan, env.nowSeconds()), plan.actions);
  if (dryRun) return env.json ? printJson(env, { plan, executed: false }) : undefined;
  await requireConfirmation(env, `destroy branch ${dataset} of ${id} with ${plan.snapshots.length} checkpoint(s)`, id);
  const result = await env.core.deleteBranch(id, dataset, { confirmed: true });
  if (env.json) printJson(env, { plan, executed: true, result });
  else env.out(`deleted branch ${result.dataset} and its ${result.deleted.length} checkpoint(s)`);
}

async function deleteSet(env: Env, id: string, snapshots: string[], dryRun: boolean): Promise<void> {
  const plan = await env.core.planDeleteSet(id, snapshots);
  if (!env.json) printPreview(env, deleteSetLines(plan, env.nowSeconds()), plan.actions);
  if (dryRun) return env.json ? printJson(env, { plan, executed: false }) : undefined;
  if (!plan.deletes.length) throw new UsageError(`none of these checkpoints of ${id} can be deleted`, 'see why above');
  await requireConfirmation(env, `destroy ${plan.deletes.length} checkpoint(s) of ${id}`, id);
  const result = await env.core.deleteSet(id, snapshots, { plan, confirmed: true });
  if (env.json) printJson(env, { plan, executed: true, result });
  else env.out(`deleted ${result.deleted.length} checkpoint(s)`);
}

/** What happens to the data first, then the zfs steps (the console shows those on `v`). */
function printPreview(env: Env, summary: string[], actions: readonly DeleteAction[]): void {
  env.out(deletePreviewText(summary, actions, env.width ?? 80).join('\n'));
}

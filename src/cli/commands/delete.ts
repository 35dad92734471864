import { UsageError } from '../../core/errors.js';
import { describeAction } from '../../core/ops/delete.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { requireConfirmation } from '../confirm.js';
import { deleteSummary } from '../../present/plans.js';

export const deleteCommand: CommandSpec = {
  name: 'delete',
  args: '<container> <snapshot>',
  summary: 'delete one checkpoint, or with --subtree it and everything after it (branches included)',
  options: {
    subtree: { type: 'boolean', description: 'also delete every descendant checkpoint and branch dataset' },
    'dry-run': { type: 'boolean', description: 'show what would be deleted only' },
  },
  examples: ['lxcri-console delete web checkpoint-1763890000', 'lxcri-console delete web checkpoint-1763890000 --subtree --yes'],
  async run(env, positionals, values) {
    const [id, snapshot, extra] = positionals;
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

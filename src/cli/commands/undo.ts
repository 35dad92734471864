import { UsageError } from '../../core/errors.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { requireConfirmation } from '../confirm.js';
import { describeTodayChanged, describeUndoPlan, undoSummary } from '../../present/plans.js';

export const undoCommand: CommandSpec = {
  name: 'undo',
  args: '<container>',
  summary: "undo the last branch restore: the former line becomes the live one again, today's state is kept as a branch",
  targets: 'first',
  options: {
    branch: { type: 'string', value: 'DATASET', description: 'switch to this branch of the container instead of the line the last restore set aside' },
    discard: { type: 'boolean', description: "destroy today's state instead of keeping it as a branch (only the changes since the restore)" },
    keep: { type: 'boolean', description: "keep today's state as a branch even when it is unchanged" },
    'dry-run': { type: 'boolean', description: 'show the plan only' },
    'no-start': { type: 'boolean', description: 'leave a container that was running stopped afterwards' },
  },
  examples: ['lxcri-console undo web --dry-run', 'lxcri-console undo web --discard --yes', 'lxcri-console undo web --branch tank/ct/lxcri-br-web-1763890000'],
  async run(env, positionals, values) {
    const [id, extra] = positionals;
    if (!id || extra) throw new UsageError('undo takes exactly one container', 'usage: lxcri-console undo <container> [--branch DATASET] [--discard]');
    if (values.discard && values.keep) throw new UsageError('--discard and --keep exclude each other', "choose what becomes of today's state");
    const branch = values.branch as string | undefined;
    const today = values.discard ? 'discard' : values.keep ? 'keep' : undefined;
    const plan = await env.core.planUndoRestore(id, { ...(branch !== undefined ? { branch } : {}), ...(today ? { today } : {}) });
    // What happens to the service and the data first, then the zfs steps.
    const preview = [...undoSummary(plan, env.nowSeconds(), { noStart: Boolean(values['no-start']) }), '', ...describeUndoPlan(plan)].join('\n');
    if (values['dry-run']) {
      if (env.json) return printJson(env, { plan, executed: false });
      return env.out(preview);
    }
    if (!env.json) env.out(preview);
    if (plan.today === 'discard' && plan.todayChanged !== false) {
      await requireConfirmation(env, `discard today's state of ${id} (${describeTodayChanged(plan)})`, id);
    }
    const result = await env.core.undoRestore(id, { plan, confirmed: true, noStart: Boolean(values['no-start']) });
    if (env.json) return printJson(env, { plan, executed: true, result });
    if (result.stopped)
      env.out(result.started ? `${id} was running: shut down for the switch and started again` : `${id} was running: shut down and left stopped (--no-start)`);
    const fate = result.todayBranch
      ? `today's state is kept as ${result.todayBranch}`
      : result.leftover
        ? `today's state could not be destroyed: remove ${result.leftover} with \`zfs destroy ${result.leftover}\``
        : "today's state was discarded";
    env.out(`${result.container} is back on ${result.dataset} (the line that was ${result.branch}); ${fate}`);
  },
};

import { UsageError } from '../../core/errors.js';
import { replicationTarget } from '../../core/nodes/transfer.js';
import { blocks } from '../../core/ops/replicate.js';
import { moveLines } from '../../present/move-lines.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { requireConfirmation } from '../confirm.js';

export const moveCommand: CommandSpec = {
  name: 'move',
  args: '<container> --to <node>',
  summary: 'move a container to another node with its whole checkpoint tree: pre-copy while it runs, a short stop, start there, then remove it here',
  targets: 'first',
  crossNode: true,
  options: {
    to: { type: 'string', value: 'NODE', description: 'the node it moves to' },
    'keep-source': { type: 'boolean', description: 'keep it on this node (stopped) after the move' },
    'dry-run': { type: 'boolean', description: 'show the pre-flight table and the plan only' },
  },
  examples: ['lxcri-console move 101 --to pve2 --dry-run', 'lxcri-console move pve1:101 --to pve2 --yes'],
  async run(env, positionals, values) {
    const [id, extra] = positionals;
    const usage = 'usage: lxcri-console move <container> --to <node> [--keep-source] [--dry-run]';
    if (!id || extra) throw new UsageError('move takes exactly one container', usage);
    const to = values.to as string | undefined;
    if (!to) throw new UsageError('move needs --to <node>', usage);
    const source = env.cluster.nodes.find((n) => n.core === env.core);
    if (!source) throw new UsageError(`move needs the cluster's nodes`, 'set nodes in the config (or run on a Proxmox cluster node)');
    const target = replicationTarget(env.cluster, source, env.cluster.node(to));
    const keepSource = Boolean(values['keep-source']);
    const preview = await env.core.move(id, target, { dryRun: true, keepSource });
    if (values['dry-run']) {
      if (env.json) return printJson(env, preview);
      return env.out(moveLines(preview.plan).join('\n'));
    }
    if (!env.json) env.out(moveLines(preview.plan).join('\n'));
    const failed = preview.plan.preflight.filter(blocks);
    // A failed pre-flight is refused by the core with every reason; no confirmation is asked for a plan that cannot run.
    if (!failed.length) {
      await requireConfirmation(env, `move ${id} to ${to}${keepSource ? '' : ` and remove it from ${preview.plan.from}`}`, id);
    }
    const result = await env.core.move(id, target, { keepSource });
    if (env.json) return printJson(env, result);
    env.out(`moved ${id} to ${result.plan.to}${keepSource ? ` (kept, stopped, on ${result.plan.from})` : ''}`);
  },
};

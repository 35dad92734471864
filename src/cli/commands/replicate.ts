import { UsageError } from '../../core/errors.js';
import { replicationTarget } from '../../core/nodes/transfer.js';
import { replicationLines } from '../../present/replication-lines.js';
import { formatBytes } from '../../present/units.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';

export const replicateCommand: CommandSpec = {
  name: 'replicate',
  args: '<container> --to <node>',
  summary: "copy a container's whole checkpoint tree (every line and branch) to another node, as a read-only replica",
  targets: 'first',
  options: {
    to: { type: 'string', value: 'NODE', description: 'the node that gets the replica' },
    'dry-run': { type: 'boolean', description: 'show the plan only' },
  },
  examples: ['lxcri-console replicate 101 --to pve2 --dry-run', 'lxcri-console replicate pve1:101 --to pve2'],
  async run(env, positionals, values) {
    const [id, extra] = positionals;
    if (!id || extra) throw new UsageError('replicate takes exactly one container', 'usage: lxcri-console replicate <container> --to <node>');
    const to = values.to as string | undefined;
    if (!to) throw new UsageError('replicate needs --to <node>', 'usage: lxcri-console replicate <container> --to <node>');
    const source = env.cluster.nodes.find((n) => n.core === env.core);
    if (!source) throw new UsageError(`replicate needs the cluster's nodes`, 'set nodes in the config (or run on a Proxmox cluster node)');
    const target = replicationTarget(env.cluster, source, env.cluster.node(to));
    const preview = await env.core.replicate(id, target, { dryRun: true });
    if (values['dry-run']) {
      if (env.json) return printJson(env, preview);
      return env.out(replicationLines(id, preview.from, preview.to, preview.plan).join('\n'));
    }
    if (!env.json) env.out(replicationLines(id, preview.from, preview.to, preview.plan).join('\n'));
    const result = await env.core.replicate(id, target);
    if (env.json) return printJson(env, result);
    const sent =
      result.bytes !== undefined ? `${formatBytes(result.bytes)} sent` : `~${formatBytes(result.plan.bytes)} sent straight from ${result.from} to ${result.to}`;
    env.out(`replicated ${id} to ${result.to}: ${result.plan.steps.length} step(s), ${sent}`);
  },
};

import { RefusedError, UsageError } from '../../core/errors.js';
import { NodeUnreachableError } from '../../core/nodes/ssh-runner.js';
import type { Core } from '../../core/core.js';
import { replicationTarget } from '../../core/nodes/transfer.js';
import type { ReplicationResult } from '../../core/ops/replicate.js';
import { replicationLines } from '../../present/replication-lines.js';
import { formatBytes } from '../../present/units.js';
import type { CliEnv, CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';

const USAGE = 'usage: lxcri-console replicate <container>... --to <node>, or replicate --all --to <node> [--node NAME]';

export const replicateCommand: CommandSpec = {
  name: 'replicate',
  args: '<container>... --to <node> | --all --to <node>',
  summary: "copy a container's whole checkpoint tree (every line and branch) to another node, as a read-only replica",
  // Containers named: their node; --all: every container of --node (or this machine's node).
  targets: (positionals) => (positionals.length ? 'all' : 'node'),
  crossNode: true,
  options: {
    to: { type: 'string', value: 'NODE', description: 'the node that gets the replica' },
    all: { type: 'boolean', description: 'every container of the node that has a ZFS dataset (from cron: one run for a whole node)' },
    'dry-run': { type: 'boolean', description: 'show the plan only' },
  },
  examples: [
    'lxcri-console replicate 101 --to pve2 --dry-run',
    'lxcri-console replicate pve1:101 --to pve2',
    'lxcri-console replicate --all --node pve1 --to pve2',
  ],
  async run(env, positionals, values) {
    const to = values.to as string | undefined;
    if (!to) throw new UsageError('replicate needs --to <node>', USAGE);
    if (values.all && positionals.length) throw new UsageError('replicate takes containers or --all, not both', USAGE);
    if (!values.all && !positionals.length) throw new UsageError('replicate needs a container (or --all for every one of the node)', USAGE);
    const source = env.cluster.nodes.find((n) => n.core === env.core);
    if (!source) throw new UsageError(`replicate needs the cluster's nodes`, 'set nodes in the config (or run on a Proxmox cluster node)');
    if (to === source.spec.name) throw new UsageError(`--to ${to} is the node they are on`, 'name another node with --to');
    const target = replicationTarget(env.cluster, source, env.cluster.node(to));
    if (!values.all && positionals.length === 1) {
      const result = await replicateOne(env, env.core, positionals[0]!, target, Boolean(values['dry-run']));
      if (env.json) printJson(env, result);
      return;
    }
    const dryRun = Boolean(values['dry-run']);
    // Refused once, not once a container.
    if (env.core.ctx.readOnly && !dryRun)
      throw new RefusedError(`read-only session: replication to ${to} was not run`, 'nothing was changed; run it without --read-only');
    const ids = values.all ? await replicable(env.core) : positionals;
    // One after another (one stream at a time on the link), each on its own: a failure is said and the next goes on,
    // but a target that does not answer ends the run (the others would each wait for its timeout).
    const outcomes: Array<{ container: string; ok: boolean; result?: ReplicationResult; error?: string }> = [];
    let gone: string | undefined;
    for (const id of ids) {
      if (gone) {
        outcomes.push({ container: id, ok: false, error: `not tried: ${gone}` });
        continue;
      }
      try {
        outcomes.push({ container: id, ok: true, result: await replicateOne(env, env.core, id, target, dryRun) });
      } catch (error) {
        const message = (error as Error).message;
        outcomes.push({ container: id, ok: false, error: message });
        env.warn(`replication of ${id} to ${to} failed: ${message}`);
        if (error instanceof NodeUnreachableError) gone = message;
      }
    }
    const failed = outcomes.filter((o) => !o.ok);
    const done = ids.length - failed.length;
    if (env.json) printJson(env, { from: source.spec.name, to, containers: outcomes });
    else if (!dryRun) env.out(`${done} of ${ids.length} container(s) replicated to ${to}`);
    if (!failed.length) return;
    // Said here rather than thrown: with --json the one document above already has every outcome.
    env.warn(`error: ${failed.length} of ${ids.length} replication(s) to ${to} failed: ${failed.map((f) => f.container).join(', ')}`);
    const rest = dryRun ? 'nothing was sent' : done ? 'the others were replicated' : 'none was replicated';
    env.warn(`hint: ${rest}; the reasons are above${gone ? ` (${to} stopped answering)` : ''}; run it again for the failed ones`);
    return 1;
  },
};

/** The plan, then (unless a dry run) the replication: the lines a person reads, or nothing with --json. */
async function replicateOne(env: CliEnv, core: Core, id: string, target: ReturnType<typeof replicationTarget>, dryRun: boolean) {
  const preview = await core.replicate(id, target, { dryRun: true });
  if (!env.json) env.out(replicationLines(id, preview.from, preview.to, preview.plan).join('\n'));
  if (dryRun) return preview;
  const result = await core.replicate(id, target);
  if (!env.json) {
    const sent =
      result.bytes !== undefined ? `${formatBytes(result.bytes)} sent` : `~${formatBytes(result.plan.bytes)} sent straight from ${result.from} to ${result.to}`;
    env.out(`replicated ${id} to ${result.to}: ${result.plan.steps.length} step(s), ${sent}`);
  }
  return result;
}

/** Every container of the node with a ZFS dataset, in id order (one without has nothing to replicate). */
async function replicable(core: Core): Promise<string[]> {
  const world = await core.refresh();
  return world.containers.filter((c) => c.dataset !== undefined).map((c) => c.id);
}

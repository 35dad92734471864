import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { nodeJson, readEveryNode } from '../cluster-read.js';
import { table } from '../../present/table.js';
import { formatAge, formatBytes } from '../../present/units.js';

export const listCommand: CommandSpec = {
  name: 'list',
  args: '',
  summary: 'containers with their datasets, checkpoint counts and space (every node of the cluster)',
  targets: 'cluster',
  options: {},
  examples: ['lxcri-console list', 'lxcri-console list --json', 'lxcri-console list --node pve2'],
  async run(env) {
    const { view } = await readEveryNode(env, (core) => core.refresh());
    const first = [...view.worlds.values()][0]!;
    const several = env.cluster.nodes.length > 1;
    if (env.json) {
      printJson(env, {
        base: first.base,
        flavour: first.capabilities.flavour,
        zfsVersion: first.capabilities.version,
        nodes: view.nodes.map(nodeJson),
        containers: view.containers.map((c) => ({ ...c.summary, node: c.node, ref: c.ref })),
      });
      return;
    }
    if (!view.containers.length) {
      env.out(`no containers found (no Proxmox or LXC containers, no LXCRI state, nothing under ${first.base})`);
      return;
    }
    const now = env.nowSeconds();
    env.out(
      table(
        [
          'ID',
          ...(several ? ['NODE'] : []),
          'NAME',
          'STATUS',
          'LOCK',
          'SOURCE',
          'DATASET',
          'CHECKPOINTS',
          'SAFETY',
          'FOREIGN',
          'BRANCHES',
          'SNAP USED',
          'USED',
          'LATEST',
        ],
        view.containers.map(({ summary: c, ref, node }) => [
          ref,
          ...(several ? [node] : []),
          c.name,
          c.status,
          c.lock ?? '-',
          c.sources.join(','),
          c.dataset && !c.reason ? c.dataset : `(none: ${c.reason ?? c.error ?? 'unknown'})`,
          String(c.checkpoints),
          String(c.safety),
          String(c.foreign),
          String(c.branches),
          formatBytes(c.usedBySnapshots),
          formatBytes(c.used),
          c.latestCheckpoint ? `${formatAge(c.latestCheckpoint.creation, now)} ago` : '-',
        ]),
        several ? [7, 8, 9, 10, 11, 12] : [6, 7, 8, 9, 10, 11],
      ),
    );
    // Each node's ZFS flavour (what it can do), or why it did not answer.
    if (several) {
      env.out('');
      env.out(
        table(
          ['NODE', 'STATE', 'ZFS'],
          view.nodes.map((n) => [
            n.name,
            n.reachable ? 'reachable' : 'unreachable',
            n.reachable ? `${n.flavour ?? '?'} ${n.version ?? ''}`.trim() : (n.error ?? '-'),
          ]),
        ),
      );
    }
  },
};

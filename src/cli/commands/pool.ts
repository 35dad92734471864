import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { nodeJson, readEveryNode } from '../cluster-read.js';
import { table } from '../../present/table.js';
import { formatBytes } from '../../present/units.js';

export const poolCommand: CommandSpec = {
  name: 'pool',
  args: '',
  summary: 'pool health, capacity (warning at 80 %, critical at 95 %) and space per container',
  targets: 'cluster',
  options: {},
  examples: ['lxcri-console pool', 'lxcri-console pool --json', 'lxcri-console pool --node pve2'],
  async run(env) {
    const { results, view } = await readEveryNode(env, (core) => core.pools());
    const several = env.cluster.nodes.length > 1;
    const pools = env.cluster.nodes.flatMap((n) => (results.get(n.spec.name) ?? []).map((p) => ({ ...p, node: n.spec.name })));
    if (env.json) return printJson(env, { nodes: view.nodes.map(nodeJson), pools });
    if (!pools.length) return env.out('no ZFS pools found (`zpool list` shows none): import or create a pool, or start ZFS');
    for (const p of pools) {
      const approx = p.approximate ? '~' : '';
      const frag = p.fragmentation !== undefined ? `, fragmentation ${p.fragmentation}%` : '';
      env.out(
        `${several ? `${p.node}:` : ''}${p.name}  ${p.health}  ${p.capacity}% used (${approx}${formatBytes(p.allocated)} of ${approx}${formatBytes(p.size)}, ${approx}${formatBytes(p.free)} free${frag})  [${p.level.toUpperCase()}]`,
      );
      for (const w of p.warnings) env.out(`  warning: ${w}`);
      if (p.containers.length) {
        env.out(
          table(
            ['CONTAINER', 'USED', 'BY SNAPSHOTS', 'BY DATASET', 'CHECKPOINTS'],
            p.containers.map((c) => [c.id, formatBytes(c.used), formatBytes(c.usedBySnapshots), formatBytes(c.usedByDataset), String(c.checkpoints)]),
            [1, 2, 3, 4],
          )
            .split('\n')
            .map((l) => '  ' + l)
            .join('\n'),
        );
      }
    }
  },
};

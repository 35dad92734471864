import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { table } from '../../present/table.js';
import { formatAge, formatBytes } from '../../present/units.js';

export const listCommand: CommandSpec = {
  name: 'list',
  args: '',
  summary: 'containers with their datasets, checkpoint counts and space',
  options: {},
  examples: ['lxcri-console list', 'lxcri-console list --json'],
  async run(env) {
    const world = await env.core.refresh();
    if (env.json) {
      printJson(env, { base: world.base, flavour: world.capabilities.flavour, zfsVersion: world.capabilities.version, containers: world.containers });
      return;
    }
    if (!world.containers.length) {
      env.out(`no containers found (no Proxmox or LXC containers, no LXCRI state, nothing under ${world.base})`);
      return;
    }
    const now = env.nowSeconds();
    env.out(
      table(
        ['ID', 'NAME', 'STATUS', 'LOCK', 'SOURCE', 'DATASET', 'CHECKPOINTS', 'SAFETY', 'FOREIGN', 'BRANCHES', 'SNAP USED', 'USED', 'LATEST'],
        world.containers.map((c) => [
          c.id,
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
        [6, 7, 8, 9, 10, 11],
      ),
    );
  },
};

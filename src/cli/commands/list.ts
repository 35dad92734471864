import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { table } from '../format/table.js';
import { formatAge, formatBytes } from '../format/units.js';

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
      env.out(`no containers under ${world.base} (create datasets there, or set zfs.base_dataset in the config)`);
      return;
    }
    const now = env.nowSeconds();
    env.out(
      table(
        ['ID', 'DATASET', 'CHECKPOINTS', 'SAFETY', 'FOREIGN', 'BRANCHES', 'SNAP USED', 'USED', 'LATEST'],
        world.containers.map((c) => [
          c.id, c.dataset, String(c.checkpoints), String(c.safety), String(c.foreign), String(c.branches),
          formatBytes(c.usedBySnapshots), formatBytes(c.used),
          c.latestCheckpoint ? `${formatAge(c.latestCheckpoint.creation, now)} ago` : '-',
        ]),
        [2, 3, 4, 5, 6, 7],
      ),
    );
  },
};

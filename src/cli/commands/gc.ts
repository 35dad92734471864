import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { formatBytes } from '../format/units.js';

export const gcCommand: CommandSpec = {
  name: 'gc',
  args: '',
  summary: 'clean the CRIU image store: incomplete dumps and images whose snapshot is gone',
  options: {},
  examples: ['lxcri-console gc'],
  async run(env) {
    const removed = await env.core.gc();
    if (env.json) return printJson(env, { removed });
    if (!removed.length) return env.out('nothing to collect');
    for (const r of removed) env.out(`removed ${r.dir}: ${r.why}${r.bytes ? ` (${formatBytes(r.bytes)})` : ''}`);
  },
};

import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';

export const checkpointCommand: CommandSpec = {
  name: 'checkpoint',
  args: '<container...>',
  summary: 'snapshot one or more containers (several at once: atomic where ZFS allows)',
  options: { label: { type: 'string', value: 'TEXT', description: 'a label stored on the snapshot (lxcri:label)' } },
  examples: ['lxcri-console checkpoint web --label "before upgrade"', 'lxcri-console checkpoint web db'],
  async run(env, positionals, values) {
    const label = values.label as string | undefined;
    const result = await env.core.checkpoint(positionals, label !== undefined ? { label } : {});
    if (env.json) return printJson(env, result);
    for (const c of result.checkpoints) env.out(`created ${c.snapshot}${c.label ? `  "${c.label}"` : ''}`);
    if (result.checkpoints.length > 1) env.out(result.atomic ? `atomic: one zfs snapshot call (${result.method})` : `warning: ${result.note}`);
  },
};

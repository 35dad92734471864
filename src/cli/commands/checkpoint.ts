import { UsageError } from '../../core/errors.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';

export const checkpointCommand: CommandSpec = {
  name: 'checkpoint',
  args: '<container...>',
  summary: 'snapshot one or more containers (several at once: atomic where ZFS allows)',
  options: {
    label: { type: 'string', value: 'TEXT', description: 'a label stored on the snapshot (lxcri:label)' },
    stateful: { type: 'boolean', description: 'also save the running container\'s memory with CRIU (one container)' },
  },
  examples: ['lxcri-console checkpoint web --label "before upgrade"', 'lxcri-console checkpoint web db'],
  async run(env, positionals, values) {
    const label = values.label as string | undefined;
    if (values.stateful) {
      if (positionals.length !== 1) throw new UsageError('--stateful takes exactly one container', 'usage: lxcri-console checkpoint <container> --stateful');
      const r = await env.core.checkpointStateful(positionals[0]!, label !== undefined ? { label } : {});
      if (env.json) return printJson(env, r);
      if (r.warning) env.out(`warning: ${r.warning}`);
      env.out(`created ${r.snapshot ?? r.checkpointId} with CRIU image ${r.image} (${r.manifest.compressed_size} bytes, sha256 ${r.manifest.sha256.slice(0, 12)}…)`);
      return;
    }
    const result = await env.core.checkpoint(positionals, label !== undefined ? { label } : {});
    if (env.json) return printJson(env, result);
    for (const c of result.checkpoints) env.out(`created ${c.snapshot}${c.label ? `  "${c.label}"` : ''}`);
    if (result.checkpoints.length > 1) env.out(result.atomic ? `atomic: one zfs snapshot call (${result.method})` : `warning: ${result.note}`);
  },
};

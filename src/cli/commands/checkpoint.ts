import { UsageError } from '../../core/errors.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { formatBytes } from '../../present/units.js';
import { safeText } from '../../present/safe-text.js';

export const checkpointCommand: CommandSpec = {
  name: 'checkpoint',
  args: '<container...>',
  summary: 'snapshot one or more containers (several at once: atomic where ZFS allows)',
  targets: 'all',
  options: {
    label: { type: 'string', value: 'TEXT', description: 'a label stored on the snapshot (lxcri:label)' },
    stateful: { type: 'boolean', description: "also save the running container's memory with CRIU (one container)" },
    'image-path': { type: 'string', value: 'DATASET', description: 'snapshot this dataset for the container instead of the one its config gives' },
  },
  examples: [
    'lxcri-console checkpoint web --label "before upgrade"',
    'lxcri-console checkpoint web db',
    'lxcri-console checkpoint --image-path tank/images/web web',
  ],
  async run(env, positionals, values) {
    const label = values.label as string | undefined;
    if (values.stateful) {
      if (positionals.length !== 1) throw new UsageError('--stateful takes exactly one container', 'usage: lxcri-console checkpoint <container> --stateful');
      const r = await env.core.checkpointStateful(positionals[0]!, label !== undefined ? { label } : {});
      if (env.json) return printJson(env, r);
      if (r.warning) env.out(`warning: ${r.warning}`);
      env.out(
        `created ${r.snapshot ?? r.checkpointId} with CRIU image ${r.image} (${r.manifest.compressed_size} bytes, sha256 ${r.manifest.sha256.slice(0, 12)}…)`,
      );
      return;
    }
    const dataset = values['image-path'] as string | undefined;
    if (dataset !== undefined && values.stateful)
      throw new UsageError('--image-path and --stateful cannot be combined', "take the stateful checkpoint of the container's own dataset");
    const result = await env.core.checkpoint(positionals, { ...(label !== undefined ? { label } : {}), ...(dataset !== undefined ? { dataset } : {}) });
    if (env.json) return printJson(env, result);
    for (const c of result.checkpoints) env.out(`created ${c.snapshot}${c.label ? `  "${safeText(c.label)}"` : ''}`);
    if (result.checkpoints.length > 1) env.out(result.atomic ? `atomic: one zfs snapshot call (${result.method})` : `warning: ${result.note}`);
    for (const p of result.autoCleanup ?? []) {
      const gone = p.results.filter((r) => r.status === 'destroyed').length;
      const failed = p.results.filter((r) => r.status === 'failed');
      env.out(
        `auto cleanup (checkpoint.auto_cleanup) of ${p.container}: pruned ${gone} checkpoint(s), ~${formatBytes(p.reclaimBytes)} freed${failed.length ? `; ${failed.length} failed: ${failed.map((f) => `${f.snapshot} (${safeText(f.error ?? '')})`).join(', ')}` : ''}`,
      );
    }
  },
};

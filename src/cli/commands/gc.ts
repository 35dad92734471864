import { UsageError } from '../../core/errors.js';
import { DEFAULT_RETENTION_HOURS } from '../../core/criu/gc.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { formatBytes } from '../../present/units.js';

function retentionOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d{1,9}$/.test(text)) {
    throw new UsageError(
      `--retention-hours must be an integer >= 0, got ${JSON.stringify(text)}`,
      `pass --retention-hours N with N >= 0 (default ${DEFAULT_RETENTION_HOURS})`,
    );
  }
  return Number(text);
}

export const gcCommand: CommandSpec = {
  name: 'gc',
  args: '',
  summary: "clean the CRIU image store: incomplete dumps, dead writers' leftovers, images whose snapshot is gone",
  options: {
    'retention-hours': {
      type: 'string',
      value: 'N',
      description: `keep images whose snapshot is gone, and directories still being written, for N hours (default ${DEFAULT_RETENTION_HOURS})`,
    },
  },
  examples: ['lxcri-console gc', 'lxcri-console gc --retention-hours 0'],
  async run(env, _positionals, values) {
    const retentionHours = retentionOption(values['retention-hours']);
    const result = await env.core.gc(retentionHours !== undefined ? { retentionHours } : {});
    if (env.json) return printJson(env, result);
    if (!result.removed.length && !result.kept.length) return env.out('nothing to collect');
    for (const r of result.removed) env.out(`removed ${r.dir}: ${r.why}${r.bytes ? ` (${formatBytes(r.bytes)})` : ''}`);
    for (const k of result.kept) env.out(`kept ${k.dir}: ${k.why}`);
  },
};

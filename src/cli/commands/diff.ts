import { UsageError } from '../../core/errors.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { diffLines } from '../../present/file-diff.js';

export const diffCommand: CommandSpec = {
  name: 'diff',
  args: '<container> <A> [<B>|NOW]',
  summary: 'what changed in the files from checkpoint A to B (default: the live state); across branches, both sides from their merge base',
  targets: 'first',
  options: {
    content: { type: 'boolean', description: 'also compare the bytes of files whose size and times match (reads them)' },
  },
  examples: ['lxcri-console diff web checkpoint-1763890000', 'lxcri-console diff web checkpoint-1763890000 checkpoint-1763990000 --json'],
  async run(env, positionals, values) {
    const [id, from, to, extra] = positionals;
    if (!id || !from || extra) throw new UsageError('diff takes a container and one or two checkpoints', 'usage: lxcri-console diff <container> <A> [<B>|NOW]');
    const r = await env.core.diff(id, from, to, { content: Boolean(values.content) });
    if (env.json) return printJson(env, r);
    env.out(diffLines(r).join('\n'));
  },
};

import { UsageError } from '../../core/errors.js';
import type { CliEnv, CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { diffLines } from '../../present/file-diff.js';
import { safeText } from '../../present/safe-text.js';
import { textDiffLines } from '../../present/text-diff.js';
import { paintDiffLine } from '../paint.js';

/** `--file`: one file's unified diff, coloured on a terminal; JSON gives its hunks. */
async function fileDiff(env: CliEnv, id: string, from: string, to: string | undefined, file: string): Promise<void> {
  const d = await env.core.diffFile(id, from, to, file);
  if (env.json) return printJson(env, d);
  const lines = textDiffLines(d);
  if (env.color && env.outPainted) return env.outPainted(lines.map((l) => paintDiffLine(l.kind, safeText(l.text))).join('\n'));
  env.out(lines.map((l) => l.text).join('\n'));
}

export const diffCommand: CommandSpec = {
  name: 'diff',
  args: '<container> <A> [<B>|NOW]',
  summary: 'what changed in the files from checkpoint A to B (default: the live state); across branches, both sides from their merge base',
  targets: 'first',
  options: {
    content: { type: 'boolean', description: 'also compare the bytes of files whose size and times match (reads them)' },
    file: { type: 'string', value: 'PATH', description: "one file's text as a unified diff (a text file up to 256 KiB); --json gives its hunks" },
  },
  examples: [
    'lxcri-console diff web checkpoint-1763890000',
    'lxcri-console diff web checkpoint-1763890000 checkpoint-1763990000 --json',
    'lxcri-console diff web checkpoint-1763890000 NOW --file /etc/nginx/nginx.conf',
  ],
  async run(env, positionals, values) {
    const [id, from, to, extra] = positionals;
    if (!id || !from || extra) throw new UsageError('diff takes a container and one or two checkpoints', 'usage: lxcri-console diff <container> <A> [<B>|NOW]');
    if (typeof values.file === 'string') {
      if (values.content) throw new UsageError('--content does not go with --file', '--file compares the one file by its text already');
      return fileDiff(env, id, from, to, values.file);
    }
    const r = await env.core.diff(id, from, to, { content: Boolean(values.content) });
    if (env.json) return printJson(env, r);
    env.out(diffLines(r).join('\n'));
  },
};

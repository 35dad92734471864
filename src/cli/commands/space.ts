import { UsageError } from '../../core/errors.js';
import { spaceRangeLines, spaceReportLines } from '../../present/space-lines.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';

export const spaceCommand: CommandSpec = {
  name: 'space',
  args: '[container...]',
  summary: "where the space is: live data, checkpoints' own and shared space, branches, CRIU images, and each checkpoint's used/written/referenced",
  targets: 'all',
  options: {
    range: {
      type: 'string',
      value: 'A..B',
      description: 'what destroying the checkpoints A to B of one line would free (exact on OpenZFS, a lower bound on zfs-fuse); one container',
    },
  },
  examples: ['lxcri-console space', 'lxcri-console space web --json', 'lxcri-console space web --range checkpoint-1763890000..checkpoint-1763893600'],
  async run(env, positionals, values) {
    if (values.range !== undefined) {
      const [id, extra] = positionals;
      if (!id || extra) throw new UsageError('--range takes exactly one container', 'usage: lxcri-console space <container> --range <A>..<B>');
      const range = await env.core.spaceRange(id, values.range as string);
      if (env.json) printJson(env, range);
      else env.out(spaceRangeLines(range).join('\n'));
      return;
    }
    const report = await env.core.space(positionals);
    if (env.json) printJson(env, report);
    else env.out(spaceReportLines(report).join('\n'));
  },
};

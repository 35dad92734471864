import { UsageError } from '../../core/errors.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { listingLines } from '../../present/file-diff.js';

export const filesCommand: CommandSpec = {
  name: 'files',
  args: '<container> <checkpoint> [<path>]',
  summary: "list a directory inside a checkpoint (default: the container's root)",
  targets: 'first',
  options: {},
  examples: ['lxcri-console files web checkpoint-1763890000 /etc/nginx', 'lxcri-console files web checkpoint-1763890000 --json'],
  async run(env, positionals) {
    const [id, checkpoint, path, extra] = positionals;
    if (!id || !checkpoint || extra)
      throw new UsageError('files takes a container, a checkpoint and at most one path', 'usage: lxcri-console files <container> <checkpoint> [<path>]');
    const listing = await env.core.files(id, checkpoint, path);
    if (env.json) return printJson(env, listing);
    env.out(listingLines(listing).join('\n'));
  },
};

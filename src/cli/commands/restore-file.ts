import { UsageError } from '../../core/errors.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { requireConfirmation } from '../confirm.js';
import { restoreFileDoneLine, restoreFilePlanLines } from '../../present/file-diff.js';

export const restoreFileCommand: CommandSpec = {
  name: 'restore-file',
  args: '<container> <checkpoint> <path>',
  summary: 'copy a file or directory out of a checkpoint into the running container, keeping the current version beside it',
  targets: 'first',
  options: {
    to: { type: 'string', value: 'PATH', description: 'put the copy at this path in the container (must not exist) instead of in place' },
    'dry-run': { type: 'boolean', description: 'show what would be done only' },
    replace: { type: 'boolean', description: 'remove the current version instead of keeping it as <path>.lxcri-<unix time> (asks to confirm)' },
  },
  examples: [
    'lxcri-console restore-file web checkpoint-1763890000 /etc/nginx/nginx.conf',
    'lxcri-console restore-file web checkpoint-1763890000 /etc/nginx --to /root/nginx-before --dry-run',
  ],
  async run(env, positionals, values) {
    const [id, checkpoint, path, extra] = positionals;
    if (!id || !checkpoint || !path || extra)
      throw new UsageError(
        'restore-file takes a container, a checkpoint and a path',
        'usage: lxcri-console restore-file <container> <checkpoint> <path> [--to PATH]',
      );
    const opts = { ...(typeof values.to === 'string' ? { to: values.to } : {}), replace: Boolean(values.replace) };
    // A preview first where it is asked for, or where the restore removes something (to confirm it); a plain restore
    // keeps everything, so it runs at once and shows the plan it ran.
    const plan = values['dry-run'] || opts.replace ? await env.core.planRestoreFile(id, checkpoint, path, opts) : undefined;
    if (plan && values['dry-run']) return env.json ? printJson(env, { plan, executed: false }) : env.out(restoreFilePlanLines(plan).join('\n'));
    if (plan && !env.json) env.out(restoreFilePlanLines(plan).join('\n'));
    if (plan?.current && plan.replace)
      await requireConfirmation(env, `remove the current ${plan.dest} of ${id} and put the checkpoint's version in its place`, id);
    const result = await env.core.restoreFile(id, checkpoint, path, { ...opts, confirmed: opts.replace ? Boolean(plan?.current) : true });
    const { reports, ...ran } = result;
    if (env.json) return printJson(env, { plan: ran, executed: true, steps: reports });
    if (!plan) env.out(restoreFilePlanLines(ran).join('\n'));
    env.out(restoreFileDoneLine(result));
  },
};

import { interruptedStepLines } from '../../present/plans.js';
import { UsageError } from '../../core/errors.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { requireConfirmation } from '../confirm.js';
import { formatTime } from '../../present/units.js';

export const recoverCommand: CommandSpec = {
  name: 'recover',
  args: '[id]',
  summary: 'list operations a crash or kill left half-done; finish or undo one',
  options: {
    finish: { type: 'boolean', description: 'run the step that was in flight and the remaining ones' },
    undo: { type: 'boolean', description: 'reverse every step that was done' },
  },
  examples: ['lxcri-console recover', 'lxcri-console recover 1763890000000-4242-17 --undo --yes'],
  async run(env, positionals, values) {
    const [id, extra] = positionals;
    if (extra) throw new UsageError('recover takes at most one id', 'usage: lxcri-console recover [<id> --finish|--undo]');
    const list = await env.core.interrupted();
    if (!id) {
      if (env.json) return printJson(env, { interrupted: list });
      if (!list.length) return env.out('no interrupted operations');
      for (const e of list) {
        env.out(`${e.id}  ${e.operation} of ${e.container}, started ${formatTime(Math.floor(e.startedAt / 1000))} by pid ${e.pid} on ${e.host}`);
        for (const line of interruptedStepLines(e)) env.out(line);
        env.out(`  finish:  ${e.finish}\n  undo:    ${e.undo}`);
      }
      return;
    }
    if (Boolean(values.finish) === Boolean(values.undo)) throw new UsageError('say --finish or --undo', `usage: lxcri-console recover ${id} --finish|--undo`);
    const mode = values.finish ? 'finish' : 'undo';
    const entry = list.find((e) => e.id === id);
    if (entry && !env.json)
      env.out(
        `${mode} ${entry.operation} of ${entry.container}: ${(mode === 'finish' ? [...entry.unsure, ...entry.pending] : [...entry.unsure, ...entry.done].reverse()).join('; ') || 'nothing left'}`,
      );
    if (entry) await requireConfirmation(env, `${mode} the interrupted ${entry.operation} of ${entry.container}`, entry.container);
    const r = await env.core.recover(id, mode);
    if (env.json) return printJson(env, r);
    env.out(`${mode === 'finish' ? 'finished' : 'undid'} ${r.entry.operation} of ${r.entry.container} (${r.steps.length} step(s))`);
  },
};

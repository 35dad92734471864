import { interruptedStepLines } from '../../present/plans.js';
import { UsageError } from '../../core/errors.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { requireConfirmation } from '../confirm.js';
import { formatTime } from '../../present/units.js';

export const recoverCommand: CommandSpec = {
  name: 'recover',
  args: '[id]',
  summary: 'list operations a crash or kill left half-done (on every node); finish or undo one',
  targets: 'cluster',
  options: {
    finish: { type: 'boolean', description: 'run the step that was in flight and the remaining ones' },
    undo: { type: 'boolean', description: 'reverse every step that was done' },
  },
  examples: ['lxcri-console recover', 'lxcri-console recover 1763890000000-4242-17 --undo --yes'],
  async run(env, positionals, values) {
    const [id, extra] = positionals;
    if (extra) throw new UsageError('recover takes at most one id', 'usage: lxcri-console recover [<id> --finish|--undo]');
    // Each node keeps its own journal: every reachable node's interrupted operations, named with their node.
    const { cluster } = env;
    // A lone node's error is the command's, as before there were clusters.
    const answers = cluster.single
      ? new Map([[cluster.nodes[0]!.spec.name, await cluster.nodes[0]!.core.interrupted()]])
      : await cluster.eachNode((core) => core.interrupted(), { force: true, batched: false });
    for (const n of cluster.view().nodes) if (!answers.has(n.name)) env.warn(`warning: node ${n.name} did not answer: ${n.error ?? 'no answer'}`);
    const list = cluster.nodes.flatMap((n) =>
      (answers.get(n.spec.name) ?? []).map((e) => ({ ...e, ...(cluster.single ? {} : { node: n.spec.name }), core: n.core })),
    );
    if (!id) {
      if (env.json) return printJson(env, { interrupted: list.map(({ core: _core, ...e }) => e) });
      if (!list.length) return env.out('no interrupted operations');
      for (const e of list) {
        const where = e.node ? ` (node ${e.node})` : '';
        env.out(`${e.id}  ${e.operation} of ${e.container}${where}, started ${formatTime(Math.floor(e.startedAt / 1000))} by pid ${e.pid} on ${e.host}`);
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
    const r = await (entry?.core ?? env.core).recover(id, mode);
    if (env.json) return printJson(env, r);
    env.out(`${mode === 'finish' ? 'finished' : 'undid'} ${r.entry.operation} of ${r.entry.container} (${r.steps.length} step(s))`);
  },
};

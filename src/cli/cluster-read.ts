import { LxcriError } from '../core/errors.js';
import type { Core } from '../core/core.js';
import type { ClusterView, NodeStatus } from '../core/nodes/cluster.js';
import type { CliEnv } from './command-spec.js';
import { safeText } from '../present/safe-text.js';

type Interrupted = Awaited<ReturnType<Core['interrupted']>>[number];

/** An operation a crash or kill left half-done, reported on every start until it is finished or undone. */
export function interruptedWarning(e: Interrupted, node?: string): string {
  const where = node ? ` on node ${node}` : '';
  const recover = node ? `lxcri-console recover --node ${node}` : 'lxcri-console recover';
  return safeText(
    `warning: interrupted ${e.operation} of ${e.container}${where} (${e.done.length} of ${e.steps.length} steps done); see \`${recover}\`: ${e.finish} | ${e.undo}`,
  );
}

/** A node as `--json` shows it. */
export function nodeJson(s: NodeStatus) {
  return { name: s.name, reachable: s.reachable === true, ...(s.flavour ? { flavour: s.flavour } : {}), ...(s.error ? { error: s.error } : {}) };
}

/**
 * Runs a read on every node. A single node behaves exactly as a lone host (its error is the command's); several
 * nodes answer what they can: each one that did not is named on stderr, and only when none answered is it an error.
 * With several nodes, each node's interrupted operations (its journal) are read and warned of here, within the same
 * refresh, so they cost no round trip of their own (main.ts warns of them for every other command).
 */
export async function readEveryNode<T>(env: CliEnv, task: (core: Core) => Promise<T>): Promise<{ results: Map<string, T>; view: ClusterView }> {
  const { cluster } = env;
  if (cluster.single) {
    const node = cluster.nodes[0]!;
    const value = await task(node.core);
    cluster.status.set(node.spec.name, {
      ...cluster.status.get(node.spec.name)!,
      reachable: true,
      ...(node.core.store.getState().world ? { flavour: node.core.store.getState().world!.capabilities.flavour } : {}),
    });
    return { results: new Map([[node.spec.name, value]]), view: cluster.view() };
  }
  const answers = await cluster.eachNode(async (core) => ({ value: await task(core), interrupted: await core.interrupted().catch(() => []) }), {
    force: true,
  });
  const results = new Map([...answers].map(([name, a]) => [name, a.value] as const));
  const view = cluster.view();
  const missing = view.nodes.filter((n) => !results.has(n.name));
  if (!results.size) {
    throw new LxcriError(
      'unreachable',
      `no node answered: ${missing.map((n) => `${n.name} (${n.error ?? 'no answer'})`).join('; ')}`,
      'check the nodes and that `ssh <node>` works without a password (BatchMode)',
    );
  }
  for (const n of missing) env.warn(`warning: node ${n.name} did not answer: ${n.error ?? 'no answer'}`);
  for (const [name, a] of answers) for (const e of a.interrupted) env.warn(interruptedWarning(e, name));
  return { results, view };
}

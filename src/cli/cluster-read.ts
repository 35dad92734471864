import { LxcriError } from '../core/errors.js';
import type { Core } from '../core/core.js';
import type { ClusterView, NodeStatus } from '../core/nodes/cluster.js';
import type { CliEnv } from './command-spec.js';

/** A node as `--json` shows it. */
export function nodeJson(s: NodeStatus) {
  return { name: s.name, reachable: s.reachable === true, ...(s.flavour ? { flavour: s.flavour } : {}), ...(s.error ? { error: s.error } : {}) };
}

/**
 * Runs a read on every node. A single node behaves exactly as a lone host (its error is the command's); several
 * nodes answer what they can: each one that did not is named on stderr, and only when none answered is it an error.
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
  const results = await cluster.eachNode(task, { force: true });
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
  return { results, view };
}

import { UsageError } from '../core/errors.js';
import type { Core } from '../core/core.js';
import type { Cluster, ClusterNode } from '../core/nodes/cluster.js';
import { splitContainerRef } from '../core/nodes/node-spec.js';
import { targetsOf, type CommandSpec } from './command-spec.js';

/**
 * Which node a command runs on. Container refs (`<id>` unique cluster-wide, or `<node>:<id>`) name it; commands
 * without one run on `--node` (`node`: a cross-node command's, whose cluster keeps every node), else this machine's
 * node, else the only node. Positionals come back as the node's ids.
 */
export async function routeCommand(cluster: Cluster, spec: CommandSpec, positionals: string[], node?: string): Promise<{ core: Core; positionals: string[] }> {
  const targets = targetsOf(spec, positionals);
  const refCount = targets === 'all' ? positionals.length : targets === 'first' ? Math.min(1, positionals.length) : 0;
  // A command that reads every node itself (list, pool) needs no node of its own: this machine's, else the first.
  if (targets === 'cluster') return { core: (cluster.nodes.find((n) => n.local) ?? cluster.nodes[0]!).core, positionals };
  if (refCount === 0) return { core: (node !== undefined ? cluster.node(node) : defaultNode(cluster, spec.name)).core, positionals };
  const located: Array<{ node: ClusterNode; id: string }> = [];
  for (const ref of positionals.slice(0, refCount)) located.push(await cluster.locate(node !== undefined ? onNode(ref, node) : ref));
  const nodes = [...new Set(located.map((l) => l.node.spec.name))];
  if (nodes.length > 1) {
    throw new UsageError(`the containers are on different nodes (${nodes.join(', ')})`, `run ${spec.name} once per node, each with that node's containers`);
  }
  return { core: located[0]!.node.core, positionals: [...located.map((l) => l.id), ...positionals.slice(refCount)] };
}

/** With `--node`: a bare id is that node's (no other node is asked), a `<node>:<id>` of another node is refused. */
function onNode(ref: string, node: string): string {
  const { node: named, id } = splitContainerRef(ref);
  if (named !== undefined && named !== node) throw new UsageError(`${ref} is not on --node ${node}`, `leave --node out, or name a container of ${node}`);
  return `${node}:${id}`;
}

function defaultNode(cluster: Cluster, command: string): ClusterNode {
  if (cluster.single) return cluster.nodes[0]!;
  const local = cluster.nodes.find((n) => n.local);
  if (local) return local;
  throw new UsageError(`${command} runs on one node: which one?`, `add --node NAME (nodes: ${cluster.nodes.map((n) => n.spec.name).join(', ')})`);
}

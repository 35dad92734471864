import { UsageError } from '../../core/errors.js';
import type { CheckpointTree } from '../../core/model/tree.js';
import { replicaLags } from '../../core/model/replica-lag.js';
import { layoutTree } from '../../core/model/tree-layout.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { renderTreeText } from '../../present/tree-text.js';
import { clusterCopies } from '../../core/nodes/copies.js';

/** The stable JSON shape of a tree: nodes in display order with parent ids. */
export function treeJson(tree: CheckpointTree, node?: string, alsoOn: (guid: string) => readonly string[] = () => []) {
  return {
    container: tree.container,
    ...(node ? { node } : {}),
    activeDataset: tree.activeDataset,
    branches: tree.branches,
    roots: tree.roots,
    nodes: layoutTree(tree).map(({ node, guides }) => {
      const elsewhere = node.kind === 'snapshot' ? alsoOn(node.id) : [];
      return { ...node, depth: guides.length, ...(elsewhere.length ? { alsoOn: elsewhere } : {}) };
    }),
    replicas: replicaLags(tree),
  };
}

export const treeCommand: CommandSpec = {
  name: 'tree',
  args: '<container>',
  summary: 'the checkpoint tree of a container: branches, NOW markers, labels, space',
  targets: 'first',
  options: {},
  examples: ['lxcri-console tree web', 'lxcri-console tree 101 --json'],
  async run(env, positionals) {
    const [id, extra] = positionals;
    if (!id || extra) throw new UsageError('tree takes exactly one container', 'usage: lxcri-console tree <container>');
    const tree = await env.core.tree(id);
    // Where else each checkpoint is (a cluster's other nodes, by guid).
    const alsoOn = await clusterCopies(env.cluster, env.cluster.nodes.find((n) => n.core === env.core)?.spec.name);
    if (env.json) printJson(env, treeJson(tree, env.core.ctx.node, alsoOn));
    else env.out(renderTreeText(tree, env.glyphs, env.nowSeconds(), alsoOn).join('\n'));
  },
};

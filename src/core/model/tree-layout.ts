import type { CheckpointNode, CheckpointTree } from './tree.js';

/** One column of the tree's left margin: a branch start, a line passing by, or nothing. */
export type Guide = 'tee' | 'pipe';

export interface TreeRow {
  id: string;
  node: CheckpointNode;
  guides: Guide[];
  /** First row of a branch: the branch's dataset is worth naming here. */
  branchStart: boolean;
}

/**
 * Lays the tree out as rows, git-graph style: a line continues straight down and each side branch is drawn,
 * indented, before the line goes on. The line that continues is the one leading to the active NOW (else the
 * newest child), so the layout depends on the tree's shape only and reads the same before and after a promote.
 */
export function layoutTree(tree: CheckpointTree): TreeRow[] {
  const rows: TreeRow[] = [];
  const emitLine = (startId: string, prefix: Guide[], branchStart: boolean) => {
    let id: string | undefined = startId;
    let first = true;
    while (id) {
      const node: CheckpointNode = tree.nodes.get(id)!;
      const guides: Guide[] = prefix.length && first && branchStart ? [...prefix.slice(0, -1), 'tee'] : prefix;
      rows.push({ id, node, guides, branchStart: first && branchStart });
      first = false;
      const main = pickContinuation(tree, node);
      for (const child of node.children) if (child !== main) emitLine(child, [...prefix, 'pipe'], true);
      id = main;
    }
  };
  for (const root of tree.roots) emitLine(root, [], false);
  return rows;
}

function pickContinuation(tree: CheckpointTree, node: CheckpointNode): string | undefined {
  if (!node.children.length) return undefined;
  return node.children.find((c) => tree.nodes.get(c)!.onActiveLine) ?? node.children[node.children.length - 1];
}

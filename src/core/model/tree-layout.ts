import type { CheckpointNode, CheckpointTree } from './tree.js';

/** One column of the tree's left margin: a branch start, a line passing by, or nothing. */
export type Guide = 'tee' | 'pipe';

export interface TreeRow {
  id: string;
  node: CheckpointNode;
  guides: Guide[];
  /** First row of a branch: the branch's dataset is worth naming here. */
  branchStart: boolean;
  /** The side line this row is drawn on, by the id of its first node ('' for the main line): what `z` folds. */
  line: string;
  /** A folded side line is drawn as its last node alone: how many rows it stands for besides itself. */
  hidden?: number;
}

/** How the rows are shown: newest first or oldest first, and which side lines are folded (by `TreeRow.line`). */
export interface TreeView {
  newestFirst?: boolean;
  collapsed?: ReadonlySet<string>;
}

/**
 * Lays the tree out as rows, git-graph style: a line continues straight down and each side branch is drawn,
 * indented, before the line goes on. The line that continues is the one leading to the active NOW (else the
 * newest child), so the layout depends on the tree's shape only and reads the same before and after a promote.
 * Newest first is the same graph read from the bottom up; a folded side line keeps only its tip.
 */
export function layoutTree(tree: CheckpointTree, view: TreeView = {}): TreeRow[] {
  const rows: TreeRow[] = [];
  const emitLine = (startId: string, prefix: Guide[], branchStart: boolean) => {
    const line = branchStart ? startId : '';
    if (branchStart && view.collapsed?.has(startId)) {
      let tip = startId;
      let count = 0;
      for (let id: string | undefined = startId; id; id = pickContinuation(tree, tree.nodes.get(id)!)) tip = id;
      const seen = new Set<string>();
      const stack = [startId];
      while (stack.length) {
        const id = stack.pop()!;
        if (seen.has(id)) continue;
        seen.add(id);
        count++;
        stack.push(...tree.nodes.get(id)!.children);
      }
      rows.push({ id: tip, node: tree.nodes.get(tip)!, guides: [...prefix.slice(0, -1), 'tee'], branchStart: true, line, hidden: count - 1 });
      return;
    }
    let id: string | undefined = startId;
    let first = true;
    while (id) {
      const node: CheckpointNode = tree.nodes.get(id)!;
      const guides: Guide[] = prefix.length && first && branchStart ? [...prefix.slice(0, -1), 'tee'] : prefix;
      rows.push({ id, node, guides, branchStart: first && branchStart, line });
      first = false;
      const main = pickContinuation(tree, node);
      for (const child of node.children) if (child !== main) emitLine(child, [...prefix, 'pipe'], true);
      id = main;
    }
  };
  for (const root of tree.roots) emitLine(root, [], false);
  return view.newestFirst ? rows.reverse() : rows;
}

function pickContinuation(tree: CheckpointTree, node: CheckpointNode): string | undefined {
  if (!node.children.length) return undefined;
  return node.children.find((c) => tree.nodes.get(c)!.onActiveLine) ?? node.children[node.children.length - 1];
}

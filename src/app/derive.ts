import type { AlsoOn } from '../present/tree-columns.js';
import { copiesIndex, otherCopies, type CopiesIndex } from '../core/model/also-on.js';
import { layoutTree, type TreeRow } from '../core/model/tree-layout.js';
import type { CheckpointNode, CheckpointTree } from '../core/model/tree.js';
import type { CoreState } from '../core/store.js';
import type { ContainerSummary, World } from '../core/world.js';
import type { BindingContext } from './bindings.js';
import type { UiState } from './ui-store.js';

/**
 * What the screen shows, derived from the two stores (never fetched again): the views and the controller both read
 * these, so a key and the frame it produces agree on what is where.
 */

/** The containers the list shows: the filter matches id, name and status (never the hidden dataset path). */
export function visibleContainers(core: CoreState, ui: UiState): ContainerSummary[] {
  const f = ui.filter.toLowerCase();
  return (core.world?.containers ?? []).filter(
    (c) => (!ui.nodeFilter || c.node === ui.nodeFilter) && (!f || [c.id, c.name, c.status, c.node ?? ''].some((v) => v.toLowerCase().includes(f))),
  );
}

export function selectedContainer(core: CoreState, ui: UiState): ContainerSummary | undefined {
  return core.world?.containers.find((c) => c.id === ui.selected);
}

/** How the tree is shown (ui-store): the order and the folded side lines. */
export type TreeViewState = Pick<UiState, 'treeNewestFirst' | 'treeCollapsed'>;

const laidOut = new WeakMap<CheckpointTree, { key: string; rows: TreeRow[] }>();

/** The tree's rows, laid out once per tree and view (a key, the tree pane and the details pane all ask for them). */
export function treeRows(tree: CheckpointTree | undefined, view?: TreeViewState): TreeRow[] {
  if (!tree) return [];
  const newestFirst = view?.treeNewestFirst ?? false;
  const collapsed = view?.treeCollapsed ?? [];
  const key = `${newestFirst}|${collapsed.join(',')}`;
  let memo = laidOut.get(tree);
  if (memo?.key !== key) laidOut.set(tree, (memo = { key, rows: layoutTree(tree, { newestFirst, collapsed: new Set(collapsed) }) }));
  return memo.rows;
}

export function cursorRow(ui: UiState): TreeRow | undefined {
  return treeRows(ui.tree, ui)[ui.treeCursor];
}

/**
 * Where the tree cursor goes when the tree is rebuilt: on the same node if it is still there (a checkpoint another
 * console made must not move it), else the same row clamped, else (another container) the active NOW.
 */
export function keptCursor(before: CheckpointTree | undefined, cursor: number, after: CheckpointTree, view?: TreeViewState): number {
  const rows = treeRows(after, view);
  if (before?.container === after.container) {
    const id = treeRows(before, view)[cursor]?.id;
    const same = id === undefined ? -1 : rows.findIndex((r) => r.id === id);
    return same >= 0 ? same : Math.max(0, Math.min(cursor, rows.length - 1));
  }
  return Math.max(
    0,
    rows.findIndex((r) => r.node.active),
  );
}

/** The marked checkpoints still in the tree (a mark whose checkpoint is gone is dropped), oldest first. */
export function markedNodes(ui: UiState): CheckpointNode[] {
  const tree = ui.tree;
  if (!tree) return [];
  return ui.treeMarks
    .map((id) => tree.nodes.get(id))
    .filter((n): n is CheckpointNode => n?.kind === 'snapshot')
    .sort((a, b) => a.createtxg - b.createtxg);
}

/** What the bindings' `disabled` checks see. */
export function bindingContext(core: CoreState, ui: UiState): BindingContext {
  const c = selectedContainer(core, ui);
  const row = cursorRow(ui);
  return {
    ui,
    hasDataset: Boolean(c?.dataset && !c.reason),
    onSnapshot: row?.node.kind === 'snapshot',
    onBranchNow: row?.node.kind === 'now' && !row.node.active,
    marked: markedNodes(ui).length,
    running: c?.status === 'running',
    ...(core.world?.nodes && core.world.nodes.length > 1 ? { nodes: core.world.nodes.map((n) => n.name) } : {}),
    ...(c?.node && core.world?.nodes?.find((n) => n.name === c.node)?.local === false ? { remoteNode: c.node } : {}),
  };
}

const guidNodes = new WeakMap<World, CopiesIndex>();

/**
 * The other nodes that hold a copy of this snapshot (the same guid: replicated there), from every node's listing in
 * memory: no process. Empty on a single host.
 */
export function alsoOn(world: World | undefined, node: string | undefined, guid: string): string[] {
  if (!world?.nodes || world.nodes.length < 2) return [];
  let index = guidNodes.get(world);
  if (!index) guidNodes.set(world, (index = copiesIndex(world.nodes.map((n) => ({ name: n.name, inventory: n.world?.inventory })))));
  return otherCopies(index, node, guid);
}

const alsoOnFns = new WeakMap<World, Map<string, AlsoOn>>();
const nowhere: AlsoOn = () => [];

/** alsoOn for the tree's rows of a container on `node`: one function per world and node, so the tree's widths are measured once per refresh. */
export function alsoOnRows(world: World | undefined, node: string | undefined): AlsoOn {
  if (!world?.nodes || world.nodes.length < 2) return nowhere;
  let fns = alsoOnFns.get(world);
  if (!fns) alsoOnFns.set(world, (fns = new Map()));
  const key = node ?? '';
  let fn = fns.get(key);
  if (!fn) fns.set(key, (fn = (n) => (n.kind === 'snapshot' ? alsoOn(world, node, n.id) : [])));
  return fn;
}

import { layoutTree, type TreeRow } from '../core/model/tree-layout.js';
import type { CheckpointTree } from '../core/model/tree.js';
import type { CoreState } from '../core/store.js';
import type { ContainerSummary } from '../core/world.js';
import type { BindingContext } from './bindings.js';
import type { UiState } from './ui-store.js';

/**
 * What the screen shows, derived from the two stores (never fetched again): the views and the controller both read
 * these, so a key and the frame it produces agree on what is where.
 */

/** The containers the list shows: the filter matches id, name and status (never the hidden dataset path). */
export function visibleContainers(core: CoreState, ui: UiState): ContainerSummary[] {
  const f = ui.filter.toLowerCase();
  return (core.world?.containers ?? []).filter((c) => !f || [c.id, c.name, c.status].some((v) => v.toLowerCase().includes(f)));
}

export function selectedContainer(core: CoreState, ui: UiState): ContainerSummary | undefined {
  return core.world?.containers.find((c) => c.id === ui.selected);
}

const laidOut = new WeakMap<CheckpointTree, TreeRow[]>();

/** The tree's rows, laid out once per tree (a key, the tree pane and the details pane all ask for them). */
export function treeRows(tree: CheckpointTree | undefined): TreeRow[] {
  if (!tree) return [];
  let rows = laidOut.get(tree);
  if (!rows) laidOut.set(tree, (rows = layoutTree(tree)));
  return rows;
}

export function cursorRow(ui: UiState): TreeRow | undefined {
  return treeRows(ui.tree)[ui.treeCursor];
}

/**
 * Where the tree cursor goes when the tree is rebuilt: on the same node if it is still there (a checkpoint another
 * console made must not move it), else the same row clamped, else (another container) the active NOW.
 */
export function keptCursor(before: CheckpointTree | undefined, cursor: number, after: CheckpointTree): number {
  const rows = treeRows(after);
  if (before?.container === after.container) {
    const id = treeRows(before)[cursor]?.id;
    const same = id === undefined ? -1 : rows.findIndex((r) => r.id === id);
    return same >= 0 ? same : Math.max(0, Math.min(cursor, rows.length - 1));
  }
  return Math.max(
    0,
    rows.findIndex((r) => r.node.active),
  );
}

/** What the bindings' `disabled` checks see. */
export function bindingContext(core: CoreState, ui: UiState): BindingContext {
  const c = selectedContainer(core, ui);
  const row = cursorRow(ui);
  return {
    ui,
    hasDataset: Boolean(c?.dataset && !c.reason),
    onSnapshot: row?.node.kind === 'snapshot',
    running: c?.status === 'running',
  };
}

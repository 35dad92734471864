import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Core, RestorePlan } from '../core/core.js';
import type { DeletePlan } from '../core/ops/delete.js';
import type { PrunePlan } from '../core/ops/prune.js';
import type { CheckpointTree } from '../core/model/tree.js';

/** An operation a kill or crash left half-done, as the core describes it (steps done, unsure, pending). */
export type InterruptedOperation = Awaited<ReturnType<Core['interrupted']>>[number];

export type Pane = 'containers' | 'tree' | 'details' | 'events';
export const PANES: readonly Pane[] = ['containers', 'tree', 'details', 'events'];

/**
 * A dialog's text field (the label, the typed confirmation) is its string plus `cursor`: where the text-field cursor
 * is, in characters (text-field.ts); absent = after the last character.
 */
export type Dialog =
  | { kind: 'checkpoint'; stateful: boolean; label: string; cursor?: number }
  | {
      kind: 'restore';
      branch: RestorePlan;
      rollback?: RestorePlan;
      rollbackError?: string;
      choice: 'branch' | 'rollback';
      typed: string;
      cursor?: number;
    }
  | { kind: 'delete'; plan: DeletePlan; typed: string; cursor?: number }
  | { kind: 'prune'; plans: PrunePlan[]; scroll: number }
  | { kind: 'quit' }
  /** Interrupted operations: `index` is the one under the cursor, `confirm` the recovery asked for (y runs it). */
  | { kind: 'recover'; index: number; confirm?: 'finish' | 'undo' };

export interface UiState {
  focus: Pane;
  mode: 'normal' | 'filter' | 'dialog' | 'help' | 'pool';
  selected?: string;
  tree?: CheckpointTree;
  treeCursor: number;
  eventsScroll: number;
  filter: string;
  /** The filter field's cursor while typing it (text-field.ts), in characters; absent = after the last one. */
  filterCursor?: number;
  dialog?: Dialog;
  flash?: { text: string; level: 'info' | 'error' };
  readOnly: boolean;
  /** The last branch restore, for `u` (back to its safety checkpoint). */
  lastRestore?: { container: string; safety: string };
  /** Operations a kill or crash left half-done (read at start and on every refresh). */
  interrupted: InterruptedOperation[];
}

export type UiStore = StoreApi<UiState>;

export function createUiStore(readOnly = false): UiStore {
  return createStore<UiState>()(() => ({ focus: 'containers', mode: 'normal', treeCursor: 0, eventsScroll: 0, filter: '', readOnly, interrupted: [] }));
}

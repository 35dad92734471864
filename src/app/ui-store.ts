import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RestorePlan } from '../core/core.js';
import type { DeletePlan } from '../core/ops/delete.js';
import type { PrunePlan } from '../core/ops/prune.js';
import type { CheckpointTree } from '../core/model/tree.js';

export type Pane = 'containers' | 'tree' | 'details' | 'events';
export const PANES: readonly Pane[] = ['containers', 'tree', 'details', 'events'];

export type Dialog =
  | { kind: 'checkpoint'; stateful: boolean; label: string }
  | { kind: 'restore'; branch: RestorePlan; rollback?: RestorePlan; rollbackError?: string; choice: 'branch' | 'rollback'; typed: string }
  | { kind: 'delete'; plan: DeletePlan; typed: string }
  | { kind: 'prune'; plans: PrunePlan[]; scroll: number }
  | { kind: 'quit' };

export interface UiState {
  focus: Pane;
  mode: 'normal' | 'filter' | 'dialog' | 'help' | 'pool';
  selected?: string;
  tree?: CheckpointTree;
  treeCursor: number;
  eventsScroll: number;
  filter: string;
  dialog?: Dialog;
  flash?: { text: string; level: 'info' | 'error' };
  readOnly: boolean;
  /** The last branch restore, for `u` (back to its safety checkpoint). */
  lastRestore?: { container: string; safety: string };
}

export type UiStore = StoreApi<UiState>;

export function createUiStore(readOnly = false): UiStore {
  return createStore<UiState>()(() => ({ focus: 'containers', mode: 'normal', treeCursor: 0, eventsScroll: 0, filter: '', readOnly }));
}

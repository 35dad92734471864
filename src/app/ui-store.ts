import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ReplicationResult } from '../core/ops/replicate.js';
import type { MoveResult } from '../core/core.js';
import type { RestoreOnPlan } from '../core/nodes/restore-on.js';
import type { Core, RestorePlan } from '../core/core.js';
import type { DeletePlan } from '../core/ops/delete.js';
import type { DeleteBranchPlan } from '../core/ops/delete-branch.js';
import type { DeleteSetPlan } from '../core/ops/delete-set.js';
import type { PrunePlan } from '../core/ops/prune.js';
import type { CheckpointTree } from '../core/model/tree.js';
import type { PoolStatus } from '../core/tools/zpool/parse.js';
import { START_NAV, type SpaceNav } from './space-view.js';
import type { DiffView, FilesView, TextDiffView } from './file-views.js';
import type { RestoreFilePlan } from '../core/ops/file-restore.js';

/** An operation a kill or crash left half-done, as the core describes it (steps done, unsure, pending). */
export type InterruptedOperation = Awaited<ReturnType<Core['interrupted']>>[number];

/** The core's plan for undoing a container's last branch restore (switching back to the line it set aside). */
export type UndoPlan = Awaited<ReturnType<Core['planUndoRestore']>>;

/** A notice or error, kept whole for the messages view (`!`): the flash line shows only its first line. */
export interface Message {
  at: number;
  text: string;
  level: 'info' | 'error';
}

export type Mode = 'normal' | 'filter' | 'search' | 'dialog' | 'help' | 'pool' | 'messages' | 'commands' | 'diff' | 'text-diff' | 'files';

/** A container's replication preview in the dialog, or why it cannot be replicated there. */
export interface ReplicatePreview {
  container: string;
  preview?: ReplicationResult;
  error?: string;
}

export type Pane = 'containers' | 'tree' | 'details' | 'events';
export const PANES: readonly Pane[] = ['containers', 'tree', 'details', 'events'];

/**
 * A dialog's text field (the label, the typed confirmation) is its string plus `cursor`: where the text-field cursor
 * is, in characters (text-field.ts); absent = after the last character.
 */
export type Dialog =
  /** `container`: the one the dialog was opened for (a refresh that changes the selection meanwhile does not retarget it). */
  | { kind: 'checkpoint'; container: string; name: string; stateful: boolean; label: string; cursor?: number; group?: string[] }
  | {
      kind: 'restore';
      branch: RestorePlan;
      rollback?: RestorePlan;
      rollbackError?: string;
      choice: 'branch' | 'rollback';
      typed: string;
      cursor?: number;
      scroll?: number;
      steps?: boolean;
    }
  | { kind: 'delete'; plan: DeletePlan; typed: string; cursor?: number; scroll?: number; steps?: boolean }
  /** `item`: the cursor over the plans' checkpoints; `picks`: the operator's keep/prune by snapshot (prune-edit.ts). */
  | { kind: 'prune'; plans: PrunePlan[]; scroll: number; item?: number; picks?: Record<string, 'keep' | 'prune'>; steps?: boolean }
  | { kind: 'undo'; plan: UndoPlan; typed: string; cursor?: number; scroll?: number; steps?: boolean }
  | { kind: 'quit' }
  /** `targets`: the other reachable nodes, `target` the one chosen (Tab cycles); the preview is read for it. */
  /** One container, or the marked ones (each replicated from its own node); a preview (or why not) for each. */
  | { kind: 'replicate'; containers: string[]; targets: string[]; target: number; previews?: ReplicatePreview[]; scroll?: number }
  | {
      kind: 'move';
      container: string;
      targets: string[];
      target: number;
      preview?: MoveResult;
      error?: string;
      typed: string;
      cursor?: number;
      scroll?: number;
    }
  | {
      kind: 'restore-on';
      container: string;
      snapshot: string;
      targets: string[];
      target: number;
      preview?: RestoreOnPlan;
      error?: string;
      /** Confirmed, but the plan read again differs from the one shown: shown anew, nothing run. */
      changed?: boolean;
      scroll?: number;
    }
  | { kind: 'delete-branch'; plan: DeleteBranchPlan; typed: string; cursor?: number; scroll?: number; steps?: boolean }
  | { kind: 'delete-set'; plan: DeleteSetPlan; typed: string; cursor?: number; scroll?: number; steps?: boolean }
  /** Restoring one file out of a checkpoint (from the file browser, which it returns to). */
  /** `checkpoint`: its full name, as the browser read it (the plan names it short). */
  | {
      kind: 'restore-file';
      checkpoint: string;
      plan: RestoreFilePlan;
      scroll?: number;
      /** The --to destination being typed (`t`), its text-field cursor; absent when not typing one. */
      to?: string;
      cursor?: number;
      /** --replace chosen and a current version to remove: the second confirmation, naming it, is on screen. */
      confirming?: boolean;
      /** Why the last option asked for was refused (the preview stays as it was). */
      error?: string;
    }
  /** Interrupted operations: `index` is the one under the cursor, `confirm` the recovery asked for (y runs it). */
  | { kind: 'recover'; index: number; confirm?: 'finish' | 'undo'; scroll?: number };

export interface UiState {
  focus: Pane;
  mode: Mode;
  selected?: string;
  tree?: CheckpointTree;
  treeCursor: number;
  /** Rows scrolled up from the newest event. */
  eventsScroll: number;
  detailsScroll: number;
  /** The scroll of the full-screen view open (help, pool, messages, command log). */
  overlayScroll: number;
  /** The tree search (`/` in the tree pane; n/N move between matches) and its field cursor while typing. */
  search: string;
  searchCursor?: number;
  filter: string;
  /** Containers marked (Space in the containers pane), by id: `c` checkpoints them together. */
  marks: string[];
  /** The filter field's cursor while typing it (text-field.ts), in characters; absent = after the last one. */
  filterCursor?: number;
  dialog?: Dialog;
  /** The last message, on the line above the footer until the next key. */
  flash?: { text: string; level: 'info' | 'error' };
  /** Every message of the session, newest last (bounded). */
  messages: Message[];
  readOnly: boolean;
  /** The terminal's size, kept by the screen: the controller's page sizes derive from it (layout.ts). */
  size: { columns: number; rows: number };
  /** Operations a kill or crash left half-done (read at start and on every refresh). */
  interrupted: InterruptedOperation[];
  /** The space view (`P`): where its cursor is, and the order (space-view.ts). */
  space: SpaceNav;
  /** `zpool status`, read when the space view opens and on refresh while it is open; undefined until the first read ends. */
  poolStatus?: { read: PoolStatus[]; error?: string };
  /** The tree newest first (the default; `o` toggles). */
  treeNewestFirst: boolean;
  /** In a cluster: only this node's containers (`N` cycles all nodes -> each node -> all). */
  nodeFilter?: string;
  /** Side lines of the tree folded by `z`, by the id of their first node (TreeRow.line). */
  treeCollapsed: string[];
  /** Checkpoints marked in the tree (Space, v), by node id (snapshot guid): a refresh neither loses nor moves them. */
  treeMarks: string[];
  /** The diff view (`=`) and the file browser (`f`), while open (file-views.ts). */
  diffView?: DiffView;
  filesView?: FilesView;
  /** One file's text diff, opened from the diff view (Enter on a file): the diff view stays as it was under it. */
  textDiffView?: TextDiffView;
}

export type UiStore = StoreApi<UiState>;

export function createUiStore(readOnly = false): UiStore {
  return createStore<UiState>()(() => ({
    focus: 'containers',
    mode: 'normal',
    treeCursor: 0,
    eventsScroll: 0,
    detailsScroll: 0,
    overlayScroll: 0,
    filter: '',
    marks: [],
    search: '',
    messages: [],
    readOnly,
    size: { columns: 80, rows: 24 },
    interrupted: [],
    space: START_NAV,
    treeNewestFirst: true,
    treeCollapsed: [],
    treeMarks: [],
  }));
}

import { keysLabel } from './key-names.js';
import type { Pane, UiState } from './ui-store.js';

export type CommandId =
  | 'up'
  | 'down'
  | 'top'
  | 'bottom'
  | 'page-up'
  | 'page-down'
  | 'half-up'
  | 'half-down'
  | 'next-pane'
  | 'prev-pane'
  | 'open'
  | 'checkpoint'
  | 'checkpoint-stateful'
  | 'restore'
  | 'delete'
  | 'prune'
  | 'undo'
  | 'filter'
  | 'search'
  | 'search-next'
  | 'search-prev'
  | 'copy'
  | 'pool'
  | 'messages'
  | 'commands'
  | 'refresh'
  | 'help'
  | 'close'
  | 'quit'
  | 'confirm'
  | 'switch'
  | 'recover'
  | 'recover-finish'
  | 'recover-undo'
  | 'recover-run'
  | 'back'
  | 'sort'
  | 'steps'
  | 'mark-container'
  | 'nodes'
  | 'replicate'
  | 'move'
  | 'restore-on'
  | 'collapse'
  | 'order'
  | 'mark'
  | 'mark-range'
  | 'delete-marked'
  | 'diff'
  | 'files'
  | 'replace';

export interface BindingContext {
  ui: UiState;
  /** The selected container has a ZFS dataset. */
  hasDataset: boolean;
  /** The tree cursor is on a snapshot (not a NOW). */
  onSnapshot: boolean;
  /** The tree cursor is on a branch's NOW (a line other than the live one): restore switches to it, delete deletes it. */
  onBranchNow?: boolean;
  /** Checkpoints marked in the tree. */
  marked?: number;
  running: boolean;
  /** The cluster's nodes (absent on a single host). */
  nodes?: string[];
  /** The selected container's node when it is another machine (what runs there over ssh cannot use local files). */
  remoteNode?: string;
}

/**
 * One key binding. Every mode and dialog has its table; the footer, the help overlay, the README, read-only mode and
 * the tests (which press by command id) all read the tables, and no code outside them compares key names.
 */
export interface Binding {
  id: CommandId;
  keys: string[];
  description: string;
  /** Destroys or replaces something: asks first, and read-only sessions refuse it. */
  dangerous?: boolean;
  /** Changes ZFS without destroying anything (a checkpoint): refused in read-only mode like the dangerous ones. */
  changes?: boolean;
  /** Panes where it applies (all when absent): the same key may mean another command in another pane. */
  panes?: Pane[];
  /** The footer's word for it (the id when absent); `false` keeps it out of the footer. */
  footer?: string | false;
  /** Kept at the end of the footer when the rest is cut (how a newcomer finds everything else). */
  pinned?: boolean;
  /** Why it cannot run now, or undefined when it can. */
  disabled?: (c: BindingContext) => string | undefined;
}

const needsContainer = (c: BindingContext) => (!c.ui.selected ? 'select a container first' : !c.hasDataset ? 'this container has no ZFS dataset' : undefined);
const needsSnapshot = (c: BindingContext) => needsContainer(c) ?? (!c.onSnapshot ? 'put the tree cursor on a checkpoint' : undefined);
const needsSnapshotOrBranch = (c: BindingContext) =>
  needsContainer(c) ?? (!c.onSnapshot && !c.onBranchNow ? "put the tree cursor on a checkpoint or a branch's NOW" : undefined);

/** Moving in any list or scrolled view: panes, overlays, the prune plan. */
export const NAV_BINDINGS: readonly Binding[] = [
  { id: 'up', keys: ['k', 'up'], description: 'move up', footer: false },
  { id: 'down', keys: ['j', 'down'], description: 'move down', footer: false },
  { id: 'top', keys: ['g', 'home'], description: 'first row', footer: false },
  { id: 'bottom', keys: ['G', 'end'], description: 'last row', footer: false },
  { id: 'page-up', keys: ['pageup', 'ctrl-b'], description: 'one page up', footer: false },
  { id: 'page-down', keys: ['pagedown', 'ctrl-f'], description: 'one page down', footer: false },
  { id: 'half-up', keys: ['ctrl-u'], description: 'half a page up', footer: false },
  { id: 'half-down', keys: ['ctrl-d'], description: 'half a page down', footer: false },
];

/** Keys that mean the same in every mode and dialog, looked up before the mode's own table. */
export const GLOBAL_BINDINGS: readonly Binding[] = [
  { id: 'quit', keys: ['ctrl-c'], description: 'quit, from any view or dialog (asks first while an operation runs)', footer: false },
];

/** The four panes. */
export const NORMAL_BINDINGS: readonly Binding[] = [
  ...NAV_BINDINGS,
  { id: 'next-pane', keys: ['tab', 'l'], description: 'next pane', footer: 'pane' },
  { id: 'prev-pane', keys: ['shift-tab', 'h'], description: 'previous pane', footer: false },
  { id: 'open', keys: ['return'], description: 'open: containers -> tree, tree -> details', panes: ['containers', 'tree'] },
  { id: 'checkpoint', keys: ['c'], description: 'checkpoint the selected container (asks for a label)', changes: true, disabled: needsContainer },
  {
    id: 'checkpoint-stateful',
    keys: ['C'],
    description: 'stateful checkpoint (CRIU) of a running container',
    footer: 'stateful',
    changes: true,
    disabled: (c) =>
      needsContainer(c) ??
      (c.remoteNode
        ? `stateful checkpoints run on this machine's node only (the CRIU image store is local); ${c.remoteNode} is another node`
        : !c.running
          ? 'the container is not running'
          : undefined),
  },
  {
    id: 'restore',
    keys: ['r'],
    description: "restore the checkpoint under the cursor (branch, or rollback); on a branch's NOW: switch to that branch",
    dangerous: true,
    panes: ['tree', 'details'],
    disabled: needsSnapshotOrBranch,
  },
  {
    id: 'delete',
    keys: ['d'],
    description: "delete the checkpoint under the cursor (with subtree preview); on a branch's NOW: the whole branch",
    dangerous: true,
    panes: ['tree', 'details'],
    disabled: needsSnapshotOrBranch,
  },
  { id: 'prune', keys: ['p'], description: 'prune plan for the selected container; confirm to run', dangerous: true, disabled: needsContainer },
  {
    id: 'undo',
    keys: ['u'],
    description: "undo the selected container's last branch restore: back to the line it set aside (a rollback cannot be undone)",
    dangerous: true,
    disabled: needsContainer,
  },
  { id: 'filter', keys: ['/'], description: 'filter containers by id, name or status', panes: ['containers', 'details', 'events'] },
  {
    id: 'mark-container',
    keys: [' '],
    description: 'mark / unmark the container; c then checkpoints every marked one together (one label)',
    panes: ['containers'],
    footer: 'mark',
  },
  {
    id: 'nodes',
    keys: ['N'],
    description: 'cluster: every node -> one node at a time -> every node (the containers shown)',
    panes: ['containers', 'details', 'events'],
    footer: 'node',
    disabled: (c) => (!c.nodes ? 'one node only: set `nodes` in the config (or run on a Proxmox cluster node)' : undefined),
  },
  {
    id: 'replicate',
    keys: ['s'],
    description: "cluster: copy the container's whole checkpoint tree to another node (marked containers: each of them; a preview first)",
    changes: true,
    panes: ['containers', 'details', 'events'],
    footer: false,
    // With marks it is theirs, not the cursor's: each says in the preview why it cannot go, if it cannot.
    disabled: (c) =>
      (c.ui.marks.length ? undefined : needsContainer(c)) ??
      (!c.nodes ? 'one node only: set `nodes` in the config (or run on a Proxmox cluster node)' : undefined),
  },
  {
    id: 'move',
    keys: ['M'],
    description: 'cluster: move the container to another node with its checkpoint tree (pre-flight and plan first)',
    changes: true,
    panes: ['containers', 'details', 'events'],
    footer: false,
    disabled: (c) => needsContainer(c) ?? (!c.nodes ? 'one node only: set `nodes` in the config (or run on a Proxmox cluster node)' : undefined),
  },
  {
    id: 'restore-on',
    keys: ['O'],
    description: 'cluster: bring the checkpoint under the cursor up on another node as a new container, the original untouched (a preview first)',
    changes: true,
    panes: ['tree', 'details'],
    footer: false,
    disabled: (c) => needsSnapshot(c) ?? (!c.nodes ? 'one node only: set `nodes` in the config (or run on a Proxmox cluster node)' : undefined),
  },
  { id: 'search', keys: ['/'], description: 'search the tree (names, labels)', panes: ['tree'] },
  { id: 'search-next', keys: ['n'], description: 'next tree match', panes: ['tree'], footer: false },
  { id: 'search-prev', keys: ['N'], description: 'previous tree match', panes: ['tree'], footer: false },
  {
    id: 'copy',
    keys: ['y'],
    description: 'copy the full snapshot name under the cursor (OSC 52)',
    panes: ['tree', 'details'],
    footer: false,
    disabled: needsSnapshot,
  },
  { id: 'pool', keys: ['P'], description: 'space view: pools -> containers -> lines -> checkpoints, sorted by space; health, scrub, forecast' },
  { id: 'messages', keys: ['!'], description: 'messages: every error and notice in full', footer: false },
  { id: 'commands', keys: ['@'], description: 'command log: every command this console ran, live', footer: false },
  { id: 'refresh', keys: ['R'], description: 'refresh now', footer: false },
  // Not dangerous itself: read-only sessions see what was left half-done too, and are told why they cannot recover.
  {
    id: 'recover',
    keys: ['I'],
    description: 'operations a kill or crash left half-done: finish or undo',
    footer: false,
    disabled: (c) => (!c.ui.interrupted.length ? 'no interrupted operation' : undefined),
  },
  { id: 'mark', keys: [' '], description: 'mark the checkpoint under the cursor (again: unmark)', panes: ['tree'], disabled: needsSnapshot },
  {
    id: 'mark-range',
    keys: ['v'],
    description: 'mark every checkpoint from the last marked one to the cursor',
    panes: ['tree'],
    footer: false,
    disabled: needsSnapshot,
  },
  {
    id: 'delete-marked',
    keys: ['D'],
    description: 'delete the marked checkpoints (one summary, one confirmation)',
    dangerous: true,
    panes: ['tree'],
    footer: 'delete marked',
    disabled: (c) => needsContainer(c) ?? (!c.marked ? 'mark checkpoints first (Space, v)' : undefined),
  },
  {
    id: 'diff',
    keys: ['='],
    description: 'diff view: what changed in the files between the two marked checkpoints (one marked: it and the cursor, or NOW)',
    panes: ['tree'],
    disabled: (c) =>
      needsContainer(c) ??
      (!c.marked
        ? 'mark a checkpoint first (Space): = compares it with the cursor or NOW, or mark two'
        : c.marked > 2
          ? 'mark two checkpoints at most (Esc drops the marks)'
          : c.marked === 1 && c.onBranchNow
            ? "a branch's NOW cannot be compared: put the cursor on a checkpoint or the live NOW"
            : undefined),
  },
  {
    id: 'files',
    keys: ['f'],
    description: 'browse the files of the checkpoint under the cursor; Enter on a file restores it (a preview first)',
    panes: ['tree'],
    disabled: needsSnapshot,
  },
  { id: 'collapse', keys: ['z'], description: 'fold or unfold the branch under the cursor', panes: ['tree'], footer: false },
  { id: 'order', keys: ['o'], description: 'tree newest first / oldest first', panes: ['tree'], footer: false },
  { id: 'help', keys: ['?'], description: 'help: every key', pinned: true },
  { id: 'close', keys: ['escape'], description: 'clear the filter (then the marks), close the view', footer: false },
  { id: 'quit', keys: ['q'], description: 'quit (asks first while an operation runs)', pinned: true },
];

/** A full-screen view (help, pool, messages, command log): scroll it, close it with Esc, q or the key that opened it. */
export function overlayBindings(openedBy: CommandId): Binding[] {
  const open = NORMAL_BINDINGS.find((b) => b.id === openedBy)!;
  return [...NAV_BINDINGS, { id: 'close', keys: ['escape', 'q', ...open.keys], description: 'close' }];
}

/** The space view (`P`), ncdu-style: move, go in and out of pool -> container -> line -> checkpoint, sort, close. */
export const SPACE_BINDINGS: readonly Binding[] = [
  ...NAV_BINDINGS,
  {
    id: 'open',
    keys: ['return', 'right', 'l'],
    description: 'go in: pool -> containers -> lines -> checkpoints; on a checkpoint, show it in the tree',
    footer: 'in',
  },
  { id: 'back', keys: ['backspace', 'left', 'h'], description: 'go out one level, the cursor back on the row it went in from', footer: 'out' },
  { id: 'sort', keys: ['s'], description: 'sort by size (biggest first), name, age (newest checkpoint first)' },
  { id: 'refresh', keys: ['R'], description: 'read the listing and zpool status again', footer: false },
  { id: 'close', keys: ['escape', 'q', 'P'], description: 'close the space view' },
];

/** The diff view (`=`): move, fold a top-level directory, close. */
export const DIFF_BINDINGS: readonly Binding[] = [
  ...NAV_BINDINGS,
  {
    id: 'open',
    keys: ['return', 'right', 'l'],
    description: "on a file: its text diff (a text file up to 256 KiB); on a directory's row: fold or unfold it",
    footer: 'text diff / fold',
  },
  { id: 'collapse', keys: ['z'], description: 'fold or unfold the directory under the cursor', footer: 'fold' },
  { id: 'close', keys: ['escape', 'q', '='], description: 'close the diff view' },
];

/** One file's text diff (Enter on a file in the diff view): scroll it, go back to the diff view as it was. */
export const TEXT_DIFF_BINDINGS: readonly Binding[] = [
  ...NAV_BINDINGS,
  { id: 'close', keys: ['escape', 'q', 'backspace', 'left', 'h'], description: 'back to the diff view, its cursor and folds as they were' },
];

/** The file browser (`f`): move, go into a directory and out, restore a file, close. */
export const FILES_BINDINGS: readonly Binding[] = [
  ...NAV_BINDINGS,
  { id: 'open', keys: ['return', 'right', 'l'], description: 'go into the directory; on a file: restore this file (a preview first)', footer: 'in / restore' },
  { id: 'back', keys: ['backspace', 'left', 'h'], description: 'go up one directory, the cursor back on the one it came from', footer: 'up' },
  { id: 'close', keys: ['escape', 'q', 'f'], description: 'close the file browser' },
];

/** Typing the container filter or a tree search: Enter keeps it, Esc drops it; other keys edit (TEXT_FIELD_BINDINGS). */
export const FIELD_MODE_BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['return'], description: 'keep it' },
  { id: 'close', keys: ['escape'], description: 'drop it' },
];

/** Why read-only mode offers no recovery, for the dialog and for a recovery key pressed anyway. */
export const READ_ONLY_RECOVER =
  'read-only session: finishing or undoing changes ZFS; run `lxcri-console recover <id> --finish|--undo` or open the console without --read-only';

/** True for a binding that changes ZFS: hidden from the footer and help, and refused, in read-only mode. */
export function changesZfs(b: Binding): boolean {
  return b.dangerous === true || b.changes === true;
}

/** The bindings shown in this session: read-only mode hides every one that changes ZFS. */
export function activeBindings(readOnly: boolean, table: readonly Binding[] = NORMAL_BINDINGS): Binding[] {
  return table.filter((b) => !(readOnly && changesZfs(b)));
}

/**
 * The binding of a key in a table, for the focused pane. Read-only keeps the ones that change ZFS findable, so
 * pressing one says why it does nothing.
 */
export function findBinding(key: string, table: readonly Binding[], pane?: Pane): Binding | undefined {
  return table.find((b) => b.keys.includes(key) && (!pane || !b.panes || b.panes.includes(pane)));
}

/** The first key of a command in a table (tests press by command id). */
export function keyOf(id: CommandId, table: readonly Binding[] = NORMAL_BINDINGS, pane?: Pane): string {
  const b = table.find((x) => x.id === id && (!pane || !x.panes || x.panes.includes(pane)));
  if (!b) throw new Error(`no key for ${id}`);
  return b.keys[0]!;
}

/** What a key that changes ZFS says in a read-only session. */
export const READ_ONLY_KEY = 'read-only session: changes nothing (open the console without --read-only)';

/** Footer legend for a pane, shortened to fit: the most useful first, dropped from the end. */
export function footerItems(pane: Pane, readOnly: boolean, width: number, ascii = false): string[] {
  const shown = activeBindings(readOnly).filter((b) => b.footer !== false && (!b.panes || b.panes.includes(pane)));
  const label = (b: Binding) => `${keysLabel(b.keys.slice(0, 1), ascii)} ${b.footer ?? b.id}`;
  const last = shown.filter((b) => b.pinned).map(label);
  const room = width - last.reduce((n, i) => n + i.length + 2, 0);
  const out: string[] = [];
  let used = 0;
  for (const item of shown.filter((b) => !b.pinned).map(label)) {
    if (used + item.length + 2 > room) break;
    out.push(item);
    used += item.length + 2;
  }
  return [...out, ...last];
}

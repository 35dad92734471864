import type { Pane, UiState } from './ui-store.js';

export type CommandId =
  | 'up'
  | 'down'
  | 'next-pane'
  | 'prev-pane'
  | 'left'
  | 'right'
  | 'open'
  | 'checkpoint'
  | 'checkpoint-stateful'
  | 'restore'
  | 'delete'
  | 'prune'
  | 'undo'
  | 'filter'
  | 'pool'
  | 'refresh'
  | 'help'
  | 'close'
  | 'quit'
  | 'recover'
  | 'recover-finish'
  | 'recover-undo'
  | 'recover-run';

export interface BindingContext {
  ui: UiState;
  /** The selected container has a ZFS dataset. */
  hasDataset: boolean;
  /** The tree cursor is on a snapshot (not a NOW). */
  onSnapshot: boolean;
  running: boolean;
  busy: boolean;
}

/** One key binding: the footer, the help overlay, read-only mode and the tests all read this table. */
export interface Binding {
  id: CommandId;
  keys: string[];
  label: string;
  description: string;
  dangerous: boolean;
  /** Changes ZFS without destroying anything (a checkpoint): refused in read-only mode like the dangerous ones. */
  changes?: boolean;
  /** Panes where the footer shows it (all when absent). */
  panes?: Pane[];
  /** Why it cannot run now, or undefined when it can. */
  disabled?: (c: BindingContext) => string | undefined;
}

const needsContainer = (c: BindingContext) => (!c.ui.selected ? 'select a container first' : !c.hasDataset ? 'this container has no ZFS dataset' : undefined);
const needsSnapshot = (c: BindingContext) => needsContainer(c) ?? (!c.onSnapshot ? 'put the tree cursor on a checkpoint' : undefined);

export const BINDINGS: readonly Binding[] = [
  { id: 'up', keys: ['up', 'k'], label: '↑/k', description: 'move up', dangerous: false },
  { id: 'down', keys: ['down', 'j'], label: '↓/j', description: 'move down', dangerous: false },
  { id: 'next-pane', keys: ['tab', 'l'], label: 'Tab/l', description: 'next pane', dangerous: false },
  { id: 'prev-pane', keys: ['shift-tab', 'h'], label: 'h', description: 'previous pane', dangerous: false },
  { id: 'open', keys: ['return'], label: 'Enter', description: 'open: containers -> tree, tree -> details', dangerous: false, panes: ['containers', 'tree'] },
  {
    id: 'checkpoint',
    keys: ['c'],
    label: 'c',
    description: 'checkpoint the selected container (asks for a label)',
    dangerous: false,
    changes: true,
    disabled: needsContainer,
  },
  {
    id: 'checkpoint-stateful',
    keys: ['C'],
    label: 'C',
    description: 'stateful checkpoint (CRIU) of a running container',
    dangerous: false,
    changes: true,
    disabled: (c) => needsContainer(c) ?? (!c.running ? 'the container is not running' : undefined),
  },
  {
    id: 'restore',
    keys: ['r'],
    label: 'r',
    description: 'restore the checkpoint under the cursor (branch, or rollback)',
    dangerous: true,
    panes: ['tree', 'details'],
    disabled: needsSnapshot,
  },
  {
    id: 'delete',
    keys: ['d'],
    label: 'd',
    description: 'delete the checkpoint under the cursor (with subtree preview)',
    dangerous: true,
    panes: ['tree', 'details'],
    disabled: needsSnapshot,
  },
  { id: 'prune', keys: ['p'], label: 'p', description: 'prune plan for the selected container; confirm to run', dangerous: true, disabled: needsContainer },
  {
    id: 'undo',
    keys: ['u'],
    label: 'u',
    description: 'undo the last restore (back to its safety checkpoint)',
    dangerous: true,
    disabled: (c) => (!c.ui.lastRestore ? 'no restore to undo in this session' : undefined),
  },
  { id: 'filter', keys: ['/'], label: '/', description: 'filter containers', dangerous: false, panes: ['containers'] },
  { id: 'pool', keys: ['P'], label: 'P', description: 'pool view: health, capacity, space per container', dangerous: false },
  { id: 'refresh', keys: ['R'], label: 'R', description: 'refresh now', dangerous: false },
  // Not dangerous itself: read-only sessions see what was left half-done too, and are told why they cannot recover.
  {
    id: 'recover',
    keys: ['I'],
    label: 'I',
    description: 'operations a kill or crash left half-done: finish or undo',
    dangerous: false,
    disabled: (c) => (!c.ui.interrupted.length ? 'no interrupted operation' : undefined),
  },
  { id: 'help', keys: ['?'], label: '?', description: 'help: every key', dangerous: false },
  { id: 'close', keys: ['escape'], label: 'Esc', description: 'close the dialog, view or filter', dangerous: false },
  { id: 'quit', keys: ['q'], label: 'q', description: 'quit (asks first while an operation runs)', dangerous: false },
];

/** The interrupted-operations dialog: pick one, ask to finish or undo it, y runs what was asked. */
export const RECOVER_BINDINGS: readonly Binding[] = [
  { id: 'up', keys: ['up', 'k'], label: '↑/k', description: 'previous operation', dangerous: false },
  { id: 'down', keys: ['down', 'j'], label: '↓/j', description: 'next operation', dangerous: false },
  { id: 'recover-finish', keys: ['f'], label: 'f', description: 'finish it: run the step that was in flight and the remaining ones', dangerous: true },
  { id: 'recover-undo', keys: ['u'], label: 'u', description: 'undo it: reverse every step that was done or in flight', dangerous: true },
  {
    id: 'recover-run',
    keys: ['y'],
    label: 'y',
    description: 'run the finish or undo asked for',
    dangerous: true,
    disabled: (c) => (c.ui.dialog?.kind !== 'recover' || !c.ui.dialog.confirm ? 'press f (finish) or u (undo) first' : undefined),
  },
  { id: 'close', keys: ['escape'], label: 'Esc', description: 'close (the operations stay listed: I opens this again)', dangerous: false },
];

/** Why read-only mode offers no recovery, for the dialog and for a recovery key pressed anyway. */
export const READ_ONLY_RECOVER =
  'read-only session: finishing or undoing changes ZFS; run `lxcri-console recover <id> --finish|--undo` or open the console without --read-only';

/** True for a binding that changes ZFS: hidden from the footer and help, and refused, in read-only mode. */
export function changesZfs(b: Binding): boolean {
  return b.dangerous || b.changes === true;
}

/** The bindings shown in this session: read-only mode hides every one that changes ZFS. */
export function activeBindings(readOnly: boolean): Binding[] {
  return BINDINGS.filter((b) => !(readOnly && changesZfs(b)));
}

/** The binding of a key. Read-only keeps the ones that change ZFS findable, so pressing one says why it does nothing. */
export function findBinding(key: string, table: readonly Binding[] = BINDINGS): Binding | undefined {
  return table.find((b) => b.keys.includes(key));
}

/** What a key that changes ZFS says in a read-only session. */
export const READ_ONLY_KEY = 'read-only session: changes nothing (open the console without --read-only)';

/** Footer legend for a pane, shortened to fit: the most useful first, dropped from the end. */
export function footerItems(pane: Pane, readOnly: boolean, width: number): string[] {
  const items = activeBindings(readOnly)
    .filter((b) => !b.panes || b.panes.includes(pane))
    // recover: the header names its key while there is something to recover.
    .filter((b) => !['up', 'down', 'prev-pane', 'close', 'recover'].includes(b.id))
    .map((b) => `${b.label} ${b.id === 'next-pane' ? 'pane' : b.id.replace('checkpoint-stateful', 'stateful')}`);
  // `? help` and `q quit` are what a newcomer needs to find the rest: kept (at the end) when the rest is cut.
  const last = items.filter((i) => /^(\? help|q quit)$/.test(i));
  const room = width - last.reduce((n, i) => n + i.length + 2, 0);
  const out: string[] = [];
  let used = 0;
  for (const item of items.filter((i) => !last.includes(i))) {
    if (used + item.length + 2 > room) break;
    out.push(item);
    used += item.length + 2;
  }
  return [...out, ...last];
}

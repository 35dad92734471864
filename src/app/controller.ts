import type { Core } from '../core/core.js';
import { previewReplication } from './dialogs/replicate.js';
import { previewRestoreOn } from './dialogs/restore-on.js';
import { previewMove } from './dialogs/move.js';
import { LxcriError } from '../core/errors.js';
import type { TreeRow } from '../core/model/tree-layout.js';
import type { ContainerSummary } from '../core/world.js';
import {
  changesZfs,
  FIELD_MODE_BINDINGS,
  findBinding,
  GLOBAL_BINDINGS,
  NORMAL_BINDINGS,
  overlayBindings,
  READ_ONLY_KEY,
  SPACE_BINDINGS,
  type Binding,
  type BindingContext,
  type CommandId,
  DIFF_BINDINGS,
  TEXT_DIFF_BINDINGS,
  FILES_BINDINGS,
} from './bindings.js';
import { dialogRows, dialogTextWidth } from '../../components/DialogBox.js';
import { detailRows } from '../present/details.js';
import { wrapLines } from '../present/wrap.js';
import { eventLines } from '../present/event-lines.js';
import { messageRows } from '../present/message-rows.js';
import { commandLogRows } from '../present/command-log-rows.js';
import { bindingContext, cursorRow, markedNodes, selectedContainer, treeRows, visibleContainers } from './derive.js';
import { dialogModule } from './dialogs/index.js';
import { WorldSync } from './world-sync.js';
import { helpLength } from './help.js';
import type { DialogResult } from './dialogs/types.js';
import { keyName } from './key-names.js';
import { splitKeys } from './keys.js';
import { containerLinesAbove, overlayRows, overlayTextWidth, paneRows, screenLayout, spaceListRows, treeLinesAbove } from './layout.js';
import { navigate, NAV_COMMANDS, scrollView } from './scroll.js';
import { treeMatches } from './search.js';
import { backRow, moveRow, nextSort, openRow, spaceData, spaceLevel, START_NAV, validNav } from './space-view.js';
import { editField, fieldOf, isFieldKey } from './text-field.js';
import { PANES, type Dialog, type Mode, type UiState, type UiStore } from './ui-store.js';
import { childPath, diffHeadLines, diffRowAction, diffRows, parentPath, toggleFold, type DiffView, type FilesView, type TextDiffView } from './file-views.js';
import { textDiffLines } from '../present/text-diff.js';

/** The full-screen views and the command that opens each. */
const OVERLAYS: Partial<Record<Mode, CommandId>> = { help: 'help', messages: 'messages', commands: 'commands' };

const MESSAGE_LIMIT = 200;

/** An error as a view shows it: the message and, for the core's errors, the hint. */
function errorText(error: unknown): string {
  return error instanceof LxcriError ? `${error.message} (${error.hint})` : error instanceof Error ? error.message : String(error);
}

export interface ControllerOptions {
  /** Puts text on the clipboard of the terminal the admin sits at (OSC 52 through SSH and tmux). */
  clipboard?: (text: string) => void;
}

/**
 * Turns keys into core actions. The one dispatcher: every key goes through `press`, routed by mode to that mode's
 * bindings table (dialogs: their module's table and reducer); views only read the stores.
 */
export class AppController {
  constructor(
    readonly core: Core,
    readonly ui: UiStore,
    private readonly quit: () => void,
    private readonly options: ControllerOptions = {},
  ) {
    this.worldSync = new WorldSync(core, ui, (error) => this.flash(error));
  }

  private readonly worldSync: WorldSync;

  visibleContainers(): ContainerSummary[] {
    return visibleContainers(this.core.store.getState(), this.ui.getState());
  }

  selectedContainer(): ContainerSummary | undefined {
    return selectedContainer(this.core.store.getState(), this.ui.getState());
  }

  treeRows(): TreeRow[] {
    return treeRows(this.ui.getState().tree, this.ui.getState());
  }

  cursorRow(): TreeRow | undefined {
    return cursorRow(this.ui.getState());
  }

  context(): BindingContext {
    return bindingContext(this.core.store.getState(), this.ui.getState());
  }

  /** Reads the world again, folding asks that arrive meanwhile into one more read (world-sync.ts). */
  async refresh(): Promise<void> {
    await this.worldSync.refresh();
    if (this.ui.getState().mode === 'pool') await this.readPoolStatus();
  }

  /** Reads the world again for a change made at `changedAt` (ms), unless a read since has it (world-sync.ts). */
  refreshAfter(changedAt: number): Promise<void> {
    return this.worldSync.refreshAfter(changedAt);
  }

  /** After the selection or filter changed: keep the selection valid and the tree current, from memory. */
  sync(): Promise<void> {
    return this.worldSync.sync();
  }

  private loadTree(): Promise<void> {
    return this.worldSync.loadTree();
  }

  /** A message on the flash line, kept whole in the messages view (`!`): an error's hint and every line of it. */
  flash(error: unknown, level: 'info' | 'error' = 'error'): void {
    this.say(errorText(error), level);
  }

  /** The nodes a container on `node` can go to: every other node that answers (replicate, move). */
  private otherNodes(node: string | undefined): string[] {
    const nodes = this.core.store.getState().world?.nodes ?? [];
    return nodes.filter((n) => n.name !== node && n.reachable !== false).map((n) => n.name);
  }

  private say(text: string, level: 'info' | 'error'): void {
    const messages = [...this.ui.getState().messages, { at: Date.now(), text, level }].slice(-MESSAGE_LIMIT);
    this.ui.setState({ flash: { text, level }, messages });
  }

  private inflight = 0;

  /** Resolves once every key pressed so far has been handled (tests wait on it instead of sleeping). */
  async idle(): Promise<void> {
    while (this.inflight > 0 || this.core.store.getState().busy > 0) await new Promise((r) => setTimeout(r, 5));
  }

  /** The keys pressed and not handled yet, in order: each waits for the one before it. */
  private queue: Promise<void> = Promise.resolve();

  /** One read from the terminal: every key in it (keys.ts splits it), handled in order. */
  input(chunk: string): Promise<void> {
    return this.press(...splitKeys(chunk));
  }

  /**
   * Keys by name (keys.ts), handled one after another as if typed slowly: a key sees the mode, dialog and tree the
   * previous key left, whether they came in one read or several. Long work (a core action, a refresh) runs in the
   * background (`background`), so a key never waits for a checkpoint to finish; a key that opens a dialog after a
   * plan (restore, delete, prune, undo) does hold the next one until the dialog is there, since the next key is for it.
   */
  press(...names: string[]): Promise<void> {
    this.inflight++;
    const done = this.queue.then(async () => {
      for (const name of names) {
        try {
          await this.handle(name);
        } catch (error) {
          this.flash(error);
        }
      }
    });
    this.queue = done.finally(() => this.inflight--);
    return this.queue;
  }

  /** Work that must not hold the keys behind it; counted so `idle` waits for it. */
  private background(work: Promise<unknown>): void {
    this.inflight++;
    void work.catch((error: unknown) => this.flash(error)).finally(() => this.inflight--);
  }

  /** Why a binding cannot run now (read-only first), or undefined. */
  private refusal(b: Binding, readOnlyWhy = READ_ONLY_KEY): string | undefined {
    const why = this.ui.getState().readOnly && changesZfs(b) ? readOnlyWhy : b.disabled?.(this.context());
    return why ? `${b.keys[0] === undefined ? b.id : keyName(b.keys[0])}: ${why}` : undefined;
  }

  private async handle(name: string): Promise<void> {
    const ui = this.ui.getState();
    const global = findBinding(name, GLOBAL_BINDINGS);
    // Ctrl-C again on the quit dialog is the answer: quit (the running step still finishes).
    if (global) return ui.dialog?.kind === 'quit' ? this.apply({ quit: true }) : this.command(global.id);
    if (ui.mode === 'dialog' && ui.dialog) return this.dialogKey(name, ui.dialog);
    if (ui.mode === 'filter' || ui.mode === 'search') return this.fieldKey(name, ui.mode);
    if (ui.mode === 'pool') return this.spaceKey(name);
    if (ui.mode === 'diff') return this.diffKey(name);
    if (ui.mode === 'text-diff') return this.textDiffKey(name);
    if (ui.mode === 'files') return this.filesKey(name);
    const overlay = OVERLAYS[ui.mode];
    if (overlay) return this.overlayKey(name, overlay);
    const binding = findBinding(name, NORMAL_BINDINGS, ui.focus);
    if (!binding) return;
    const why = this.refusal(binding);
    if (why) return void this.ui.setState({ flash: { text: why, level: 'info' } });
    await this.command(binding.id);
  }

  /** The screen's layout as App draws it: the terminal size and the focused pane (layout.ts). */
  private layout() {
    const { size, focus } = this.ui.getState();
    return screenLayout(size.columns, size.rows, focus);
  }

  /** Lines the focused pane shows its list in, as its view counts them (the tree's search and marks lines too). */
  private pageRows(ui: UiState): number {
    const l = this.layout();
    if (ui.focus === 'tree')
      return paneRows(l, 'tree', treeLinesAbove({ searching: ui.mode === 'search', search: ui.search, marked: markedNodes(ui).length, tree: !!ui.tree }));
    if (ui.focus === 'containers') return paneRows(l, 'containers', containerLinesAbove(ui.mode === 'filter'));
    return paneRows(l, ui.focus);
  }

  /** A navigation command in the focused pane: containers, tree, details (scrolls) or events (scrolls back in time). */
  private async navigatePane(command: CommandId): Promise<void> {
    const ui = this.ui.getState();
    const page = this.pageRows(ui);
    if (ui.focus === 'containers') {
      const list = this.visibleContainers();
      const i = Math.max(
        0,
        list.findIndex((c) => c.id === ui.selected),
      );
      const next = list[navigate(i, command, list.length, page) ?? i];
      if (next && next.id !== ui.selected) {
        this.ui.setState({ selected: next.id, tree: undefined, treeCursor: 0, detailsScroll: 0, treeMarks: [], treeCollapsed: [] });
        await this.loadTree();
      }
    } else if (ui.focus === 'tree') {
      const cursor = navigate(ui.treeCursor, command, this.treeRows().length, page) ?? ui.treeCursor;
      if (cursor !== ui.treeCursor) this.ui.setState({ treeCursor: cursor, detailsScroll: 0 });
    } else if (ui.focus === 'details') {
      // Scrolled by its first row; the last start shows the end under the "↑ N more" hint.
      const total = detailRows(this.cursorRow()?.node, this.selectedContainer(), this.layout().width.details, ui.tree).length;
      this.ui.setState({ detailsScroll: scrollView(ui.detailsScroll, command, total, page) ?? ui.detailsScroll });
    } else {
      // Events: newest at the bottom; "up" goes back in time.
      const { events, commandLog } = this.core.store.getState();
      const total = eventLines(events, commandLog, Date.now()).length;
      const back = navigate(total - 1 - ui.eventsScroll, command, total, page);
      if (back !== undefined) this.ui.setState({ eventsScroll: Math.max(0, total - 1 - back) });
    }
  }

  async command(id: CommandId): Promise<void> {
    const ui = this.ui.getState();
    const c = this.selectedContainer();
    const row = this.cursorRow();
    this.ui.setState({ flash: undefined });
    if (NAV_COMMANDS.has(id)) return this.navigatePane(id);
    switch (id) {
      case 'next-pane':
        return void this.ui.setState({ focus: PANES[(PANES.indexOf(ui.focus) + 1) % PANES.length]! });
      case 'prev-pane':
        return void this.ui.setState({ focus: PANES[(PANES.indexOf(ui.focus) + PANES.length - 1) % PANES.length]! });
      case 'open':
        return void this.ui.setState({ focus: ui.focus === 'containers' ? 'tree' : 'details' });
      case 'filter':
        return void this.ui.setState({ mode: 'filter', focus: 'containers', filterCursor: undefined });
      case 'search':
        return void this.ui.setState({ mode: 'search', search: '', searchCursor: undefined });
      case 'search-next':
      case 'search-prev':
        return this.jumpToMatch(id === 'search-next' ? 1 : -1, false);
      case 'copy':
        if (!row || row.node.kind !== 'snapshot') return;
        this.options.clipboard?.(row.node.fullName);
        return this.say(`copied ${row.node.fullName}`, 'info');
      case 'pool':
        this.ui.setState({ mode: 'pool', space: { ...START_NAV, sort: ui.space.sort } });
        return this.background(this.readPoolStatus());
      case 'help':
      case 'messages':
      case 'commands':
        return void this.ui.setState({ mode: id, overlayScroll: id === 'messages' || id === 'commands' ? Number.MAX_SAFE_INTEGER : 0 });
      case 'close': {
        // Esc drops what narrows the focused pane: the containers filter (the whole list comes back), the tree search.
        const clear = ui.filter !== '' && ui.focus === 'containers';
        const unsearch = ui.search !== '' && ui.focus === 'tree';
        // The marks go on the Esc after the one that clears the filter (containers) or the search (tree).
        const unmark = !clear && ui.focus === 'containers' && ui.marks.length > 0 && ui.mode === 'normal';
        const untreemark = !unsearch && ui.focus === 'tree' && ui.treeMarks.length > 0;
        this.ui.setState({
          mode: 'normal',
          dialog: undefined,
          ...(clear ? { filter: '', filterCursor: undefined } : {}),
          ...(unsearch ? { search: '', searchCursor: undefined } : {}),
          ...(unmark ? { marks: [] } : {}),
          ...(untreemark ? { treeMarks: [] } : {}),
        });
        if (clear) await this.sync();
        return;
      }
      case 'refresh':
        return this.background(this.refresh());
      case 'recover':
        return void this.ui.setState({ mode: 'dialog', dialog: { kind: 'recover', index: 0 } });
      case 'quit':
        if (this.core.store.getState().mutating > 0) return void this.ui.setState({ mode: 'dialog', dialog: { kind: 'quit' } });
        return this.quit();
      case 'nodes': {
        const nodes = this.core.store.getState().world?.nodes ?? [];
        const at = ui.nodeFilter ? nodes.findIndex((n) => n.name === ui.nodeFilter) : -1;
        const next = nodes[at + 1];
        this.ui.setState(next ? { nodeFilter: next.name } : { nodeFilter: undefined });
        if (next && next.reachable === false) this.say(`${next.name} is unreachable: ${next.error ?? 'no answer'} (retried with backoff)`, 'error');
        else
          this.say(
            next ? `showing the containers of ${next.name} only (${next.flavour ?? '?'} ${next.version ?? ''}; N: next node)` : 'showing every node',
            'info',
          );
        return this.sync();
      }
      case 'replicate': {
        // Marked containers: all of them, each from its own node, to a node none of them is on.
        const containers = ui.marks.length ? [...ui.marks] : c ? [c.id] : [];
        if (!containers.length) return;
        const all = this.core.store.getState().world?.containers ?? [];
        // A mark no node lists now (its node unreachable) says so in its preview; it rules out no node.
        const from = new Set(containers.flatMap((id) => all.find((x) => x.id === id)?.node ?? []));
        const reachable = this.otherNodes(undefined);
        const targets = reachable.filter((n) => !from.has(n));
        if (!targets.length) {
          const why = reachable.length > 1 ? `the marked containers are on every node that answers` : 'no other node answers';
          return this.say(`${why}: nowhere to replicate ${containers.join(', ')} to`, 'error');
        }
        return this.openDialog(await previewReplication(this.core, { kind: 'replicate', containers, targets, target: 0 }));
      }
      case 'move': {
        if (!c) return;
        const targets = this.otherNodes(c.node);
        if (!targets.length) return this.say(`no other node answers: nowhere to move ${c.id} to`, 'error');
        return this.openDialog(await previewMove(this.core, { kind: 'move', container: c.id, targets, target: 0, typed: '' }));
      }
      case 'restore-on': {
        if (!c || row?.node.kind !== 'snapshot') return;
        const targets = this.otherNodes(c.node);
        if (!targets.length) return this.say(`no other node answers: nowhere to bring ${row.node.name} up`, 'error');
        return this.openDialog(await previewRestoreOn(this.core, { kind: 'restore-on', container: c.id, snapshot: row.node.fullName, targets, target: 0 }));
      }
      case 'mark-container':
        if (!c) return;
        return void this.ui.setState({ marks: ui.marks.includes(c.id) ? ui.marks.filter((m) => m !== c.id) : [...ui.marks, c.id] });
      case 'checkpoint':
        // Marked containers: one group checkpoint of exactly them, one label.
        if (ui.marks.length)
          return this.openDialog({ kind: 'checkpoint', container: ui.marks[0]!, name: '', stateful: false, label: '', group: [...ui.marks] });
      // falls through
      case 'checkpoint-stateful':
        if (!c) return;
        return this.openDialog({ kind: 'checkpoint', container: c.id, name: c.name, stateful: id === 'checkpoint-stateful', label: '' });
      case 'restore':
        if (!c || !row) return;
        // On a branch's NOW: switch the live line to that branch (the undo operation, with the branch named).
        if (row.node.kind === 'now')
          return this.openDialog({ kind: 'undo', plan: await this.core.planUndoRestore(c.id, { branch: row.node.dataset }), typed: '' });
        return this.openDialog({ kind: 'restore', ...(await this.core.planRestoreChoices(c.id, row.node.fullName)), choice: 'branch', typed: '' });
      case 'delete':
        if (!c || !row) return;
        if (row.node.kind === 'now')
          return this.openDialog({ kind: 'delete-branch', plan: await this.core.planDeleteBranch(c.id, row.node.dataset), typed: '' });
        // With clones hanging off it only the subtree can go; otherwise start with the checkpoint alone (Tab: subtree).
        return this.openDialog({ kind: 'delete', plan: await this.core.planDelete(c.id, row.node.fullName, row.node.clones.length > 0), typed: '' });
      case 'prune':
        if (!c) return;
        return this.openDialog({ kind: 'prune', plans: await this.core.planPrune([c.id]), scroll: 0 });
      case 'collapse':
      case 'order':
      case 'mark':
      case 'mark-range':
        return this.treeViewCommand(id);
      case 'delete-marked': {
        const marked = markedNodes(ui);
        if (!c || !marked.length) return;
        return this.openDialog({
          kind: 'delete-set',
          plan: await this.core.planDeleteSet(
            c.id,
            marked.map((n) => n.fullName),
          ),
          typed: '',
        });
      }
      case 'diff':
        return this.openDiff();
      case 'files':
        if (!c || !row || row.node.kind !== 'snapshot') return;
        return this.openFiles({ container: c.id, checkpoint: row.node.fullName, label: row.node.name, path: '/', request: 0, cursor: 0 });
      case 'undo':
        // The selected container only, from what ZFS says (its newest restore branch), never from session memory.
        if (!c) return;
        return this.openDialog({ kind: 'undo', plan: await this.core.planUndoRestore(c.id), typed: '' });
      default:
        return;
    }
  }

  /** Folding, order and marks: they change what the tree shows, never ZFS; the cursor stays on its node. */
  private treeViewCommand(id: 'collapse' | 'order' | 'mark' | 'mark-range'): void {
    const ui = this.ui.getState();
    const rows = this.treeRows();
    const row = rows[ui.treeCursor];
    if (!row) return;
    if (id === 'mark' || id === 'mark-range') {
      const marks = new Set(ui.treeMarks);
      const anchor = [...ui.treeMarks].reverse().find((m) => rows.some((r) => r.id === m));
      if (id === 'mark' || anchor === undefined) {
        if (!marks.delete(row.id)) marks.add(row.id);
      } else {
        const from = rows.findIndex((r) => r.id === anchor);
        const [lo, hi] = from < ui.treeCursor ? [from, ui.treeCursor] : [ui.treeCursor, from];
        for (const r of rows.slice(lo, hi + 1)) if (r.node.kind === 'snapshot') marks.add(r.id);
        // The cursor's row becomes the last marked: the next range starts there.
        marks.delete(row.id);
        marks.add(row.id);
      }
      return void this.ui.setState({ treeMarks: [...marks] });
    }
    let next: Partial<UiState>;
    if (id === 'order') next = { treeNewestFirst: !ui.treeNewestFirst };
    else if (!row.line) return this.say('the live line does not fold: put the cursor on a side branch', 'info');
    else next = { treeCollapsed: ui.treeCollapsed.includes(row.line) ? ui.treeCollapsed.filter((l) => l !== row.line) : [...ui.treeCollapsed, row.line] };
    const after = treeRows(ui.tree, { ...ui, ...next });
    const same = after.findIndex((r) => r.id === row.id);
    const cursor = same >= 0 ? same : after.findIndex((r) => r.line === row.line);
    this.ui.setState({ ...next, treeCursor: Math.max(0, cursor), detailsScroll: 0 });
  }

  private openDialog(dialog: Dialog): void {
    this.ui.setState({ mode: 'dialog', dialog });
  }

  /** Moves the tree cursor to the next (or previous) row matching the search, wrapping; `here` counts the current row. */
  private jumpToMatch(direction: 1 | -1, here: boolean): void {
    const ui = this.ui.getState();
    const matches = treeMatches(this.treeRows(), ui.search);
    if (!ui.search) return;
    if (!matches.length) return this.say(`no checkpoint matches "${ui.search}"`, 'info');
    const from = ui.treeCursor;
    const next =
      direction > 0
        ? (matches.find((i) => (here ? i >= from : i > from)) ?? matches[0]!)
        : ([...matches].reverse().find((i) => (here ? i <= from : i < from)) ?? matches[matches.length - 1]!);
    this.ui.setState({ treeCursor: next, detailsScroll: 0 });
  }

  /**
   * Starts a core action in the background, so keys go on. An error is said at once; "done" only with the refreshed
   * screen, which then shows what was done (a replica's @node marks, a moved container's node).
   */
  private run(what: string, action: () => Promise<unknown>, mode: Mode = 'normal'): void {
    this.ui.setState({ mode, dialog: undefined });
    this.background(
      (async () => {
        try {
          await action();
        } catch (error) {
          this.flash(error);
          return void (await this.refresh());
        }
        // Said with the containers and the tree as they are now; the pool view's figures follow.
        await this.worldSync.refresh();
        this.say(`${what}: done`, 'info');
        if (this.ui.getState().mode === 'pool') await this.readPoolStatus();
      })(),
    );
  }

  /** A key in a dialog: its module's table and reducer; keys no binding takes edit its text field, if it has one. */
  private async dialogKey(name: string, d: Dialog): Promise<void> {
    const m = dialogModule(d);
    const binding = findBinding(name, m.bindings(d));
    if (!binding) {
      const field = m.field?.(d);
      if (field && isFieldKey(name) && m.withField) this.ui.setState({ dialog: m.withField(d, editField(field, name)) });
      return;
    }
    const why = this.refusal(binding, m.readOnlyWhy);
    if (why) return void this.ui.setState({ flash: { text: why, level: 'info' } });
    if (NAV_COMMANDS.has(binding.id) && m.lines) return this.scrollDialog(d, binding.id, m.lines(d, Math.floor(Date.now() / 1000)));
    const ui = this.ui.getState();
    const env = {
      core: this.core,
      readOnly: ui.readOnly,
      interrupted: ui.interrupted,
    };
    this.apply(await m.reduce(d, binding.id, env));
  }

  /** Scrolls a dialog's text, as its DialogBox wraps it at this terminal's width; the end shows under the hint. */
  private scrollDialog(d: Dialog, command: CommandId, lines: string[]): void {
    const { columns, body } = this.layout();
    const rows = dialogRows(body);
    const total = wrapLines(lines, dialogTextWidth(columns)).length;
    const scroll = scrollView('scroll' in d ? (d.scroll ?? 0) : 0, command, total, rows);
    if (scroll !== undefined) this.ui.setState({ dialog: { ...d, scroll } as Dialog });
  }

  private apply(result: DialogResult<Dialog>): void {
    if (!result) return;
    if ('next' in result) return void this.ui.setState({ dialog: result.next, flash: undefined });
    // A dialog opened from a full-screen view goes back to it, cancelled or run.
    const d = this.ui.getState().dialog;
    const back = (d && dialogModule(d).returnTo?.(d)) ?? 'normal';
    if ('close' in result) return void this.ui.setState({ mode: back, dialog: undefined });
    if ('flash' in result) return void this.ui.setState({ flash: { text: result.flash, level: 'info' } });
    if ('quit' in result) {
      // What has not started does not start (the engine checks between steps); the running step finishes.
      this.core.cancel();
      return this.quit();
    }
    const { what, action } = result.run;
    this.run(what, () => action(this.core), back);
  }

  private requests = 0;

  /**
   * `=`: the two marked checkpoints (oldest first), or the marked one and the checkpoint under the cursor, or the
   * marked one and NOW; the view opens at once saying it reads, and the core's answer (or error) fills it.
   */
  private openDiff(): void {
    const ui = this.ui.getState();
    const c = this.selectedContainer();
    const row = this.cursorRow();
    const marked = markedNodes(ui);
    if (!c || !marked.length || marked.length > 2) return;
    let pair = marked;
    if (marked.length === 1 && row?.node.kind === 'snapshot' && row.node.id !== marked[0]!.id)
      pair = [marked[0]!, row.node].sort((a, b) => a.createtxg - b.createtxg);
    const [a, b] = pair;
    const view: DiffView = {
      container: c.id,
      from: a!.fullName,
      fromLabel: a!.name,
      to: b ? b.fullName : 'NOW',
      toLabel: b ? b.name : 'NOW',
      request: ++this.requests,
      cursor: 0,
      folded: [],
    };
    this.ui.setState({ mode: 'diff', diffView: view });
    this.background(
      (async () => {
        let answer: Partial<DiffView>;
        try {
          answer = { result: await this.core.diff(view.container, view.from, view.to === 'NOW' ? undefined : view.to) };
        } catch (error) {
          answer = { error: errorText(error) };
        }
        const now = this.ui.getState().diffView;
        if (now?.request === view.request) this.ui.setState({ diffView: { ...now, ...answer } });
      })(),
    );
  }

  /** Rows of the diff view's list on this screen: the body less its border, title and the lines above the list. */
  private diffPage(v: DiffView): number {
    return Math.max(1, overlayRows(this.layout()) - diffHeadLines(v.result).length);
  }

  /** The diff view (`=`): move, fold, close. */
  private diffKey(name: string): void {
    const binding = findBinding(name, DIFF_BINDINGS);
    const v = this.ui.getState().diffView;
    if (!binding) return;
    if (binding.id === 'close' || !v) return void this.ui.setState({ mode: 'normal', diffView: undefined });
    if (binding.id === 'collapse') return void this.ui.setState({ diffView: toggleFold(v) });
    if (binding.id === 'open') {
      const act = diffRowAction(diffRows(v.result, v.folded)[v.cursor]);
      if (!act) return;
      if ('fold' in act) return void this.ui.setState({ diffView: toggleFold(v) });
      if ('why' in act) return void this.ui.setState({ flash: { text: act.why, level: 'info' } });
      return this.openTextDiff(v, act.file, act.toPath);
    }
    const total = diffRows(v.result, v.folded).length;
    const cursor = navigate(v.cursor, binding.id, total, this.diffPage(v));
    if (cursor !== undefined) this.ui.setState({ diffView: { ...v, cursor } });
  }

  /**
   * Enter on a file in the diff view: its text at the diff's two states, read in the background (the view says it
   * reads); the diff view stays in the store as it was, for Esc to come back to.
   */
  private openTextDiff(d: DiffView, path: string, toPath?: string): void {
    const view: TextDiffView = {
      container: d.container,
      path,
      ...(toPath !== undefined ? { toPath } : {}),
      from: d.from,
      to: d.to,
      fromLabel: d.fromLabel,
      toLabel: d.toLabel,
      request: ++this.requests,
      scroll: 0,
    };
    this.ui.setState({ mode: 'text-diff', textDiffView: view, flash: undefined });
    this.background(
      (async () => {
        let answer: Partial<TextDiffView>;
        try {
          const opts = toPath !== undefined ? { toPath } : {};
          answer = { result: await this.core.diffFile(view.container, view.from, view.to === 'NOW' ? undefined : view.to, path, opts) };
        } catch (error) {
          answer = { error: errorText(error) };
        }
        const now = this.ui.getState().textDiffView;
        if (now?.request === view.request) this.ui.setState({ textDiffView: { ...now, ...answer } });
      })(),
    );
  }

  /** A file's text diff: scroll it; Esc back to the diff view, its cursor and folds as they were. */
  private textDiffKey(name: string): void {
    const binding = findBinding(name, TEXT_DIFF_BINDINGS);
    const v = this.ui.getState().textDiffView;
    if (!binding) return;
    if (binding.id === 'close' || !v) return void this.ui.setState({ mode: 'diff', textDiffView: undefined });
    const total = v.result ? textDiffLines(v.result).length - 1 : 0;
    const next = scrollView(v.scroll, binding.id, total, overlayRows(this.layout()));
    if (next !== undefined) this.ui.setState({ textDiffView: { ...v, scroll: next } });
  }

  /** The file browser (`f`) on a directory of a checkpoint: shown at once saying it reads, then the listing or the error. */
  private openFiles(at: FilesView): void {
    const view: FilesView = { ...at, request: ++this.requests, cursor: 0 };
    this.ui.setState({ mode: 'files', filesView: view });
    this.background(
      (async () => {
        let answer: Partial<FilesView>;
        try {
          const listing = await this.core.files(view.container, view.checkpoint, view.path);
          const focus = view.focus === undefined ? -1 : listing.entries.findIndex((e) => e.name === view.focus);
          answer = { listing, cursor: Math.max(0, focus) };
        } catch (error) {
          answer = { error: errorText(error) };
        }
        const now = this.ui.getState().filesView;
        if (now?.request === view.request) this.ui.setState({ filesView: { ...now, ...answer } });
      })(),
    );
  }

  /** The file browser: move, into a directory, up, "restore this file" (its preview first), close. */
  private async filesKey(name: string): Promise<void> {
    const binding = findBinding(name, FILES_BINDINGS);
    const v = this.ui.getState().filesView;
    if (!binding) return;
    this.ui.setState({ flash: undefined });
    if (binding.id === 'close' || !v) return void this.ui.setState({ mode: 'normal', filesView: undefined });
    const entries = v.listing?.entries ?? [];
    if (NAV_COMMANDS.has(binding.id)) {
      const cursor = navigate(v.cursor, binding.id, entries.length, Math.max(1, overlayRows(this.layout()) - 1));
      return cursor === undefined ? undefined : void this.ui.setState({ filesView: { ...v, cursor } });
    }
    if (binding.id === 'back') {
      const up = parentPath(v.listing?.path ?? v.path);
      return up ? this.openFiles({ ...v, path: up.path, focus: up.name, listing: undefined, error: undefined }) : undefined;
    }
    const entry = v.listing?.type === 'dir' ? entries[v.cursor] : undefined;
    if (!entry || !v.listing) return;
    const path = childPath(v.listing.path, entry.name);
    if (entry.type === 'dir') return this.openFiles({ ...v, path, focus: undefined, listing: undefined, error: undefined });
    // The preview reads the checkpoint's file (a clone where ZFS has no .zfs/snapshot): say so meanwhile. A refusal
    // (a path leaving the container root, say) becomes the flash line, the browser stays.
    this.ui.setState({ flash: { text: `reading what restoring ${path} would do…`, level: 'info' } });
    const plan = await this.core.planRestoreFile(v.container, v.checkpoint, path);
    this.ui.setState({ flash: undefined });
    this.openDialog({ kind: 'restore-file', checkpoint: v.checkpoint, plan });
  }

  /** The filter or tree search being typed: Enter keeps it, Esc drops it, other keys edit it. */
  private async fieldKey(name: string, mode: 'filter' | 'search'): Promise<void> {
    const binding = findBinding(name, FIELD_MODE_BINDINGS);
    const ui = this.ui.getState();
    const text = mode === 'filter' ? ui.filter : ui.search;
    const cursor = mode === 'filter' ? ui.filterCursor : ui.searchCursor;
    const set = (t: string, c: number | undefined): Partial<UiState> => (mode === 'filter' ? { filter: t, filterCursor: c } : { search: t, searchCursor: c });
    if (binding?.id === 'close') this.ui.setState({ mode: 'normal', ...set('', undefined) });
    else if (binding?.id === 'confirm') this.ui.setState({ mode: 'normal', ...set(text, undefined) });
    else if (isFieldKey(name)) {
      const f = editField(fieldOf(text, cursor), name);
      this.ui.setState(set(f.text, f.cursor));
    } else return;
    if (mode === 'filter') await this.sync();
    // The tree search moves as it is typed, to the first match at or after the cursor.
    else if (this.ui.getState().search) this.jumpToMatch(1, true);
  }

  /** `zpool status` (one process, through the core) for the space view's health and scrub lines. */
  private async readPoolStatus(): Promise<void> {
    try {
      this.ui.setState({ poolStatus: { read: await this.core.poolStatus() } });
    } catch (error) {
      this.ui.setState({ poolStatus: { read: [], error: error instanceof Error ? error.message : String(error) } });
    }
  }

  /** The space view (`P`): move, go in and out, sort (space-view.ts), from the listing in memory; Enter on a checkpoint shows it in the tree. */
  private async spaceKey(name: string): Promise<void> {
    const binding = findBinding(name, SPACE_BINDINGS);
    if (!binding) return;
    if (binding.id === 'close') return void this.ui.setState({ mode: 'normal' });
    if (binding.id === 'refresh') return this.background(this.refresh());
    const world = this.core.store.getState().world;
    if (!world) return;
    const data = spaceData(world, this.core.store.getState().events);
    const nav = this.ui.getState().space;
    if (NAV_COMMANDS.has(binding.id)) {
      const page = spaceListRows(this.layout().body, spaceLevel(data, validNav(data, nav)).depth);
      return void this.ui.setState({ space: moveRow(data, nav, binding.id, page) });
    }
    if (binding.id === 'sort') return void this.ui.setState({ space: nextSort(data, nav) });
    if (binding.id === 'back') {
      const back = backRow(data, nav);
      return back ? void this.ui.setState({ space: back }) : undefined;
    }
    const next = openRow(data, nav);
    if (next) return void this.ui.setState({ space: next });
    const level = spaceLevel(data, validNav(data, nav));
    const checkpoint = level.depth === 3 ? level.items[validNav(data, nav).cursor] : undefined;
    if (level.depth === 3 && checkpoint) await this.showInTree(level.container.id, checkpoint.fullName);
  }

  /** Closes the space view with the container selected and the tree cursor on the checkpoint (the filter dropped if it hid it). */
  private async showInTree(container: string, fullName: string): Promise<void> {
    const hidden = !this.visibleContainers().some((c) => c.id === container);
    this.ui.setState({
      mode: 'normal',
      focus: 'tree',
      selected: container,
      tree: undefined,
      treeCursor: 0,
      detailsScroll: 0,
      ...(hidden ? { filter: '', filterCursor: undefined } : {}),
    });
    await this.loadTree();
    const i = this.treeRows().findIndex((r) => r.node.kind === 'snapshot' && r.node.fullName === fullName);
    if (i >= 0) this.ui.setState({ treeCursor: i });
  }

  /** Rows a full-screen view holds, for its scroll, counted as the view draws them. */
  private overlayLength(mode: Mode): number {
    const ui = this.ui.getState();
    if (mode === 'help') return helpLength(ui.readOnly);
    if (mode === 'messages') return messageRows(ui.messages, overlayTextWidth(ui.size.columns)).length;
    return commandLogRows(this.core.store.getState().commandLog, overlayTextWidth(ui.size.columns)).length;
  }

  /** Help, pool, messages, command log: scroll, or close. */
  private overlayKey(name: string, openedBy: CommandId): void {
    const binding = findBinding(name, overlayBindings(openedBy));
    if (!binding) return;
    if (binding.id === 'close') return void this.ui.setState({ mode: 'normal' });
    const ui = this.ui.getState();
    const page = overlayRows(this.layout());
    const next = scrollView(ui.overlayScroll, binding.id, this.overlayLength(ui.mode), page);
    if (next !== undefined) this.ui.setState({ overlayScroll: next });
  }
}

import type { Core } from '../core/core.js';
import { LxcriError } from '../core/errors.js';
import { layoutTree, type TreeRow } from '../core/model/tree-layout.js';
import { buildTree } from '../core/model/tree.js';
import type { ContainerSummary } from '../core/world.js';
import { changesZfs, findBinding, READ_ONLY_KEY, READ_ONLY_RECOVER, RECOVER_BINDINGS, type BindingContext, type CommandId } from './bindings.js';
import { isText, splitKeys } from './keys.js';
import { editField, fieldOf } from './text-field.js';
import { PANES, type Dialog, type UiStore } from './ui-store.js';

/** A text field (string + cursor, absent = at the end) after a key, through the one text-field reducer (text-field.ts). */
function edited(text: string, cursor: number | undefined, name: string): { text: string; cursor: number } {
  return editField(fieldOf(text, cursor), name);
}

/**
 * Turns keys into core actions. The one dispatcher: every key goes through `press`, routed by mode (dialog, filter,
 * help, pool view, normal) and by the bindings table; views only read the stores.
 */
export class AppController {
  constructor(
    readonly core: Core,
    readonly ui: UiStore,
    private readonly quit: () => void,
  ) {}

  visibleContainers(): ContainerSummary[] {
    const world = this.core.store.getState().world;
    const f = this.ui.getState().filter.toLowerCase();
    // What the list shows: id, name, status (never the hidden dataset path, which every container's holds `disk` in).
    return (world?.containers ?? []).filter((c) => !f || [c.id, c.name, c.status].some((v) => v.toLowerCase().includes(f)));
  }

  selectedContainer(): ContainerSummary | undefined {
    const id = this.ui.getState().selected;
    return this.core.store.getState().world?.containers.find((c) => c.id === id);
  }

  treeRows(): TreeRow[] {
    const tree = this.ui.getState().tree;
    return tree ? layoutTree(tree) : [];
  }

  cursorRow(): TreeRow | undefined {
    return this.treeRows()[this.ui.getState().treeCursor];
  }

  context(): BindingContext {
    const c = this.selectedContainer();
    const row = this.cursorRow();
    return {
      ui: this.ui.getState(),
      hasDataset: Boolean(c?.dataset && !c.reason),
      onSnapshot: row?.node.kind === 'snapshot',
      running: c?.status === 'running',
      busy: this.core.store.getState().busy > 0,
    };
  }

  /** After a refresh: keep the selection valid and the tree current. */
  async sync(): Promise<void> {
    const list = this.visibleContainers();
    const ui = this.ui.getState();
    if (!list.some((c) => c.id === ui.selected)) this.ui.setState({ selected: list[0]?.id, treeCursor: 0 });
    await this.loadTree();
  }

  async loadTree(): Promise<void> {
    const c = this.selectedContainer();
    if (!c?.dataset || c.reason) {
      this.ui.setState({ tree: undefined });
      return;
    }
    try {
      // Derived from the listing the last refresh read (buildTree is pure): moving the cursor costs no process.
      const world = this.core.store.getState().world;
      const tree = world?.inventory.get(c.dataset) ? buildTree(c.id, c.dataset, world.inventory) : await this.core.tree(c.id);
      if (this.ui.getState().selected !== c.id) return;
      const rows = layoutTree(tree);
      const current = this.ui.getState().tree?.container === c.id ? this.ui.getState().treeCursor : rows.findIndex((r) => r.node.active);
      this.ui.setState({ tree, treeCursor: Math.max(0, Math.min(current, rows.length - 1)) });
    } catch (error) {
      this.flash(error);
    }
  }

  private refreshing?: Promise<void>;
  private refreshAgain = false;

  /**
   * Reads the world again. The timer, the watcher and finished actions all ask for this; asks that arrive while one
   * runs are folded into a single read after it, so a burst costs one extra read, not one each.
   */
  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        try {
          await this.core.refresh();
          await this.sync();
        } catch (error) {
          this.flash(error);
        }
        await this.readInterrupted();
      } while (this.refreshAgain);
    })();
    try {
      await this.refreshing;
    } finally {
      this.refreshing = undefined;
    }
  }

  /** Interrupted operations already shown in the dialog this session. */
  private shownInterrupted = new Set<string>();

  /**
   * Operations a kill or crash left half-done (read from the journal, no process), at start and on every refresh.
   * One not shown yet (at start, or another console's that died since) opens the dialog that lists them and offers
   * to finish or undo each, unless the admin is busy in another mode; the header's notice stays meanwhile.
   */
  private async readInterrupted(): Promise<void> {
    let list;
    try {
      list = await this.core.interrupted();
    } catch (error) {
      return this.flash(error);
    }
    this.ui.setState({ interrupted: list });
    const fresh = list.findIndex((e) => !this.shownInterrupted.has(e.id));
    if (fresh < 0 || this.ui.getState().mode !== 'normal') return;
    for (const e of list) this.shownInterrupted.add(e.id);
    this.ui.setState({ mode: 'dialog', dialog: { kind: 'recover', index: fresh } });
  }

  flash(error: unknown, level: 'info' | 'error' = 'error'): void {
    const text = error instanceof LxcriError ? `${error.message} (${error.hint})` : error instanceof Error ? error.message : String(error);
    this.ui.setState({ flash: { text, level } });
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
   * plan (restore, delete, prune) does hold the next one until the dialog is there, since the next key is for it.
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

  private async handle(name: string): Promise<void> {
    const input = isText(name) ? name : '';
    const ui = this.ui.getState();
    if (name === 'ctrl-c') return this.command('quit');
    if (ui.mode === 'dialog') return this.dialogKey(name, input);
    if (ui.mode === 'filter') return this.filterKey(name);
    if (ui.mode === 'help' || ui.mode === 'pool') {
      if (name === 'escape' || name === 'q' || name === '?' || name === 'P') this.ui.setState({ mode: 'normal' });
      return;
    }
    const binding = findBinding(name);
    if (!binding) return;
    const why = ui.readOnly && changesZfs(binding) ? READ_ONLY_KEY : binding.disabled?.(this.context());
    if (why) {
      this.ui.setState({ flash: { text: `${binding.label}: ${why}`, level: 'info' } });
      return;
    }
    await this.command(binding.id);
  }

  private async move(delta: number): Promise<void> {
    const ui = this.ui.getState();
    if (ui.focus === 'containers') {
      const list = this.visibleContainers();
      const i = Math.max(
        0,
        list.findIndex((c) => c.id === ui.selected),
      );
      const next = list[Math.max(0, Math.min(list.length - 1, i + delta))];
      if (next && next.id !== ui.selected) {
        this.ui.setState({ selected: next.id, tree: undefined, treeCursor: 0 });
        await this.loadTree();
      }
    } else if (ui.focus === 'tree' || ui.focus === 'details') {
      const n = this.treeRows().length;
      this.ui.setState({ treeCursor: Math.max(0, Math.min(n - 1, ui.treeCursor + delta)) });
    } else {
      this.ui.setState({ eventsScroll: Math.max(0, ui.eventsScroll - delta) });
    }
  }

  async command(id: CommandId): Promise<void> {
    const ui = this.ui.getState();
    const c = this.selectedContainer();
    const row = this.cursorRow();
    this.ui.setState({ flash: undefined });
    switch (id) {
      case 'up':
        return this.move(-1);
      case 'down':
        return this.move(1);
      case 'next-pane':
      case 'right':
        return void this.ui.setState({ focus: PANES[(PANES.indexOf(ui.focus) + 1) % PANES.length]! });
      case 'prev-pane':
      case 'left':
        return void this.ui.setState({ focus: PANES[(PANES.indexOf(ui.focus) + PANES.length - 1) % PANES.length]! });
      case 'open':
        return void this.ui.setState({ focus: ui.focus === 'containers' ? 'tree' : 'details' });
      case 'filter':
        return void this.ui.setState({ mode: 'filter', focus: 'containers', filterCursor: undefined });
      case 'pool':
        return void this.ui.setState({ mode: 'pool' });
      case 'help':
        return void this.ui.setState({ mode: 'help' });
      case 'close': {
        // Esc in the containers pane also drops an applied filter: the whole list comes back.
        const clear = ui.filter !== '' && (ui.mode === 'filter' || (ui.mode === 'normal' && ui.focus === 'containers'));
        this.ui.setState({ mode: 'normal', dialog: undefined, ...(clear ? { filter: '', filterCursor: undefined } : {}) });
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
      case 'checkpoint':
      case 'checkpoint-stateful':
        return void this.ui.setState({ mode: 'dialog', dialog: { kind: 'checkpoint', stateful: id === 'checkpoint-stateful', label: '' } });
      case 'restore': {
        if (!c || !row) return;
        try {
          const branch = await this.core.planRestore(c.id, { snapshot: row.node.fullName, mode: 'branch' });
          let rollback;
          let rollbackError;
          try {
            rollback = await this.core.planRestore(c.id, { snapshot: row.node.fullName, mode: 'rollback' });
          } catch (error) {
            rollbackError = error instanceof LxcriError ? error.message : String(error);
          }
          this.ui.setState({
            mode: 'dialog',
            dialog: { kind: 'restore', branch, ...(rollback ? { rollback } : {}), ...(rollbackError ? { rollbackError } : {}), choice: 'branch', typed: '' },
          });
        } catch (error) {
          this.flash(error);
        }
        return;
      }
      case 'delete': {
        if (!c || !row) return;
        try {
          // With clones hanging off it only the subtree can go; otherwise start with the checkpoint alone (Tab: subtree).
          const plan = await this.core.planDelete(c.id, row.node.fullName, row.node.clones.length > 0);
          this.ui.setState({ mode: 'dialog', dialog: { kind: 'delete', plan, typed: '' } });
        } catch (error) {
          this.flash(error);
        }
        return;
      }
      case 'prune': {
        if (!c) return;
        try {
          const plans = await this.core.planPrune([c.id]);
          this.ui.setState({ mode: 'dialog', dialog: { kind: 'prune', plans, scroll: 0 } });
        } catch (error) {
          this.flash(error);
        }
        return;
      }
      case 'undo': {
        const last = ui.lastRestore;
        if (!last) return;
        this.run(`undo restore of ${last.container}`, async () => {
          await this.core.restore(last.container, { snapshot: last.safety, mode: 'branch' });
          this.ui.setState({ lastRestore: undefined });
        });
        return;
      }
    }
  }

  /** Starts a core action in the background, so keys go on; the result or error becomes the flash line, then a refresh. */
  private run(what: string, action: () => Promise<unknown>): void {
    this.ui.setState({ mode: 'normal', dialog: undefined });
    this.background(
      (async () => {
        try {
          await action();
          this.ui.setState({ flash: { text: `${what}: done`, level: 'info' } });
        } catch (error) {
          this.flash(error);
        }
        await this.refresh();
      })(),
    );
  }

  /** The interrupted-operations dialog, through its bindings table; read-only sessions are told why nothing runs. */
  private async recoverKey(name: string, d: Extract<Dialog, { kind: 'recover' }>): Promise<void> {
    const ui = this.ui.getState();
    const binding = findBinding(name, RECOVER_BINDINGS);
    if (!binding) return;
    if (binding.dangerous && ui.readOnly) return void this.ui.setState({ flash: { text: `${binding.label}: ${READ_ONLY_RECOVER}`, level: 'info' } });
    const why = binding.disabled?.(this.context());
    if (why) return void this.ui.setState({ flash: { text: `${binding.label}: ${why}`, level: 'info' } });
    const last = Math.max(0, ui.interrupted.length - 1);
    const entry = ui.interrupted[Math.min(d.index, last)];
    switch (binding.id) {
      case 'up':
      case 'down':
        return void this.ui.setState({
          flash: undefined,
          dialog: { kind: 'recover', index: Math.max(0, Math.min(last, d.index + (binding.id === 'up' ? -1 : 1))) },
        });
      case 'recover-finish':
      case 'recover-undo':
        return void this.ui.setState({ flash: undefined, dialog: { ...d, confirm: binding.id === 'recover-finish' ? 'finish' : 'undo' } });
      case 'recover-run': {
        const mode = d.confirm;
        if (!entry || !mode) return;
        return this.run(`${mode} ${entry.operation} of ${entry.container}`, () => this.core.recover(entry.id, mode));
      }
    }
  }

  private async filterKey(name: string): Promise<void> {
    const ui = this.ui.getState();
    if (name === 'escape') this.ui.setState({ mode: 'normal', filter: '', filterCursor: undefined });
    else if (name === 'return') this.ui.setState({ mode: 'normal', filterCursor: undefined });
    else {
      const f = edited(ui.filter, ui.filterCursor, name);
      this.ui.setState({ filter: f.text, filterCursor: f.cursor });
    }
    await this.sync();
  }

  private async dialogKey(name: string, input: string): Promise<void> {
    const d = this.ui.getState().dialog;
    if (!d) return;
    if (name === 'escape') return void this.ui.setState({ mode: 'normal', dialog: undefined });
    const c = this.selectedContainer();
    /** The dialog's typed confirmation after this key. */
    const typing = (typed: string, cursor: number | undefined) => {
      const f = edited(typed, cursor, name);
      return { typed: f.text, cursor: f.cursor };
    };
    switch (d.kind) {
      case 'quit':
        if (input === 'y') this.quit();
        else this.ui.setState({ mode: 'normal', dialog: undefined });
        return;
      case 'checkpoint':
        if (name !== 'return') {
          const f = edited(d.label, d.cursor, name);
          return void this.ui.setState({ dialog: { ...d, label: f.text, cursor: f.cursor } });
        }
        if (!c) return;
        return this.run(`${d.stateful ? 'stateful checkpoint' : 'checkpoint'} of ${c.id}`, () =>
          d.stateful ? this.core.checkpointStateful(c.id, d.label ? { label: d.label } : {}) : this.core.checkpoint([c.id], d.label ? { label: d.label } : {}),
        );
      case 'restore': {
        // Tab switches; so do ← and → on the branch choice (on the rollback one they move in the typed field).
        if (name === 'tab' || (d.choice === 'branch' && (name === 'left' || name === 'right')))
          return void this.ui.setState({ dialog: { ...d, choice: d.choice === 'branch' ? 'rollback' : 'branch', typed: '', cursor: undefined } });
        if (d.choice === 'rollback' && name !== 'return') return void this.ui.setState({ dialog: { ...d, ...typing(d.typed, d.cursor) } });
        if (name !== 'return' || !c) return;
        if (d.choice === 'rollback') {
          if (!d.rollback || d.typed !== c.id) return void this.ui.setState({ flash: { text: `type ${c.id} to confirm the rollback`, level: 'info' } });
          return this.run(`rollback of ${c.id}`, () => this.core.restore(c.id, { plan: d.rollback!, confirmed: true }));
        }
        return this.run(`restore of ${c.id}`, async () => {
          const r = await this.core.restore(c.id, { plan: d.branch });
          if (r.mode === 'branch') this.ui.setState({ lastRestore: { container: c.id, safety: r.safetySnapshot } });
        });
      }
      case 'delete':
        if (name === 'tab' && c) {
          // Tab switches between this checkpoint alone and it with its whole subtree (a refusal keeps the current plan).
          try {
            const plan = await this.core.planDelete(c.id, d.plan.target.fullName, !d.plan.subtree);
            this.ui.setState({ dialog: { ...d, plan, typed: '', cursor: undefined } });
          } catch (error) {
            this.flash(error);
          }
          return;
        }
        if (name !== 'return') return void this.ui.setState({ dialog: { ...d, ...typing(d.typed, d.cursor) } });
        if (!c || d.typed !== c.id) return void this.ui.setState({ flash: { text: `type ${c?.id} to confirm the delete`, level: 'info' } });
        return this.run(`delete of ${d.plan.target.name}`, () => this.core.delete(c.id, d.plan.target.fullName, { subtree: d.plan.subtree, confirmed: true }));
      case 'recover':
        return this.recoverKey(name, d);
      case 'prune':
        if (name === 'down' || name === 'j') return void this.ui.setState({ dialog: { ...d, scroll: d.scroll + 1 } });
        if (name === 'up' || name === 'k') return void this.ui.setState({ dialog: { ...d, scroll: Math.max(0, d.scroll - 1) } });
        if (input !== 'y' && name !== 'return') return;
        return this.run('prune', () => this.core.prune(d.plans, true));
    }
  }
}

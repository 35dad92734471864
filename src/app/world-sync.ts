import type { Core } from '../core/core.js';
import { buildTree } from '../core/model/tree.js';
import { keptCursor, selectedContainer, visibleContainers } from './derive.js';
import type { UiStore } from './ui-store.js';

/**
 * Keeps the UI store in step with the world: reads it (folding asks that arrive meanwhile), keeps the selection
 * valid, derives the selected container's tree from the listing in memory, and opens the recovery dialog for an
 * operation a kill or crash left half-done.
 */
export class WorldSync {
  constructor(
    private readonly core: Core,
    private readonly ui: UiStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** After a refresh: keep the selection valid and the tree current. */
  async sync(): Promise<void> {
    const list = visibleContainers(this.core.store.getState(), this.ui.getState());
    const ui = this.ui.getState();
    if (!list.some((c) => c.id === ui.selected)) this.ui.setState({ selected: list[0]?.id, treeCursor: 0, detailsScroll: 0, treeMarks: [] });
    await this.loadTree();
  }

  async loadTree(): Promise<void> {
    const c = selectedContainer(this.core.store.getState(), this.ui.getState());
    if (!c?.dataset || c.reason) {
      this.ui.setState({ tree: undefined });
      return;
    }
    try {
      // Derived from the listing the last refresh read (buildTree is pure): moving the cursor costs no process.
      const world = this.core.store.getState().world;
      // In a cluster, the container's own node's listing (every node has its own pools, often named alike).
      const inventory = c.node ? world?.nodes?.find((n) => n.name === c.node)?.world?.inventory : world?.inventory;
      const tree = inventory?.get(c.dataset) ? buildTree(c.id, c.dataset, inventory, { pveSnapshots: c.pveSnapshots }) : await this.core.tree(c.id);
      const ui = this.ui.getState();
      if (ui.selected !== c.id) return;
      const other = ui.tree !== undefined && ui.tree.container !== tree.container;
      this.ui.setState({ tree, treeCursor: keptCursor(ui.tree, ui.treeCursor, tree, ui), ...(other ? { treeMarks: [], treeCollapsed: [] } : {}) });
    } catch (error) {
      this.onError(error);
    }
  }

  private refreshing?: Promise<void>;
  private refreshAgain = false;

  /**
   * Reads the world again. The timer, the watcher and finished actions all ask for this; asks that arrive while one
   * runs are folded into a single read after it, so a burst costs one extra read, not one each.
   */
  async refresh(): Promise<void> {
    return this.refreshAfter(Number.POSITIVE_INFINITY);
  }

  /** When the latest read began (ms): a change made before that is in the world already. */
  private lastReadStart = 0;

  /**
   * Reads the world again unless a read that began after `changedAt` (ms) has it already: the events.log line an
   * operation of this console wrote arrives after the read that operation's end asked for.
   */
  async refreshAfter(changedAt: number): Promise<void> {
    if (this.lastReadStart > changedAt) return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        this.lastReadStart = Date.now();
        try {
          await this.core.refresh();
          await this.sync();
        } catch (error) {
          this.onError(error);
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
      return this.onError(error);
    }
    // Unchanged: no new state, so no new frame.
    if (JSON.stringify(list) !== JSON.stringify(this.ui.getState().interrupted)) this.ui.setState({ interrupted: list });
    const fresh = list.findIndex((e) => !this.shownInterrupted.has(e.id));
    if (fresh < 0 || this.ui.getState().mode !== 'normal') return;
    for (const e of list) this.shownInterrupted.add(e.id);
    this.ui.setState({ mode: 'dialog', dialog: { kind: 'recover', index: fresh } });
  }
}

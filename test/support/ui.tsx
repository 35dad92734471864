import { render } from 'ink-testing-library';
import { ClusterCore } from '../../src/core/nodes/cluster-core.js';
import { createDemoCluster } from '../../src/demo/demo-cluster.js';
import { App } from '../../src/app/App.js';
import { keyOf, type Binding, type CommandId } from '../../src/app/bindings.js';
import type { Pane } from '../../src/app/ui-store.js';
import { dialogModule } from '../../src/app/dialogs/index.js';
import { TEXT_FIELD_BINDINGS, type FieldEditId } from '../../src/app/text-field.js';
import { AppController } from '../../src/app/controller.js';
import { createUiStore } from '../../src/app/ui-store.js';
import { ASCII_GLYPHS, UNICODE_GLYPHS } from '../../src/present/glyphs.js';
import { createContext } from '../../src/core/context.js';
import { Core } from '../../src/core/core.js';
import { createDemoHost, DEMO_IDENTITY } from '../../src/demo/demo-host.js';
import { loadTheme } from '../../themes/index.js';

/** The console over a fresh demo host, rendered by ink-testing-library, with helpers that wait instead of sleeping. */
export async function renderConsole(
  opts: {
    readOnly?: boolean;
    ascii?: boolean;
    theme?: string;
    /** A demo host prepared by the test (more containers, another pool size); a fresh one otherwise. */
    host?: Awaited<ReturnType<typeof createDemoHost>>;
    /** The terminal size (ink-testing-library has none: the console then assumes 80x24). */
    size?: { columns: number; rows: number };
    /** Receives what `y` puts on the terminal's clipboard. */
    clipboard?: (text: string) => void;
    /**
     * The tree's order. The console shows it newest first; tests written before that walk it oldest first (NOW at
     * the bottom, older checkpoints up), so that stays the helper's default and tests about the order ask for 'newest'.
     */
    treeOrder?: 'newest' | 'oldest';
    /** The demo cluster (pve1 = the demo host, pve2, pve3) behind the console's ClusterCore. */
    cluster?: boolean;
  } = {},
) {
  const host = opts.host ?? (await createDemoHost());
  const single = new Core(createContext(host.config, host.runner));
  const core = opts.cluster ? new ClusterCore(await createDemoCluster(host, single, DEMO_IDENTITY)) : single;
  let quit = false;
  const ui = createUiStore(opts.readOnly ?? false);
  ui.setState({ treeNewestFirst: opts.treeOrder === 'newest' });
  const controller = new AppController(core, ui, () => (quit = true), opts.clipboard ? { clipboard: opts.clipboard } : {});
  const look = { theme: loadTheme(opts.theme ?? 'dark'), glyphs: opts.ascii ? ASCII_GLYPHS : UNICODE_GLYPHS, ascii: opts.ascii ?? false };
  const r = render(<App controller={controller} look={look} host="pve-demo" />);
  if (opts.size) {
    Object.defineProperty(r.stdout, 'columns', { value: opts.size.columns, configurable: true });
    Object.defineProperty(r.stdout, 'rows', { value: opts.size.rows, configurable: true });
    r.stdout.emit('resize');
  }
  await controller.refresh();
  const settle = async () => {
    // React 19 commits asynchronously: yield to it before and after the controller is idle.
    await new Promise((res) => setImmediate(res));
    await controller.idle();
    await new Promise((res) => setTimeout(res, 0));
    await new Promise((res) => setImmediate(res));
  };
  await settle();
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await settle();
    }
  };
  const type = (text: string) => press(...text.split(''));
  /** Presses a command by id, with the first key its bindings table gives it (tests never spell keys). */
  const command = (id: CommandId, table?: readonly Binding[], pane?: Pane) => press(keyBytes(keyOf(id, table, pane)));
  /** Presses a command of the open dialog, by id, through that dialog's own table. */
  const dialogCommand = (id: CommandId) => {
    const d = controller.ui.getState().dialog;
    if (!d) throw new Error(`no dialog open for ${id}`);
    return press(keyBytes(keyOf(id, dialogModule(d).bindings(d))));
  };
  /**
   * Presses an editing key of the text field being typed in, by id (TEXT_FIELD_BINDINGS), with its first key; `key`
   * picks another of its keys when the test is about that one (Ctrl-A as well as Home), and must be one of them.
   */
  const edit = (id: FieldEditId, key?: string) => {
    const b = TEXT_FIELD_BINDINGS.find((x) => x.id === id)!;
    if (key !== undefined && !b.keys.includes(key)) throw new Error(`${key} is not a key of ${id} (${b.keys.join(', ')})`);
    return press(keyBytes(key ?? b.keys[0]!));
  };
  return { ...r, host, core, controller, press, type, command, dialogCommand, edit, settle, quitRequested: () => quit, frame: () => r.lastFrame() ?? '' };
}

const NAMED: Record<string, string> = {
  return: '\r',
  escape: '\x1b',
  tab: '\t',
  'shift-tab': '\x1b[Z',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  home: '\x1b[H',
  end: '\x1b[F',
  pageup: '\x1b[5~',
  pagedown: '\x1b[6~',
  backspace: '\x7f',
  delete: '\x1b[3~',
  'ctrl-left': '\x1b[1;5D',
  'ctrl-right': '\x1b[1;5C',
};

/** What a terminal sends for a key name (keys.ts names): 'ctrl-d' -> \x04, 'pagedown' -> CSI 6 ~, 'j' -> 'j'. */
export function keyBytes(name: string): string {
  if (NAMED[name]) return NAMED[name];
  const ctrl = /^ctrl-([a-z])$/.exec(name);
  if (ctrl) return String.fromCharCode(ctrl[1]!.charCodeAt(0) - 96);
  if ([...name].length === 1) return name;
  throw new Error(`no bytes known for key ${name}`);
}

export const KEY = { enter: '\r', esc: '\x1b', tab: '\t', up: '\x1b[A', down: '\x1b[B', backspace: '\x7f' };

/** Frame text without ANSI escapes. */
export function plain(frame: string): string {
  return frame.replace(/\x1b\[[0-9;]*m/g, '');
}

import { render } from 'ink-testing-library';
import { App } from '../../src/app/App.js';
import { AppController } from '../../src/app/controller.js';
import { createUiStore } from '../../src/app/ui-store.js';
import { ASCII_GLYPHS, UNICODE_GLYPHS } from '../../src/present/glyphs.js';
import { createContext } from '../../src/core/context.js';
import { Core } from '../../src/core/core.js';
import { createDemoHost } from '../../src/demo/demo-host.js';
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
  } = {},
) {
  const host = opts.host ?? (await createDemoHost());
  const core = new Core(createContext(host.config, host.runner));
  let quit = false;
  const controller = new AppController(core, createUiStore(opts.readOnly ?? false), () => (quit = true));
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
  return { ...r, host, core, controller, press, type, settle, quitRequested: () => quit, frame: () => r.lastFrame() ?? '' };
}

export const KEY = { enter: '\r', esc: '\x1b', tab: '\t', up: '\x1b[A', down: '\x1b[B', backspace: '\x7f' };

/** Frame text without ANSI escapes. */
export function plain(frame: string): string {
  return frame.replace(/\x1b\[[0-9;]*m/g, '');
}

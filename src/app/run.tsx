import { render } from 'ink';
import { hostname } from 'node:os';
import type { Core } from '../core/core.js';
import { StateWatcher } from '../core/state/watcher.js';
import { pickGlyphs } from '../present/glyphs.js';
import { pickTheme } from '../../themes/index.js';
import { App } from './App.js';
import { AppController } from './controller.js';
import { ScreenDiffStream } from './screen-diff.js';
import { createUiStore } from './ui-store.js';
import { mutationsDone, SIGNAL_EXIT_CODES, waitingLine, type HandledSignal } from './shutdown.js';
import { safeLines } from '../present/safe-text.js';

export interface ConsoleOptions {
  readOnly: boolean;
  ascii: boolean;
  theme?: string;
  host?: string;
}

// Home and clear too: the screen model (screen-diff.ts) starts from a blank screen with the cursor at the top left.
const ENTER_ALT = '\x1b[?1049h\x1b[H\x1b[2J';
const LEAVE_ALT = '\x1b[?1049l\x1b[?25h';

/**
 * Opens the console: alternate screen (restored on exit, crash, SIGINT, SIGTERM and SIGHUP, so an SSH drop never
 * leaves the terminal broken), live updates from the state-directory watcher and a periodic refresh, one exit path.
 * Whatever ends it (q, a signal), a change still running is waited for on the normal screen rather than abandoned
 * half-way; a second signal exits at once.
 */
export async function runConsole(core: Core, options: ConsoleOptions): Promise<number> {
  const ui = createUiStore(options.readOnly);
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  // y: the snapshot name goes to the clipboard of the terminal the admin sits at (OSC 52, through SSH and tmux).
  const clipboard = (text: string) => process.stdout.write('\x1b]52;c;' + Buffer.from(text).toString('base64') + '\x07');
  const controller = new AppController(core, ui, () => finish(0), { clipboard });
  const look = {
    theme: pickTheme(options.theme ?? core.ctx.config.ui.theme),
    glyphs: pickGlyphs(options.ascii),
    ascii: options.ascii || !/utf-?8/i.test(process.env.LC_ALL || process.env.LC_CTYPE || process.env.LANG || ''),
  };
  const restore = () => process.stdout.write(LEAVE_ALT);
  process.stdout.write(ENTER_ALT);
  process.on('exit', restore);
  let stopping = false;
  const onSignal = (signal: HandledSignal) => {
    if (!stopping) {
      stopping = true;
      return finish(SIGNAL_EXIT_CODES[signal]);
    }
    restore();
    process.exit(SIGNAL_EXIT_CODES[signal]);
  };
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as HandledSignal[]) process.on(signal, onSignal);
  process.on('uncaughtException', (error) => {
    restore();
    process.stderr.write(`${safeLines(error?.stack ?? String(error))}\n`);
    process.exit(1);
  });
  const watcher = new StateWatcher(core.ctx.config.state_dir, core.store);
  watcher.start();
  // A new event (another console's operation, or this one's) reads the world again. By the newest event, not the
  // count: the watcher keeps the last 500, so past that the count stays the same.
  let lastEvent = core.store.getState().events.at(-1);
  const unsub = core.store.subscribe((s) => {
    if (s.events.at(-1) !== lastEvent) {
      lastEvent = s.events.at(-1);
      // This console's own operation: the read its end asked for began after the line was written, so none is due.
      void controller.refreshAfter(lastEvent ? Date.parse(lastEvent.ts) : Number.POSITIVE_INFINITY);
    }
  });
  const timer = setInterval(() => void controller.refresh(), core.ctx.config.ui.refresh_seconds * 1000);
  // Over SSH every byte counts: Ink's frames go through a screen model that writes only the cells that changed, and
  // nothing for a frame that changed nothing. Not Ink 6.8's `incrementalRendering`: with a frame shorter than the
  // terminal (the root is rows - 1 high, see App.tsx) it moves the cursor up one line too few and draws every later
  // frame one line low, leaving the first line stale; its unit is the whole line anyway (~170 bytes a line here).
  const terminal = new ScreenDiffStream(process.stdout);
  const app = render(<App controller={controller} look={look} host={options.host ?? hostname()} />, {
    stdout: terminal as unknown as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  void controller.refresh();
  const code = await done;
  stopping = true;
  clearInterval(timer);
  unsub();
  app.unmount();
  terminal.detach();
  restore();
  process.off('exit', restore);
  await watcher.stop();
  if (core.store.getState().mutating > 0) {
    // After a hangup the terminal is gone and writes fail (EIO): that must not end the wait.
    process.stdout.on('error', () => undefined);
    process.stderr.on('error', () => undefined);
    process.stderr.write(`${waitingLine(core.store.getState())}\n`);
    await mutationsDone(core.store);
  }
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as HandledSignal[]) process.off(signal, onSignal);
  return code;
}

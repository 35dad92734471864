import { existsSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { watch, type FSWatcher } from 'chokidar';
import { parseLxcriState } from '../containers/sources/lxcri-parse.js';
import type { CoreStore, RuntimeState } from '../store.js';
import { parseEvents } from './events.js';

export interface WatcherOptions {
  /** At most one store update per this many ms (bursts are coalesced). */
  coalesceMs?: number;
  /** How often to look for a state directory that does not exist (yet, or any more). */
  pollMs?: number;
  /** Events kept in the store. */
  eventLimit?: number;
}

const STATE_FILE = /\/containers\/([^/]+)\/state\.json$/;

/**
 * Watches `<state_dir>`: `containers/<id>/state.json` (the LXCRI runtime's view) and `runtime/events.log` (what every
 * console did). It survives the directory being absent at start, deleted or recreated; a malformed state file marks
 * that container with the parse error. Changes reach the store at most once per `coalesceMs`.
 */
export class StateWatcher {
  private watcher?: FSWatcher;
  private poll?: NodeJS.Timeout;
  private flushTimer?: NodeJS.Timeout;
  private readonly pending = new Set<string>();
  private eventsOffset = 0;
  private stopped = false;
  /** Store updates made so far (tests and the benchmark read it). */
  flushes = 0;

  constructor(
    private readonly dir: string,
    private readonly store: CoreStore,
    private readonly options: WatcherOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    if (existsSync(this.dir)) this.attach();
    else this.waitForDir();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const w = this.watcher;
    this.watcher = undefined;
    await w?.close();
  }

  private waitForDir(): void {
    clearInterval(this.poll);
    this.poll = setInterval(() => {
      if (existsSync(this.dir)) {
        clearInterval(this.poll);
        this.attach();
      }
    }, this.options.pollMs ?? 500);
    this.poll.unref?.();
  }

  private attach(): void {
    if (this.stopped || this.watcher) return;
    this.eventsOffset = 0;
    const w = watch(this.dir, { depth: 3, ignoreInitial: false, awaitWriteFinish: false });
    this.watcher = w;
    const touch = (path: string) => this.schedule(path);
    w.on('add', touch).on('change', touch).on('unlink', touch);
    w.on('unlinkDir', (path) => {
      if (path === this.dir) void this.detach(w);
      else this.schedule(path);
    });
    w.on('error', () => void this.detach(w));
  }

  /** The directory went away: drop this watcher (once) and wait for the directory to come back. */
  private async detach(w: FSWatcher): Promise<void> {
    if (this.watcher !== w) return;
    this.watcher = undefined;
    await w.close();
    this.schedule(this.dir);
    if (!this.stopped) this.waitForDir();
  }

  private schedule(path: string): void {
    this.pending.add(path);
    if (this.flushTimer || this.stopped) return;
    this.flushTimer = setTimeout(() => void this.flush(), this.options.coalesceMs ?? 100);
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    const paths = [...this.pending];
    this.pending.clear();
    const states: Record<string, RuntimeState> = { ...this.store.getState().runtimeStates };
    let events = this.store.getState().events;
    for (const path of paths) {
      const m = STATE_FILE.exec(path);
      if (m) states[m[1]!] = await readState(path, m[1]!);
      else if (path.endsWith('/containers') || path === this.dir) {
        for (const id of Object.keys(states)) if (!existsSync(`${this.dir}/containers/${id}/state.json`)) delete states[id];
      } else if (/\/containers\/[^/]+$/.test(path) && !existsSync(path)) delete states[path.split('/').pop()!];
    }
    if (paths.some((p) => p.endsWith('/runtime/events.log') || p === this.dir || p.endsWith('/runtime'))) {
      events = [...events, ...(await this.readNewEvents())].slice(-(this.options.eventLimit ?? 500));
    }
    this.flushes++;
    this.store.setState({ runtimeStates: states, events });
  }

  /** The lines appended to events.log since the last read; starts over when the file was replaced or truncated. */
  private async readNewEvents() {
    const file = `${this.dir}/runtime/events.log`;
    const size = await stat(file).then(
      (s) => s.size,
      () => -1,
    );
    if (size < 0) {
      this.eventsOffset = 0;
      return [];
    }
    if (size < this.eventsOffset) this.eventsOffset = 0;
    if (size === this.eventsOffset) return [];
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(size - this.eventsOffset);
      await fh.read(buf, 0, buf.length, this.eventsOffset);
      const text = buf.toString('utf8');
      const complete = text.lastIndexOf('\n') + 1;
      this.eventsOffset += Buffer.byteLength(text.slice(0, complete));
      return parseEvents(text.slice(0, complete));
    } finally {
      await fh.close();
    }
  }
}

async function readState(path: string, id: string): Promise<RuntimeState> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return { id, error: 'state.json disappeared' };
  try {
    const s = parseLxcriState(text, id);
    return { id, status: s.status, ...(s.pid ? { pid: s.pid } : {}) };
  } catch (error) {
    return { id, error: `state.json: ${(error as Error).message}` };
  }
}

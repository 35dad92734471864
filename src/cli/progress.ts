import type { CoreStore, OperationProgress } from '../core/store.js';
import { operationText } from '../present/progress-text.js';
import { safeText } from '../present/safe-text.js';

export interface ProgressSink {
  write(text: string): void;
  /** Columns of the terminal (a live line is cut to them). */
  columns?: number;
}

export interface Progress {
  /** Takes a live line off the terminal before other output is printed (it comes back with the next update). */
  clear(): void;
  stop(): void;
}

/** How often a stream's progress is printed as a line (not live): a log of a long send, not a flood. */
const LINE_EVERY_MS = 5000;

/**
 * The running operations of the command's nodes on stderr (changes only, as the console's status line shows them).
 * `live` (stderr is a terminal): one line rewritten in place, ticking once a second, gone at the end. Otherwise
 * (`--progress` into a file or pipe): a line per step, and a stream's progress every few seconds.
 */
export function showProgress(stores: readonly CoreStore[], sink: ProgressSink, opts: { live: boolean; now?: () => number }): Progress {
  const now = opts.now ?? Date.now;
  let shown = false;
  let lastStep = '';
  let lastLine = 0;
  const running = (): OperationProgress | undefined => {
    for (const store of stores) {
      const s = store.getState();
      if (s.mutating > 0 && s.operation) return s.operation;
    }
    return undefined;
  };
  const clear = () => {
    if (shown) sink.write('\r\x1b[K');
    shown = false;
  };
  const update = () => {
    const op = running();
    if (!op) return clear();
    const text = safeText(operationText(op, now()));
    if (opts.live) {
      const room = Math.max(10, (sink.columns ?? 80) - 1);
      sink.write(`\r\x1b[K${text.length > room ? `${text.slice(0, room - 1)}…` : text}`);
      shown = true;
      return;
    }
    // A new step, the first bytes of its stream, then the stream every few seconds.
    const key = `${op.title}\0${op.step}\0${op.transfer ? 'stream' : ''}`;
    if (key === lastStep && (!op.transfer || now() - lastLine < LINE_EVERY_MS)) return;
    lastStep = key;
    lastLine = now();
    sink.write(`${text}\n`);
  };
  const unsubscribe = stores.map((store) => store.subscribe(update));
  const tick = opts.live ? setInterval(update, 1000) : undefined;
  tick?.unref();
  return {
    clear,
    stop() {
      for (const u of unsubscribe) u();
      if (tick) clearInterval(tick);
      clear();
    },
  };
}

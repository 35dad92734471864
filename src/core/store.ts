import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CommandLogEntry } from './runner/command-log.js';
import type { World } from './world.js';
import type { RuntimeEvent } from './state/events.js';

/** Bytes of a stream that went through so far, of its estimate, since it started. */
export interface TransferProgress {
  done: number;
  total: number;
  startedAt: number;
}

export interface OperationProgress {
  title: string;
  step: string;
  startedAt: number;
  /** The step's stream, while one runs through this process (a relayed send). */
  transfer?: TransferProgress;
}

/** What the LXCRI runtime's state.json says about one container (or why it could not be read). */
export interface RuntimeState {
  id: string;
  status?: string;
  pid?: number;
  error?: string;
}

export interface CoreState {
  world?: World;
  /** Core tasks in flight; tests and the UI wait for 0. */
  busy: number;
  /** Of those, operations that change something (quitting asks first while one runs). */
  mutating: number;
  operation?: OperationProgress;
  /** Every command run, newest last (runner/command-log.ts). */
  commandLog: CommandLogEntry[];
  /** From the state-directory watcher: what the runtime's state.json says, by container id. */
  runtimeStates: Record<string, RuntimeState>;
  events: RuntimeEvent[];
}

export type CoreStore = StoreApi<CoreState>;

export function createCoreStore(): CoreStore {
  return createStore<CoreState>()(() => ({ busy: 0, mutating: 0, commandLog: [], runtimeStates: {}, events: [] }));
}

/** Runs a core task with the busy counter and the current-operation line kept up to date. */
export async function track<T>(
  store: CoreStore,
  title: string,
  task: (step: (text: string, transfer?: TransferProgress) => void) => Promise<T>,
  mutating = false,
): Promise<T> {
  const startedAt = Date.now();
  const m = mutating ? 1 : 0;
  store.setState((s) => ({ busy: s.busy + 1, mutating: s.mutating + m, operation: { title, step: 'starting', startedAt } }));
  try {
    return await task((text, transfer) => store.setState({ operation: { title, step: text, startedAt, ...(transfer ? { transfer } : {}) } }));
  } finally {
    store.setState((s) => ({ busy: s.busy - 1, mutating: s.mutating - m, ...(s.busy - 1 === 0 ? { operation: undefined } : {}) }));
  }
}

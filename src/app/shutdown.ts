import type { CoreState, CoreStore } from '../core/store.js';
import { safeText } from '../present/safe-text.js';

/** Exit codes of the signals the console handles: 128 + the signal's number, as a shell reports them. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;

/** Resolves once no core operation that changes something is in flight. */
export function mutationsDone(store: CoreStore): Promise<void> {
  return new Promise((resolve) => {
    if (store.getState().mutating === 0) return resolve();
    const unsubscribe = store.subscribe((s) => {
      if (s.mutating > 0) return;
      unsubscribe();
      resolve();
    });
  });
}

/** The one line printed on the normal screen while the console waits for a change to finish before it exits. */
export function waitingLine(s: CoreState): string {
  // A refresh started meanwhile may hold the current-operation line for a moment: it is not what is waited for.
  const op = s.operation && s.operation.title !== 'refresh' ? ` (${s.operation.title}: ${s.operation.step})` : '';
  return safeText(
    `lxcri-console: waiting for the running operation to finish${op}; a second signal exits at once and may leave it half-done (then see \`lxcri-console recover\`)`,
  );
}

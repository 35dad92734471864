import { LxcriError } from '../errors.js';
import type { Zfs } from '../tools/zfs/zfs.js';

/** What a step's failure does to the operation. */
export type FailurePolicy =
  /** Reverse this step and every done one, newest first (the default: a restore is all or nothing). */
  | 'undo'
  /** Keep what is done and end (forward-only work such as destroys, or a start after a finished restore). */
  | 'stop'
  /** Record it and go on with the next step (independent items: each prune item stands alone). */
  | 'continue';

/** One checked step of an operation, with the action that reverses it. */
export interface Step {
  title: string;
  run: () => Promise<void>;
  undo?: () => Promise<void>;
  onFailure?: FailurePolicy;
}

export interface StepReport {
  title: string;
  status: 'done' | 'failed' | 'undone' | 'undo-failed' | 'skipped' | 'pending';
  error?: string;
}

/** Thrown by a step whose guard finds it must not act (a prune item that became held): recorded as skipped. */
export class SkipStep extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SkipStep';
  }
}

export class OperationFailedError extends LxcriError {
  constructor(
    readonly operation: string,
    readonly failedStep: string,
    readonly failure: Error,
    readonly steps: StepReport[],
    /** The journal kept for `lxcri-console recover`, when the failure left something to finish or undo. */
    readonly journalId?: string,
  ) {
    const undoFailed = steps.filter((s) => s.status === 'undo-failed');
    const undone = steps.some((s) => s.status === 'undone');
    const kept = steps.filter((s) => s.status === 'done');
    const fate = undoFailed.length
      ? `; undo failed for: ${undoFailed.map((s) => s.title).join(', ')}`
      : undone || !kept.length
        ? '; every earlier step was undone'
        : `; kept what was done (${kept.length} step(s))`;
    // The code names the root cause (out-of-space, busy, criu-restore-failed…) for scripts reading --json.
    super(
      failure instanceof LxcriError ? failure.code : 'operation-failed',
      `${operation} failed at "${failedStep}": ${failure.message}${fate}`,
      journalId
        ? `finish or undo it with \`lxcri-console recover ${journalId} --finish\` or \`--undo\` (see \`lxcri-console recover\`)`
        : undoFailed.length
          ? 'the listed steps could not be undone: check `zfs list -t all -r` and fix them by hand (see the log file)'
          : failure instanceof LxcriError
            ? failure.hint
            : 'fix the cause and retry',
    );
    this.name = 'OperationFailedError';
  }
}

/**
 * What a step tolerates as "already done" when it runs again after a crash, and only then: on a first run an
 * existing target is someone else's, and a missing one is a real failure.
 */
export function whenRecovering(recovering: boolean, ...codes: string[]): string[] {
  return recovering ? codes : [];
}

/**
 * Runs `action`, treating an error with one of `codes` (the core's error codes: 'exists', 'not-found',
 * 'not-mounted', 'already-mounted') as "already in that state", so steps can run again after a crash.
 */
export async function tolerate(action: () => Promise<void>, ...codes: string[]): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof LxcriError && codes.includes(error.code))) throw error;
  }
}

/**
 * `zfs rename from to`, where a rename that already happened counts as done (its source gone, its target there):
 * a step run again after an interruption.
 */
export async function renameOnce(zfs: Zfs, from: string, to: string): Promise<void> {
  try {
    await zfs.rename(from, to);
  } catch (error) {
    if (!(error instanceof LxcriError && error.code === 'not-found' && (await zfs.exists(to)) && !(await zfs.exists(from)))) throw error;
  }
}

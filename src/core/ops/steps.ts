import { LxcriError } from '../errors.js';

/** One checked step of an operation, with the action that reverses it. */
export interface Step {
  title: string;
  run: () => Promise<void>;
  undo?: () => Promise<void>;
  /** Undo title, shown in the report. */
  undoTitle?: string;
}

export interface StepReport {
  title: string;
  status: 'done' | 'failed' | 'undone' | 'undo-failed' | 'skipped';
  error?: string;
}

export class OperationFailedError extends LxcriError {
  constructor(
    readonly operation: string,
    readonly failedStep: string,
    readonly failure: Error,
    readonly steps: StepReport[],
  ) {
    const undoFailed = steps.filter((s) => s.status === 'undo-failed');
    super(
      'operation-failed',
      `${operation} failed at "${failedStep}": ${failure.message}` +
        (undoFailed.length ? `; undo failed for: ${undoFailed.map((s) => s.title).join(', ')}` : '; every earlier step was undone'),
      undoFailed.length
        ? 'the listed steps could not be undone: check `zfs list -t all -r` and fix them by hand (see the log file)'
        : failure instanceof LxcriError ? failure.hint : 'nothing was changed; fix the cause and retry',
    );
    this.name = 'OperationFailedError';
  }
}

/** Runs `action`, treating an error matching `pattern` as "already in that state" (steps re-run after a crash). */
export async function tolerate(action: () => Promise<void>, pattern: RegExp): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof Error && pattern.test(error.message))) throw error;
  }
}

/** Step hooks: the journal records each step's fate, and the failpoint hook can stop the process in between. */
export interface StepHooks {
  onStep?: (title: string) => void;
  started?: (index: number) => Promise<void>;
  done?: (index: number) => Promise<void>;
  undone?: (index: number) => Promise<void>;
}

/**
 * Runs steps in order. When one fails, the steps already done are undone in reverse order and an
 * OperationFailedError reports every step's fate.
 */
export async function runSteps(operation: string, steps: Step[], hooks: StepHooks | ((title: string) => void) = {}): Promise<StepReport[]> {
  const h: StepHooks = typeof hooks === 'function' ? { onStep: hooks } : hooks;
  const reports: StepReport[] = [];
  const done: Array<{ step: Step; index: number }> = [];
  for (const [index, step] of steps.entries()) {
    h.onStep?.(step.title);
    try {
      await h.started?.(index);
      await step.run();
      await h.done?.(index);
      reports.push({ title: step.title, status: 'done' });
      done.push({ step, index });
    } catch (error) {
      reports.push({ title: step.title, status: 'failed', error: (error as Error).message });
      await undoSteps(done, reports, h);
      throw new OperationFailedError(operation, step.title, error as Error, reports);
    }
  }
  return reports;
}

/** Undoes done steps, newest first, recording each outcome in `reports` (matched by title). */
export async function undoSteps(done: Array<{ step: Step; index: number }>, reports: StepReport[], h: StepHooks = {}): Promise<void> {
  for (const { step, index } of [...done].reverse()) {
    const report = reports.find((r) => r.title === step.title);
    if (!step.undo) continue;
    h.onStep?.(`undo: ${step.undoTitle ?? step.title}`);
    try {
      await step.undo();
      await h.undone?.(index);
      if (report) report.status = 'undone';
    } catch (undoError) {
      if (report) {
        report.status = 'undo-failed';
        report.error = (undoError as Error).message;
      }
    }
  }
}

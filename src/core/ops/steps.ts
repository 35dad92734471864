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

/**
 * Runs steps in order. When one fails, the steps already done are undone in reverse order and an
 * OperationFailedError reports every step's fate.
 */
export async function runSteps(operation: string, steps: Step[], onStep?: (title: string) => void): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  const done: Step[] = [];
  for (const step of steps) {
    onStep?.(step.title);
    try {
      await step.run();
      reports.push({ title: step.title, status: 'done' });
      done.push(step);
    } catch (error) {
      reports.push({ title: step.title, status: 'failed', error: (error as Error).message });
      for (const prev of done.reverse()) {
        const report = reports.find((r) => r.title === prev.title)!;
        if (!prev.undo) continue;
        onStep?.(`undo: ${prev.undoTitle ?? prev.title}`);
        try {
          await prev.undo();
          report.status = 'undone';
        } catch (undoError) {
          report.status = 'undo-failed';
          report.error = (undoError as Error).message;
        }
      }
      throw new OperationFailedError(operation, step.title, error as Error, reports);
    }
  }
  return reports;
}

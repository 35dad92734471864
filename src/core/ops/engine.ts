import type { CoreContext } from '../context.js';
import { AbortedError, LxcriError } from '../errors.js';
import { ToolAbortedError, ToolTimeoutError } from '../runner/errors.js';
import { failpoint, JournalWriteError, type JournalEntry, type JournalStepStatus } from '../state/journal.js';
import { OperationFailedError, SkipStep, type Step, type StepReport } from './steps.js';
import type { TransferProgress } from '../store.js';

/**
 * One kind of operation the engine runs: its name (the journal's and the failpoints' key) and how its steps are
 * built from its input. The input is all the steps need, so an interrupted operation is rebuilt from its journal.
 * `recovering` is true when the steps run again after an interruption.
 */
export interface OperationDef<I> {
  name: string;
  /** `out` collects what steps learn as they run (a CRIU restore's outcome) for the caller's result. */
  steps: (ctx: CoreContext, input: I, recovering: boolean, out?: Record<string, unknown>) => Step[];
  /**
   * One journal write per step instead of two (for operations on another node, where each write is a round trip):
   * the plan is written with its first step running, a step's "done" goes with the next step's "running", and the
   * last step's "done" is not written (the journal is removed next). The journal so only ever says what a kill at a
   * failpoint leaves too: a step running that may or may not have run, every step before it done.
   */
  joinMarks?: boolean;
}

export interface OperationRun<I> {
  /** Container id(s), space-separated: what the journal and messages name. */
  container: string;
  /** The datasets the operation holds locked (recovery locks the same). */
  datasets: readonly string[];
  /** Operator wording for messages: "branch restore of 101 to checkpoint-…". */
  title: string;
  input: I;
}

/** Progress a face shows: the step now running. */
/** Reports the step running now; a step streaming through this process adds how far its stream is. */
export type OnStep = (title: string, transfer?: TransferProgress) => void;

/** A step that timed out or was aborted may still complete later (zfs keeps working): its journal must stay. */
function mayCompleteLate(error: unknown): boolean {
  return error instanceof ToolTimeoutError || error instanceof ToolAbortedError;
}

/** An operation stopped between two steps because its session asked (quit): the done steps were undone or kept per policy. */
export class CancelledError extends AbortedError {
  constructor(message: string) {
    super(message);
    this.name = 'CancelledError';
  }
}

/**
 * The one step engine. It journals the plan before the first step, marks each step running then done, fires the
 * failpoints, and on a failure applies the step's policy: undo (this step too, since it may have half-happened, then
 * every done step, newest first), stop, or continue. The journal is removed when the operation ends cleanly; it is
 * kept, and the error names it, when a step may complete late, an undo failed, or the journal itself failed.
 */
export async function runOperation<I>(
  ctx: CoreContext,
  def: OperationDef<I>,
  run: OperationRun<I>,
  onStep?: OnStep,
  out?: Record<string, unknown>,
): Promise<StepReport[]> {
  const steps = def.steps(ctx, run.input, false, out);
  // Read once: a later cancel() of the session (a fresh signal) does not reach into this operation, nor the reverse.
  const cancel = ctx.cancel;
  // Independent steps (a prune's deletions) may stop anywhere; otherwise only where the done steps can be undone.
  const independent = steps.every((s) => s.onFailure === 'continue');
  // Cancelled (the console quit): a step that has not started does not start, where that leaves the operation
  // whole: its done steps undone, or independent steps kept. A step that must run once the others are done (a
  // container's start after a restore) is never cancelled: the operation runs to its end instead.
  const cancelledBefore = (step: Step) => cancel?.aborted === true && (independent || (step.onFailure ?? 'undo') === 'undo');
  const join = def.joinMarks === true;
  const firstRunning = join && steps.length > 0 && !cancelledBefore(steps[0]!);
  const handle = await ctx.journal.begin(
    def.name,
    run.container,
    run.datasets,
    run.input,
    steps.map((s) => s.title),
    firstRunning ? 0 : undefined,
  );
  const reports: StepReport[] = steps.map((s) => ({ title: s.title, status: 'pending' }));
  const mark = (i: number, status: JournalStepStatus) => handle.mark(i, status);
  let journalBroken = false;
  for (const [i, step] of steps.entries()) {
    onStep?.(step.title);
    try {
      if (cancelledBefore(step)) throw new CancelledError(`${run.title}: cancelled before "${step.title}" started`);
      if (!(i === 0 && firstRunning)) await mark(i, 'running');
      failpoint(def.name, i, 'before');
      await step.run();
      failpoint(def.name, i, 'after');
      reports[i]!.status = 'done';
      // Joined: written with the next step's "running" (or never, for the last: the journal is removed next).
      if (join) handle.note(i, 'done');
      else await mark(i, 'done');
    } catch (error) {
      if (error instanceof SkipStep) {
        reports[i] = { title: step.title, status: 'skipped', error: error.message };
        await mark(i, 'done').catch(() => undefined);
        continue;
      }
      journalBroken = error instanceof JournalWriteError;
      // The last step ran and only its mark failed: the operation is complete, there is nothing left to recover.
      if (journalBroken && i === steps.length - 1 && reports[i]!.status === 'done') {
        await handle.close();
        return reports;
      }
      // A journal failure after the step ran leaves the step done; before it ran, the step never started.
      const cancelled = error instanceof CancelledError;
      if (!journalBroken && !cancelled) reports[i] = { title: step.title, status: 'failed', error: (error as Error).message };
      // A cancel of independent steps stops there (those done stay done); any other cancel undoes the done steps.
      const policy = journalBroken ? 'undo' : cancelled ? (independent ? 'stop' : 'undo') : (step.onFailure ?? 'undo');
      if (policy === 'continue') {
        await mark(i, 'done').catch(() => undefined);
        continue;
      }
      const late = mayCompleteLate(error);
      if (policy === 'undo') {
        // The failed step is undone too, since it may have half-happened (a clone made, its properties not set);
        // not when zfs refused it because its target exists: then nothing happened, and what exists is not ours.
        const refused = (error instanceof LxcriError && error.code === 'exists') || cancelled;
        const toUndo = steps
          .map((s, index) => ({ step: s, index }))
          .slice(0, i + 1)
          .filter(({ index }) => reports[index]!.status === 'done' || (index === i && !journalBroken && !refused));
        // A step that may still complete stays "running" in the journal, so recovery undoes it again later. A mark
        // updates the entry in memory before writing it, so with the journal broken a later abandon() still writes
        // the truth if it can (undoSteps ignores a failed write).
        const markUndone = (index: number, status: JournalStepStatus) => (late && index === i ? Promise.resolve() : mark(index, status));
        await undoSteps(toUndo, reports, markUndone, onStep);
      }
      const keep = late || reports.some((r) => r.status === 'undo-failed');
      if (keep) await handle.abandon().catch(() => undefined);
      else await handle.close();
      throw new OperationFailedError(run.title, step.title, error as Error, reports, keep ? handle.entry.id : undefined);
    }
  }
  await handle.close();
  return reports;
}

/** Undoes steps newest first, recording each outcome; an undo that fails is retried once (busy, timeouts). */
async function undoSteps(
  todo: Array<{ step: Step; index: number }>,
  reports: StepReport[],
  mark?: (i: number, s: JournalStepStatus) => Promise<void>,
  onStep?: OnStep,
): Promise<void> {
  for (const { step, index } of [...todo].reverse()) {
    const report = reports[index]!;
    if (!step.undo) continue;
    onStep?.(`undo: ${step.title}`);
    try {
      await step.undo().catch(() => step.undo!());
      // The failed step keeps its "failed": its undo only cleaned up whatever half of it happened.
      if (report.status === 'done') report.status = 'undone';
      await mark?.(index, 'undone').catch(() => undefined);
    } catch (undoError) {
      report.status = 'undo-failed';
      report.error = (undoError as Error).message;
    }
  }
}

export type RecoveryMode = 'finish' | 'undo';

/** What an interrupted operation did, and the commands that finish or undo it. */
export function describeInterrupted(entry: JournalEntry): { done: string[]; unsure: string[]; pending: string[]; finish: string; undo: string } {
  return {
    done: entry.steps.filter((s) => s.status === 'done').map((s) => s.title),
    unsure: entry.steps.filter((s) => s.status === 'running').map((s) => s.title),
    pending: entry.steps.filter((s) => s.status === 'pending').map((s) => s.title),
    finish: `lxcri-console recover ${entry.id} --finish`,
    undo: `lxcri-console recover ${entry.id} --undo`,
  };
}

/**
 * Finishes (runs the step that was in flight and the rest) or undoes (reverses every step that was done or in
 * flight) an interrupted operation, with the same steps the operation ran. Steps tolerate having been done already,
 * since the process may have died just after one. Steps that cannot be reversed (a destroy) stay done on undo,
 * and the report says so.
 */
export async function recoverEntry<I>(ctx: CoreContext, def: OperationDef<I>, entry: JournalEntry, mode: RecoveryMode, onStep?: OnStep): Promise<StepReport[]> {
  const steps = def.steps(ctx, entry.input as I, true);
  const mark = async (i: number, status: JournalStepStatus) => {
    entry.steps[i]!.status = status;
    await ctx.journal.write(entry);
  };
  const title = `${mode === 'finish' ? 'finishing' : 'undoing'} ${entry.operation} of ${entry.container}`;
  const reports: StepReport[] = steps.map((s, i) => ({ title: s.title, status: entry.steps[i]?.status === 'done' ? 'done' : 'pending' }));
  if (mode === 'finish') {
    for (const [i, step] of steps.entries()) {
      if (entry.steps[i]?.status === 'done') continue;
      onStep?.(step.title);
      try {
        await step.run();
        reports[i]!.status = 'done';
      } catch (error) {
        if (error instanceof SkipStep) reports[i] = { title: step.title, status: 'skipped', error: error.message };
        else {
          reports[i] = { title: step.title, status: 'failed', error: (error as Error).message };
          if ((step.onFailure ?? 'undo') !== 'continue') throw new OperationFailedError(title, step.title, error as Error, reports, entry.id);
        }
      }
      await mark(i, 'done');
    }
  } else {
    const touched = entry.steps.map((s, index) => ({ s, index })).filter(({ s }) => s.status === 'done' || s.status === 'running');
    for (const { index } of touched) reports[index]!.status = 'done';
    await undoSteps(
      touched.map(({ index }) => ({ step: steps[index]!, index })),
      reports,
      mark,
      onStep,
    );
    const failed = reports.find((r) => r.status === 'undo-failed');
    if (failed) throw new OperationFailedError(title, failed.title, new Error(failed.error ?? 'undo failed'), reports, entry.id);
  }
  await ctx.journal.remove(entry.id);
  return reports;
}

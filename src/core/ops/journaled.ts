import type { CoreContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { failpoint, type JournalEntry } from '../state/journal.js';
import { branchRestoreSteps, type BranchRestoreInput } from './restore-branch.js';
import { OperationFailedError, runSteps, tolerate, undoSteps, type Step, type StepReport } from './steps.js';

export interface GroupCheckpointInput {
  snapshots: string[];
  props: Record<string, string>;
}

export interface PruneInput {
  snapshots: string[];
}

/**
 * Operations whose steps are journaled, by name: how to rebuild their steps from the journal's input.
 * `recovering` is true when the steps run again after an interruption.
 */
const OPERATIONS: Record<string, (ctx: CoreContext, input: never, recovering: boolean) => Step[]> = {
  'branch-restore': (ctx, input: BranchRestoreInput, recovering) => branchRestoreSteps(ctx, input, recovering),
  'group-checkpoint': (ctx, input: GroupCheckpointInput) =>
    input.snapshots.map((snap) => ({
      title: `snapshot ${snap}`,
      run: () => tolerate(() => ctx.zfs.snapshot([snap], input.props), /already exists/),
      undo: () => tolerate(() => ctx.zfs.destroy(snap), /does not exist/),
    })),
  prune: (ctx, input: PruneInput) =>
    input.snapshots.map((snap) => ({ title: `destroy ${snap}`, run: () => tolerate(() => ctx.zfs.destroy(snap), /does not exist/) })),
};

/**
 * Runs an operation's steps with its plan journaled first and each step marked as it goes. A failure that was fully
 * undone removes the journal; one that could not be undone leaves it for `lxcri-console recover`.
 */
export async function runJournaled<I>(
  ctx: CoreContext, operation: keyof typeof OPERATIONS & string, container: string, title: string, input: I, onStep?: (t: string) => void,
): Promise<StepReport[]> {
  const steps = OPERATIONS[operation]!(ctx, input as never, false);
  const handle = await ctx.journal.begin(operation, container, input, steps.map((s) => s.title));
  try {
    const reports = await runSteps(title, steps, {
      ...(onStep ? { onStep } : {}),
      started: async (i) => {
        await handle.mark(i, 'running');
        failpoint(operation, i, 'before');
      },
      done: async (i) => {
        failpoint(operation, i, 'after');
        await handle.mark(i, 'done');
      },
      undone: (i) => handle.mark(i, 'undone'),
    });
    await handle.close();
    return reports;
  } catch (error) {
    if (!(error instanceof OperationFailedError && error.steps.some((s) => s.status === 'undo-failed'))) await handle.close();
    throw error;
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
 * Finishes (runs the step that was in flight and the rest) or undoes (reverses every step that was done or in flight)
 * an interrupted operation. Steps tolerate having been done already, since the process may have died just after one.
 */
export async function recoverOperation(ctx: CoreContext, id: string, mode: RecoveryMode, onStep?: (t: string) => void): Promise<{ entry: JournalEntry; steps: StepReport[] }> {
  const entry = (await ctx.journal.interrupted()).find((e) => e.id === id);
  if (!entry) throw new NotFoundError(`no interrupted operation ${id}`, 'list them with `lxcri-console recover`');
  const build = OPERATIONS[entry.operation];
  if (!build) throw new NotFoundError(`unknown journaled operation ${entry.operation}`, 'this journal was written by another version; remove it by hand');
  const steps = build(ctx, entry.input as never, true);
  const handle = { mark: async (i: number, status: JournalEntry['steps'][number]['status']) => {
    entry.steps[i]!.status = status;
    await ctx.journal.write(entry);
  } };
  let reports: StepReport[];
  if (mode === 'finish') {
    const from = entry.steps.findIndex((s) => s.status !== 'done');
    const rest = from < 0 ? [] : steps.slice(from);
    reports = await runSteps(`finishing ${entry.operation} of ${entry.container}`, rest, {
      ...(onStep ? { onStep } : {}),
      done: (i) => handle.mark(from + i, 'done'),
    });
  } else {
    const touched = entry.steps.map((s, index) => ({ s, index })).filter(({ s }) => s.status === 'done' || s.status === 'running');
    reports = touched.map(({ index }) => ({ title: steps[index]!.title, status: 'done' as const }));
    await undoSteps(touched.map(({ index }) => ({ step: steps[index]!, index })), reports, {
      ...(onStep ? { onStep } : {}),
      undone: (i) => handle.mark(i, 'undone'),
    });
    const failed = reports.filter((r) => r.status === 'undo-failed');
    if (failed.length) {
      throw new OperationFailedError(`undoing ${entry.operation} of ${entry.container}`, failed[0]!.title, new Error(failed[0]!.error ?? 'undo failed'), reports);
    }
  }
  await ctx.journal.remove(entry.id);
  return { entry, steps: reports };
}

import type { CoreContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import type { JournalEntry } from '../state/journal.js';
import { GROUP_CHECKPOINT, RECURSIVE_CHECKPOINT } from './checkpoint.js';
import { DELETE } from './delete.js';
import { recoverEntry, type OnStep, type OperationDef, type RecoveryMode } from './engine.js';
import { MOVE } from './move.js';
import { PRUNE } from './prune.js';
import { REPLICATE } from './replicate.js';
import { RESTORE_COPY } from './restore-copy.js';
import { RESTORE_FILE } from './file-restore.js';
import { FILE_READ } from './temp-clones.js';
import { BRANCH_RESTORE } from './restore-branch.js';
import { ROLLBACK_RESTORE } from './restore-rollback.js';
import { RESTORE_UNDO } from './restore-undo.js';
import { STATEFUL_CHECKPOINT } from './stateful.js';

/** Every operation the engine runs, by journal name: a new operation is added here and nowhere else. */
export const OPERATIONS: ReadonlyMap<string, OperationDef<never>> = new Map(
  [
    BRANCH_RESTORE,
    RESTORE_UNDO,
    ROLLBACK_RESTORE,
    GROUP_CHECKPOINT,
    RECURSIVE_CHECKPOINT,
    STATEFUL_CHECKPOINT,
    DELETE,
    PRUNE,
    REPLICATE,
    MOVE,
    RESTORE_COPY,
    FILE_READ,
    RESTORE_FILE,
  ].map((d) => [d.name, d as OperationDef<never>]),
);

/** Finishes or undoes the interrupted operation `entry` with the steps its operation defines. */
export async function recoverOperation(ctx: CoreContext, entry: JournalEntry, mode: RecoveryMode, onStep?: OnStep) {
  const def = OPERATIONS.get(entry.operation);
  if (!def) throw new NotFoundError(`unknown journaled operation ${entry.operation}`, 'this journal was written by another version; remove it by hand');
  return { entry, steps: await recoverEntry(ctx, def, entry, mode, onStep) };
}

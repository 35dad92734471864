import type { CommandSpec } from '../command-spec.js';
import { checkpointCommand } from './checkpoint.js';
import { deleteCommand } from './delete.js';
import { diffCommand } from './diff.js';
import { filesCommand } from './files.js';
import { restoreFileCommand } from './restore-file.js';
import { gcCommand } from './gc.js';
import { listCommand } from './list.js';
import { moveCommand } from './move.js';
import { poolCommand } from './pool.js';
import { pruneCommand } from './prune.js';
import { recoverCommand } from './recover.js';
import { replicateCommand } from './replicate.js';
import { restoreCommand } from './restore.js';
import { spaceCommand } from './space.js';
import { treeCommand } from './tree.js';
import { undoCommand } from './undo.js';

/** Every CLI verb; a new one is added here and nowhere else. */
export const COMMANDS: readonly CommandSpec[] = [
  listCommand,
  treeCommand,
  checkpointCommand,
  restoreCommand,
  undoCommand,
  deleteCommand,
  pruneCommand,
  poolCommand,
  spaceCommand,
  replicateCommand,
  moveCommand,
  recoverCommand,
  gcCommand,
  diffCommand,
  filesCommand,
  restoreFileCommand,
];

import type { Dialog } from '../ui-store.js';
import { CHECKPOINT } from './checkpoint.js';
import { DELETE } from './delete.js';
import { DELETE_BRANCH } from './delete-branch.js';
import { DELETE_SET } from './delete-set.js';
import { MOVE } from './move.js';
import { PRUNE } from './prune.js';
import { QUIT } from './quit.js';
import { RECOVER } from './recover.js';
import { REPLICATE } from './replicate.js';
import { RESTORE } from './restore.js';
import { RESTORE_FILE } from './restore-file.js';
import { RESTORE_ON } from './restore-on.js';
import type { DialogModule } from './types.js';
import { UNDO } from './undo.js';

/** Every dialog by kind: a new dialog is a module in this folder and one line here. */
const DIALOGS: { [K in Dialog['kind']]: DialogModule<Extract<Dialog, { kind: K }>> } = {
  checkpoint: CHECKPOINT,
  restore: RESTORE,
  delete: DELETE,
  prune: PRUNE,
  undo: UNDO,
  quit: QUIT,
  recover: RECOVER,
  'delete-branch': DELETE_BRANCH,
  'delete-set': DELETE_SET,
  replicate: REPLICATE,
  move: MOVE,
  'restore-file': RESTORE_FILE,
  'restore-on': RESTORE_ON,
};

export function dialogModule<D extends Dialog>(d: D): DialogModule<D> {
  return DIALOGS[d.kind] as unknown as DialogModule<D>;
}

import { DialogBox } from '../../../components/DialogBox.js';
import { restoreFilePlanLines } from '../../present/file-diff.js';
import type { Binding } from '../bindings.js';
import type { Dialog } from '../ui-store.js';
import { DIALOG_SCROLL_BINDINGS, key, type DialogModule } from './types.js';

type RestoreFileDialog = Extract<Dialog, { kind: 'restore-file' }>;

const BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['y', 'return'], description: 'restore the file as the preview says (the current version is kept beside it)', changes: true },
  { id: 'close', keys: ['escape', 'n'], description: 'cancel: back to the file browser' },
  ...DIALOG_SCROLL_BINDINGS,
];

/** The preview (planRestoreFile): what is copied where, what becomes of the current version, the steps. */
function restoreFileLines(d: RestoreFileDialog): string[] {
  return restoreFilePlanLines(d.plan);
}

function RestoreFileView({ dialog: d, height }: { dialog: RestoreFileDialog; height: number }) {
  return (
    <DialogBox
      title={`Restore ${d.plan.path} of ${d.plan.container} from ${d.plan.checkpoint}`}
      lines={restoreFileLines(d)}
      scroll={d.scroll}
      footer={`${key(BINDINGS, 'confirm')}/Enter restore this file   ${key(BINDINGS, 'close')} cancel`}
      height={height}
    />
  );
}

/** "Restore this file", from the file browser (`f`, Enter on a file): the core refuses what the CLI refuses. */
export const RESTORE_FILE: DialogModule<RestoreFileDialog> = {
  kind: 'restore-file',
  bindings: () => BINDINGS,
  lines: restoreFileLines,
  returnTo: () => 'files',
  reduce: (d, command) => {
    const p = d.plan;
    switch (command) {
      case 'close':
        return { close: true };
      case 'confirm':
        return {
          run: {
            what: `restore of ${p.path} from ${p.checkpoint} in ${p.container}`,
            action: (core) => core.restoreFile(p.container, d.checkpoint, p.path),
          },
        };
      default:
        return undefined;
    }
  },
  View: RestoreFileView,
};

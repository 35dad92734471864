import { DialogBox } from '../../../components/DialogBox.js';
import { deleteBranchLines } from '../../present/delete-plans.js';
import type { Binding } from '../bindings.js';
import type { Dialog } from '../ui-store.js';
import { deletePreviewLines, TypedDeleteFooter } from './delete-preview.js';
import { DIALOG_SCROLL_BINDINGS, stepsBinding, typedField, withTyped, type DialogModule } from './types.js';

type DeleteBranchDialog = Extract<Dialog, { kind: 'delete-branch' }>;

const BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['return'], description: 'delete the branch (after typing the container id)', dangerous: true },
  stepsBinding(true),
  { id: 'close', keys: ['escape'], description: 'cancel' },
  ...DIALOG_SCROLL_BINDINGS,
];

const dialogLines = (d: DeleteBranchDialog, nowSeconds: number) => deletePreviewLines(deleteBranchLines(d.plan, nowSeconds), d.steps, BINDINGS, d.plan.actions);

function DeleteBranchView({ dialog: d, height }: { dialog: DeleteBranchDialog; height: number }) {
  const id = d.plan.container;
  return (
    <DialogBox
      title={`Delete a branch of ${id} with its ${d.plan.snapshots.length} checkpoint(s)`}
      lines={dialogLines(d, Math.floor(Date.now() / 1000))}
      scroll={d.scroll}
      footer={<TypedDeleteFooter id={id} table={BINDINGS} typed={d.typed} cursor={d.cursor} />}
      height={height}
    />
  );
}

export const DELETE_BRANCH: DialogModule<DeleteBranchDialog> = {
  kind: 'delete-branch',
  bindings: () => BINDINGS,
  lines: dialogLines,
  field: typedField,
  withField: withTyped,
  reduce: (d, command) => {
    const id = d.plan.container;
    switch (command) {
      case 'close':
        return { close: true };
      case 'steps':
        return { next: { ...d, steps: !d.steps } };
      case 'confirm':
        if (d.typed !== id) return { flash: `type ${id} to confirm the delete` };
        return {
          run: {
            what: `delete of a branch of ${id}`,
            action: (core) => core.deleteBranch(id, d.plan.branch.dataset, { confirmed: true }),
          },
        };
      default:
        return undefined;
    }
  },
  View: DeleteBranchView,
};

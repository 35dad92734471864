import { DialogBox } from '../../../components/DialogBox.js';
import { deleteSetLines } from '../../present/delete-plans.js';
import type { Binding } from '../bindings.js';
import type { Dialog } from '../ui-store.js';
import { deletePreviewLines, TypedDeleteFooter } from './delete-preview.js';
import { DIALOG_SCROLL_BINDINGS, key, stepsBinding, typedField, withTyped, type DialogModule } from './types.js';

type DeleteSetDialog = Extract<Dialog, { kind: 'delete-set' }>;

const BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['return'], description: 'delete the marked checkpoints (after typing the container id)', dangerous: true },
  stepsBinding(true),
  { id: 'close', keys: ['escape'], description: 'cancel' },
  ...DIALOG_SCROLL_BINDINGS,
];

const dialogLines = (d: DeleteSetDialog, nowSeconds: number) => deletePreviewLines(deleteSetLines(d.plan, nowSeconds), d.steps, BINDINGS, d.plan.actions);

function DeleteSetView({ dialog: d, height }: { dialog: DeleteSetDialog; height: number }) {
  const id = d.plan.container;
  const n = d.plan.deletes.length;
  return (
    <DialogBox
      title={`Delete ${n} marked checkpoint${n === 1 ? '' : 's'} of ${id}`}
      lines={dialogLines(d, Math.floor(Date.now() / 1000))}
      scroll={d.scroll}
      footer={n ? <TypedDeleteFooter id={id} table={BINDINGS} typed={d.typed} cursor={d.cursor} /> : `${key(BINDINGS, 'close')} close`}
      height={height}
    />
  );
}

export const DELETE_SET: DialogModule<DeleteSetDialog> = {
  kind: 'delete-set',
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
      case 'confirm': {
        if (!d.plan.deletes.length) return { close: true };
        if (d.typed !== id) return { flash: `type ${id} to confirm the delete` };
        const names = d.plan.deletes.map((n) => n.fullName);
        return {
          run: {
            what: `delete of ${names.length} checkpoint(s) of ${id}`,
            action: (core) => core.deleteSet(id, names, { plan: d.plan, confirmed: true }),
          },
        };
      }
      default:
        return undefined;
    }
  },
  View: DeleteSetView,
};

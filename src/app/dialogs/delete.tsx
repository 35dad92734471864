import { DialogBox } from '../../../components/DialogBox.js';
import { deleteSummary } from '../../present/plans.js';
import type { Binding } from '../bindings.js';
import type { Dialog } from '../ui-store.js';
import { deletePreviewLines, TypedDeleteFooter } from './delete-preview.js';
import { DIALOG_SCROLL_BINDINGS, key, stepsBinding, typedField, withTyped, type DialogModule } from './types.js';

type DeleteDialog = Extract<Dialog, { kind: 'delete' }>;

const BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['return'], description: 'delete (after typing the container id)', dangerous: true },
  { id: 'switch', keys: ['tab'], description: 'this checkpoint alone / with its subtree' },
  stepsBinding(true),
  { id: 'close', keys: ['escape'], description: 'cancel' },
  ...DIALOG_SCROLL_BINDINGS,
];

/** What happens to the service and the data; the zfs steps only when asked for. */
const deleteLines = (d: DeleteDialog, nowSeconds: number) => deletePreviewLines(deleteSummary(d.plan, nowSeconds), d.steps, BINDINGS, d.plan.actions);

function DeleteView({ dialog: d, height }: { dialog: DeleteDialog; height: number }) {
  const id = d.plan.container;
  return (
    <DialogBox
      title={`Delete ${d.plan.target.name}${d.plan.subtree ? ' and its subtree' : ''}`}
      lines={deleteLines(d, Math.floor(Date.now() / 1000))}
      scroll={d.scroll}
      footer={
        <TypedDeleteFooter
          id={id}
          table={BINDINGS}
          typed={d.typed}
          cursor={d.cursor}
          more={`${key(BINDINGS, 'switch')} ${d.plan.subtree ? 'this checkpoint only' : 'with its subtree'}   `}
        />
      }
      height={height}
    />
  );
}

export const DELETE: DialogModule<DeleteDialog> = {
  kind: 'delete',
  bindings: () => BINDINGS,
  lines: deleteLines,
  field: typedField,
  withField: withTyped,
  // The container the plan was made for, whatever is selected by the time Enter comes.
  reduce: async (d, command, env) => {
    const id = d.plan.container;
    switch (command) {
      case 'close':
        return { close: true };
      case 'steps':
        return { next: { ...d, steps: !d.steps } };
      case 'switch': {
        // This checkpoint alone or with its whole subtree: a new plan (a refusal keeps the current one, and says why).
        const plan = await env.core.planDelete(id, d.plan.target.fullName, !d.plan.subtree);
        return { next: { ...d, plan, typed: '', cursor: undefined, scroll: 0 } };
      }
      case 'confirm':
        if (d.typed !== id) return { flash: `type ${id} to confirm the delete` };
        return {
          run: {
            what: `delete of ${d.plan.target.name}`,
            action: (core) => core.delete(id, d.plan.target.fullName, { subtree: d.plan.subtree, confirmed: true }),
          },
        };
      default:
        return undefined;
    }
  },
  View: DeleteView,
};

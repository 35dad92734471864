import { DialogBox } from '../../../components/DialogBox.js';
import { Text } from '../../../components/Text.js';
import { describeRestorePlan, restoreSummary } from '../../present/plans.js';
import type { Binding } from '../bindings.js';
import { TextFieldView } from '../views/TextFieldView.js';
import type { Dialog } from '../ui-store.js';
import { DIALOG_SCROLL_BINDINGS, key, stepsBinding, stepsLines, typedField, withTyped, type DialogModule } from './types.js';

type RestoreDialog = Extract<Dialog, { kind: 'restore' }>;

const CLOSE: Binding = { id: 'close', keys: ['escape'], description: 'cancel' };
/** On the branch choice ← and → switch too; on the rollback one they move in the typed confirmation. */
const BRANCH_BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['return'], description: 'restore as a branch: the current line is kept', dangerous: true },
  { id: 'switch', keys: ['tab', 'left', 'right'], description: 'rollback instead' },
  stepsBinding(false),
  CLOSE,
  ...DIALOG_SCROLL_BINDINGS,
];
const ROLLBACK_BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['return'], description: 'roll back (after typing the container id)', dangerous: true },
  { id: 'switch', keys: ['tab'], description: 'branch restore instead' },
  stepsBinding(true),
  CLOSE,
  ...DIALOG_SCROLL_BINDINGS,
];

const table = (d: RestoreDialog) => (d.choice === 'branch' ? BRANCH_BINDINGS : ROLLBACK_BINDINGS);

/** The choice, then what happens to the service and the data; the zfs steps only when asked for. */
function restoreLines(d: RestoreDialog, nowSeconds: number): string[] {
  const plan = d.choice === 'branch' ? d.branch : d.rollback;
  const tabs = `[${d.choice === 'branch' ? '*' : ' '}] branch restore (keeps everything)   [${d.choice === 'rollback' ? '*' : ' '}] rollback (destroys newer)`;
  if (!plan) return [tabs, '', `rollback not possible: ${d.rollbackError}`];
  return [tabs, '', ...restoreSummary(plan, nowSeconds), ...stepsLines(d.steps, table(d), describeRestorePlan(plan))];
}

function RestoreView({ dialog: d, height }: { dialog: RestoreDialog; height: number }) {
  const id = d.branch.container;
  const footer =
    d.choice === 'branch' ? (
      `${key(BRANCH_BINDINGS, 'confirm')} restore   ${key(BRANCH_BINDINGS, 'switch')} rollback   ${key(BRANCH_BINDINGS, 'close')} cancel`
    ) : (
      <Text>
        {`type ${id} + ${key(ROLLBACK_BINDINGS, 'confirm')} to roll back (no undo): `}
        <TextFieldView text={d.typed} cursor={d.cursor} />
        {`  ${key(ROLLBACK_BINDINGS, 'switch')} branch  ${key(ROLLBACK_BINDINGS, 'close')} cancel`}
      </Text>
    );
  return (
    <DialogBox
      title={`Restore ${id} to ${d.branch.target.name}`}
      lines={restoreLines(d, Math.floor(Date.now() / 1000))}
      scroll={d.scroll}
      footer={footer}
      height={height}
    />
  );
}

export const RESTORE: DialogModule<RestoreDialog> = {
  kind: 'restore',
  bindings: table,
  lines: restoreLines,
  field: (d) => (d.choice === 'rollback' ? typedField(d) : undefined),
  withField: withTyped,
  // The container the plans were made for, whatever is selected by the time Enter comes.
  reduce: (d, command) => {
    const id = d.branch.container;
    switch (command) {
      case 'close':
        return { close: true };
      case 'steps':
        return { next: { ...d, steps: !d.steps } };
      case 'switch':
        return { next: { ...d, choice: d.choice === 'branch' ? 'rollback' : 'branch', typed: '', cursor: undefined, scroll: 0 } };
      case 'confirm': {
        if (d.choice === 'branch') return { run: { what: `restore of ${id}`, action: (core) => core.restore(id, { plan: d.branch }) } };
        const plan = d.rollback;
        if (!plan) return { flash: `rollback not possible: ${d.rollbackError}` };
        if (d.typed !== id) return { flash: `type ${id} to confirm the rollback` };
        return { run: { what: `rollback of ${id}`, action: (core) => core.restore(id, { plan, confirmed: true }) } };
      }
      default:
        return undefined;
    }
  },
  View: RestoreView,
};

import { DialogBox } from '../../../components/DialogBox.js';
import { Text } from '../../../components/Text.js';
import { undoSummary } from '../../present/plans.js';
import type { Binding } from '../bindings.js';
import { TextFieldView } from '../views/TextFieldView.js';
import type { Dialog } from '../ui-store.js';
import { DIALOG_SCROLL_BINDINGS, key, stepsBinding, stepsLines, typedField, withTyped, type DialogModule } from './types.js';

type UndoDialog = Extract<Dialog, { kind: 'undo' }>;

/** Today's state can only be kept when it has checkpoints of its own: discarding would destroy them. */
const onlyKeep = (d: UndoDialog) => d.plan.todayCheckpoints.length > 0;

/** Discarding today's state loses what changed since the restore: typed confirmation unless nothing changed. */
const needsTyping = (d: UndoDialog) => d.plan.today === 'discard' && d.plan.todayChanged !== false;

const bindingsFor = (typing: boolean): readonly Binding[] => [
  { id: 'confirm', keys: ['return'], description: 'undo the restore', dangerous: true },
  {
    id: 'switch',
    keys: ['tab'],
    description: "keep today's state as a branch / discard it",
    disabled: (c) =>
      c.ui.dialog?.kind === 'undo' && onlyKeep(c.ui.dialog)
        ? "today's state has checkpoints of its own, so it is kept (delete them first to discard it)"
        : undefined,
  },
  stepsBinding(typing),
  { id: 'close', keys: ['escape'], description: 'cancel' },
  ...DIALOG_SCROLL_BINDINGS,
];
const PLAIN = bindingsFor(false);
const TYPING = bindingsFor(true);
const table = (d: UndoDialog) => (needsTyping(d) ? TYPING : PLAIN);

function undoLines(d: UndoDialog, nowSeconds: number): string[] {
  const p = d.plan;
  const choice = onlyKeep(d)
    ? `today's state is kept: it has ${p.todayCheckpoints.length} checkpoint(s) of its own`
    : `[${p.today === 'keep' ? '*' : ' '}] keep today's state as a branch   [${p.today === 'discard' ? '*' : ' '}] discard today's state`;
  return [
    ...undoSummary(p, nowSeconds),
    '',
    choice,
    ...stepsLines(
      d.steps,
      table(d),
      p.steps.map((s, i) => `  ${i + 1}. ${s}`),
    ),
  ];
}

function UndoView({ dialog: d, height }: { dialog: UndoDialog; height: number }) {
  const p = d.plan;
  // Switching to a branch the operator chose is a switch, not an undo: the footer says which it runs.
  const verb = p.chosen === 'explicit' ? 'switch' : 'undo';
  const footer = needsTyping(d) ? (
    <Text>
      {`type ${p.container} then ${key(PLAIN, 'confirm')} to ${verb} and discard today's state: `}
      <TextFieldView text={d.typed} cursor={d.cursor} />
      {`   ${key(PLAIN, 'switch')} keep it   ${key(PLAIN, 'close')} cancel`}
    </Text>
  ) : (
    `${key(PLAIN, 'confirm')} ${verb}   ${onlyKeep(d) ? '' : `${key(PLAIN, 'switch')} ${p.today === 'keep' ? 'discard' : 'keep'} today's state   `}${key(PLAIN, 'close')} cancel`
  );
  return (
    <DialogBox
      title={p.chosen === 'explicit' ? `Switch ${p.container} to another branch` : `Undo the last restore of ${p.container}`}
      lines={undoLines(d, Math.floor(Date.now() / 1000))}
      scroll={d.scroll}
      footer={footer}
      height={height}
    />
  );
}

export const UNDO: DialogModule<UndoDialog> = {
  kind: 'undo',
  bindings: table,
  lines: undoLines,
  field: (d) => (needsTyping(d) ? typedField(d) : undefined),
  withField: withTyped,
  reduce: async (d, command, env) => {
    const id = d.plan.container;
    switch (command) {
      case 'close':
        return { close: true };
      case 'steps':
        return { next: { ...d, steps: !d.steps } };
      case 'switch': {
        const plan = await env.core.planUndoRestore(id, { branch: d.plan.branch, today: d.plan.today === 'keep' ? 'discard' : 'keep' });
        return { next: { kind: 'undo', plan, typed: '', ...(d.steps ? { steps: true } : {}) } };
      }
      case 'confirm':
        if (needsTyping(d) && d.typed !== id) return { flash: `type ${id} to confirm discarding today's state` };
        return {
          run: {
            what: d.plan.chosen === 'explicit' ? `switch of ${id} to another branch` : `undo of the restore of ${id}`,
            action: (core) => core.undoRestore(id, { plan: d.plan, confirmed: true }),
          },
        };
      default:
        return undefined;
    }
  },
  View: UndoView,
};

import { DialogBox } from '../../../components/DialogBox.js';
import { interruptedStepLines } from '../../present/plans.js';
import { formatTime } from '../../present/units.js';
import { READ_ONLY_RECOVER, type Binding } from '../bindings.js';
import { useUi } from '../views/hooks.js';
import type { Dialog } from '../ui-store.js';
import { key, type DialogModule } from './types.js';

type RecoverDialog = Extract<Dialog, { kind: 'recover' }>;

/** Pick an interrupted operation, ask to finish or undo it, y runs what was asked. */
export const RECOVER_BINDINGS: readonly Binding[] = [
  { id: 'up', keys: ['k', 'up'], description: 'previous operation' },
  { id: 'down', keys: ['j', 'down'], description: 'next operation' },
  { id: 'recover-finish', keys: ['f'], description: 'finish it: run the step that was in flight and the remaining ones', dangerous: true },
  { id: 'recover-undo', keys: ['u'], description: 'undo it: reverse every step that was done or in flight', dangerous: true },
  {
    id: 'recover-run',
    keys: ['y'],
    description: 'run the finish or undo asked for',
    dangerous: true,
    disabled: (c) => (c.ui.dialog?.kind !== 'recover' || !c.ui.dialog.confirm ? 'press f (finish) or u (undo) first' : undefined),
  },
  { id: 'close', keys: ['escape'], description: 'close (the operations stay listed: I opens this again)' },
];

function RecoverView({ dialog: d, height }: { dialog: RecoverDialog; height: number }) {
  const interrupted = useUi((s) => s.interrupted);
  const readOnly = useUi((s) => s.readOnly);
  if (!interrupted.length)
    return (
      <DialogBox
        title="Interrupted operations"
        lines={['none left: every operation finished or was undone']}
        footer={`${key(RECOVER_BINDINGS, 'close')} close`}
        height={height}
      />
    );
  const index = Math.min(d.index, interrupted.length - 1);
  const e = interrupted[index]!;
  const lines = interrupted.map(
    (x, i) =>
      `${i === index ? '>' : ' '} ${x.operation} of ${x.container}: ${x.done.length} of ${x.steps.length} step(s) done (pid ${x.pid} on ${x.host}, ${formatTime(Math.floor(x.startedAt / 1000))})`,
  );
  // What y would run (as `lxcri-console recover` lists it), or the selected operation's steps.
  const steps =
    d.confirm === 'finish'
      ? [...e.unsure, ...e.pending].map((s) => `  run      ${s}`)
      : d.confirm === 'undo'
        ? [...e.unsure, ...e.done].reverse().map((s) => `  undo     ${s}`)
        : interruptedStepLines(e);
  const footer = readOnly
    ? READ_ONLY_RECOVER
    : d.confirm
      ? `${key(RECOVER_BINDINGS, 'recover-run')} ${d.confirm} the ${e.operation} of ${e.container}   ${key(RECOVER_BINDINGS, 'recover-finish')} finish / ${key(RECOVER_BINDINGS, 'recover-undo')} undo instead   ${key(RECOVER_BINDINGS, 'close')} close`
      : `${key(RECOVER_BINDINGS, 'recover-finish')} finish   ${key(RECOVER_BINDINGS, 'recover-undo')} undo   ${interrupted.length > 1 ? `${key(RECOVER_BINDINGS, 'down')}/${key(RECOVER_BINDINGS, 'up')} choose   ` : ''}${key(RECOVER_BINDINGS, 'close')} close (I opens this again)`;
  const what = d.confirm === 'finish' ? 'finishing runs:' : d.confirm === 'undo' ? 'undoing reverses:' : 'steps:';
  return (
    <DialogBox
      title={`Interrupted operations (${interrupted.length}): a kill or crash left them half-done`}
      lines={[...lines, ' ', what, ...(steps.length ? steps : ['  nothing'])]}
      footer={footer}
      height={height}
    />
  );
}

export const RECOVER: DialogModule<RecoverDialog> = {
  kind: 'recover',
  bindings: () => RECOVER_BINDINGS,
  readOnlyWhy: READ_ONLY_RECOVER,
  reduce: (d, command, env) => {
    const last = Math.max(0, env.interrupted.length - 1);
    const entry = env.interrupted[Math.min(d.index, last)];
    switch (command) {
      case 'close':
        return { close: true };
      case 'up':
      case 'down':
        return { next: { kind: 'recover', index: Math.max(0, Math.min(last, d.index + (command === 'up' ? -1 : 1))) } };
      case 'recover-finish':
      case 'recover-undo':
        return { next: { ...d, confirm: command === 'recover-finish' ? 'finish' : 'undo' } };
      case 'recover-run': {
        const mode = d.confirm;
        if (!entry || !mode) return undefined;
        return { run: { what: `${mode} ${entry.operation} of ${entry.container}`, action: (core) => core.recover(entry.id, mode) } };
      }
      default:
        return undefined;
    }
  },
  View: RecoverView,
};

import { DialogBox } from '../../../components/DialogBox.js';
import type { Binding } from '../bindings.js';
import { useCore } from '../views/hooks.js';
import { key, type DialogModule } from './types.js';
import { keysLabel } from '../key-names.js';

type QuitDialog = { kind: 'quit' };

const BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['y'], description: 'quit: the running step finishes, nothing after it starts' },
  { id: 'close', keys: ['escape', 'n', 'q'], description: 'stay' },
];

function QuitView({ height }: { dialog: QuitDialog; height: number }) {
  // Live: names what is running now, and says so when it has ended while the dialog was open.
  const op = useCore((s) => s.operation);
  const mutating = useCore((s) => s.mutating);
  const lines = mutating
    ? [`Running: ${op ? `${op.title}: ${op.step}` : 'an operation'}.`, 'Quitting lets the running step finish and cancels every step that has not started.']
    : ['Nothing is running any more: quitting is safe.'];
  return (
    <DialogBox
      title="Quit?"
      lines={lines}
      footer={`${key(BINDINGS, 'confirm')} quit   ${keysLabel(BINDINGS.find((b) => b.id === 'close')!.keys.slice(0, 2))} stay`}
      height={height}
    />
  );
}

export const QUIT: DialogModule<QuitDialog> = {
  kind: 'quit',
  bindings: () => BINDINGS,
  reduce: (_d, command) => (command === 'confirm' ? { quit: true } : command === 'close' ? { close: true } : undefined),
  View: QuitView,
};

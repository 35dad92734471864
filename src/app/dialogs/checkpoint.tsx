import { DialogBox } from '../../../components/DialogBox.js';
import { Text } from '../../../components/Text.js';
import type { Binding } from '../bindings.js';
import { TextFieldView } from '../views/TextFieldView.js';
import type { Dialog } from '../ui-store.js';
import { key, type DialogModule } from './types.js';

type CheckpointDialog = Extract<Dialog, { kind: 'checkpoint' }>;

const BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['return'], description: 'create the checkpoint', changes: true },
  { id: 'close', keys: ['escape'], description: 'cancel' },
];

function CheckpointView({ dialog: d, height }: { dialog: CheckpointDialog; height: number }) {
  return (
    <DialogBox
      title={
        d.group
          ? `Checkpoint of ${d.group.length} marked containers`
          : `${d.stateful ? 'Stateful checkpoint (CRIU)' : 'Checkpoint'} of ${d.container} ${d.name}`
      }
      lines={[
        <Text key="label">
          {'label: '}
          <TextFieldView text={d.label} cursor={d.cursor} />
        </Text>,
        d.stateful ? 'dumps the processes with CRIU, then snapshots the filesystem' : 'optional; a ZFS snapshot of the live state: nothing stops',
        ...(d.group ? [`one group checkpoint (atomic where ZFS allows), this label on each: ${d.group.join(' ')}`] : []),
      ]}
      footer={`${key(BINDINGS, 'confirm')} create   ${key(BINDINGS, 'close')} cancel`}
      height={height}
    />
  );
}

export const CHECKPOINT: DialogModule<CheckpointDialog> = {
  kind: 'checkpoint',
  bindings: () => BINDINGS,
  field: (d) => ({ text: d.label, cursor: d.cursor ?? [...d.label].length }),
  withField: (d, f) => ({ ...d, label: f.text, cursor: f.cursor }),
  reduce: (d, command) => {
    if (command === 'close') return { close: true };
    if (command !== 'confirm') return undefined;
    const id = d.container;
    const opts = d.label ? { label: d.label } : {};
    const group = d.group;
    if (group) return { run: { what: `checkpoint of ${group.join(' ')}`, action: (core) => core.checkpoint(group, opts) } };
    return {
      run: {
        what: `${d.stateful ? 'stateful checkpoint' : 'checkpoint'} of ${id}`,
        action: (core) => (d.stateful ? core.checkpointStateful(id, opts) : core.checkpoint([id], opts)),
      },
    };
  },
  View: CheckpointView,
};

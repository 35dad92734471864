import { Text } from '../../../components/Text.js';
import { DialogBox } from '../../../components/DialogBox.js';
import type { ClusterCore } from '../../core/nodes/cluster-core.js';
import { blocks } from '../../core/ops/replicate.js';
import { moveLines } from '../../present/move-lines.js';
import type { Binding } from '../bindings.js';
import type { Dialog } from '../ui-store.js';
import { nextNode, nodeChoiceHead, nodeChoiceHint } from './node-choice.js';
import { TextFieldView } from '../views/TextFieldView.js';
import { DIALOG_SCROLL_BINDINGS, key, typedField, withTyped, type DialogEnv, type DialogModule } from './types.js';

type MoveDialog = Extract<Dialog, { kind: 'move' }>;

const BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['return'], description: 'move it (after typing the container id)', dangerous: true },
  { id: 'switch', keys: ['tab'], description: 'another target node' },
  { id: 'close', keys: ['escape'], description: 'cancel' },
  ...DIALOG_SCROLL_BINDINGS,
];

/** The pre-flight table and plan for the dialog's target (read by the node cores: nothing changes). */
export async function previewMove(core: DialogEnv['core'], d: MoveDialog): Promise<MoveDialog> {
  const to = d.targets[d.target]!;
  const base: MoveDialog = { kind: 'move', container: d.container, targets: d.targets, target: d.target, typed: d.typed };
  try {
    return { ...base, preview: await (core as ClusterCore).moveTo(d.container, to, { dryRun: true }) };
  } catch (error) {
    return { ...base, error: (error as Error).message };
  }
}

function dialogLines(d: MoveDialog): string[] {
  const to = d.targets[d.target]!;
  const head = nodeChoiceHead(d, BINDINGS, 'to');
  if (d.error) return [...head, `cannot move ${d.container} to ${to}: ${d.error}`];
  if (!d.preview) return [...head, 'reading both sides...'];
  return [...head, ...moveLines(d.preview.plan)];
}

const ready = (d: MoveDialog) => Boolean(d.preview && !d.error && !d.preview.plan.preflight.some(blocks));

function MoveView({ dialog: d, height }: { dialog: MoveDialog; height: number }) {
  const more = `${nodeChoiceHint(d, BINDINGS)}${key(BINDINGS, 'close')} cancel`;
  return (
    <DialogBox
      title={`Move ${d.container} to ${d.targets[d.target]}`}
      lines={dialogLines(d)}
      scroll={d.scroll}
      footer={
        ready(d) ? (
          <Text>
            {`type ${d.container} then ${key(BINDINGS, 'confirm')} to move: `}
            <TextFieldView text={d.typed} cursor={d.cursor} />
            {`   ${more}`}
          </Text>
        ) : (
          more
        )
      }
      height={height}
    />
  );
}

export const MOVE: DialogModule<MoveDialog> = {
  kind: 'move',
  bindings: () => BINDINGS,
  lines: dialogLines,
  field: typedField,
  withField: withTyped,
  reduce: async (d, command, env) => {
    switch (command) {
      case 'close':
        return { close: true };
      case 'switch':
        return nextNode(d, (x) => previewMove(env.core, x));
      case 'confirm': {
        if (!d.preview || d.error) return { flash: d.error ?? 'the preview is not read yet' };
        const failed = d.preview.plan.preflight.find(blocks);
        if (failed) return { flash: `the pre-flight failed (${failed.check} ${failed.subject}): nothing to confirm` };
        if (d.typed !== d.container) return { flash: `type ${d.container} to confirm the move` };
        const to = d.targets[d.target]!;
        return { run: { what: `move of ${d.container} to ${to}`, action: (core) => (core as ClusterCore).moveTo(d.container, to) } };
      }
      default:
        return undefined;
    }
  },
  View: MoveView,
};

import { DialogBox } from '../../../components/DialogBox.js';
import type { ClusterCore } from '../../core/nodes/cluster-core.js';
import type { ReplicatePlan } from '../../core/ops/replicate.js';
import { replicationLines } from '../../present/replication-lines.js';
import type { Binding } from '../bindings.js';
import type { Dialog } from '../ui-store.js';
import { nextNode, nodeChoiceHead, nodeChoiceHint } from './node-choice.js';
import { DIALOG_SCROLL_BINDINGS, key, type DialogModule, type DialogEnv } from './types.js';

type ReplicateDialog = Extract<Dialog, { kind: 'replicate' }>;

const BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['y'], description: 'replicate: send what the preview lists', changes: true },
  { id: 'switch', keys: ['tab'], description: 'another target node' },
  { id: 'close', keys: ['escape', 'n'], description: 'cancel' },
  ...DIALOG_SCROLL_BINDINGS,
];

/** The preview for the dialog's target (read by the node cores: nothing changes). */
export async function previewReplication(core: DialogEnv['core'], d: ReplicateDialog): Promise<ReplicateDialog> {
  const to = d.targets[d.target]!;
  try {
    const preview = await (core as ClusterCore).replicateTo(d.container, to, { dryRun: true });
    return { kind: 'replicate', container: d.container, targets: d.targets, target: d.target, preview };
  } catch (error) {
    return { kind: 'replicate', container: d.container, targets: d.targets, target: d.target, error: (error as Error).message };
  }
}

function replicateLines(d: ReplicateDialog): string[] {
  const to = d.targets[d.target]!;
  const head = nodeChoiceHead(d, BINDINGS, 'to');
  if (d.error) return [...head, `cannot replicate ${d.container} to ${to}: ${d.error}`];
  if (!d.preview) return [...head, 'reading both sides...'];
  return [...head, ...replicationLines(d.container, d.preview.from, d.preview.to, d.preview.plan)];
}

/** Something to do: datasets behind, CRIU images the target's store lacks, or a replica to take over after a move. */
const hasWork = (plan: ReplicatePlan) => plan.steps.length > 0 || (plan.images?.length ?? 0) > 0 || plan.adopts !== undefined;

function ReplicateView({ dialog: d, height }: { dialog: ReplicateDialog; height: number }) {
  const ready = d.preview && !d.error && hasWork(d.preview.plan);
  return (
    <DialogBox
      title={`Replicate ${d.container} to ${d.targets[d.target]}`}
      lines={replicateLines(d)}
      scroll={d.scroll}
      footer={`${ready ? `${key(BINDINGS, 'confirm')} replicate   ` : ''}${nodeChoiceHint(d, BINDINGS)}${key(BINDINGS, 'close')} cancel`}
      height={height}
    />
  );
}

export const REPLICATE: DialogModule<ReplicateDialog> = {
  kind: 'replicate',
  bindings: () => BINDINGS,
  lines: replicateLines,
  reduce: async (d, command, env) => {
    switch (command) {
      case 'close':
        return { close: true };
      case 'switch':
        return nextNode(d, (x) => previewReplication(env.core, x));
      case 'confirm': {
        if (!d.preview || d.error) return { flash: d.error ?? 'the preview is not read yet' };
        if (!hasWork(d.preview.plan)) return { close: true };
        const to = d.targets[d.target]!;
        return { run: { what: `replication of ${d.container} to ${to}`, action: (core) => (core as ClusterCore).replicateTo(d.container, to) } };
      }
      default:
        return undefined;
    }
  },
  View: ReplicateView,
};

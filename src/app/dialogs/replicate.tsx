import { DialogBox } from '../../../components/DialogBox.js';
import type { ClusterCore } from '../../core/nodes/cluster-core.js';
import type { ReplicatePlan } from '../../core/ops/replicate.js';
import { replicationLines } from '../../present/replication-lines.js';
import type { Binding } from '../bindings.js';
import type { Dialog, ReplicatePreview } from '../ui-store.js';
import { nextNode, nodeChoiceHead, nodeChoiceHint } from './node-choice.js';
import { DIALOG_SCROLL_BINDINGS, key, type DialogModule, type DialogEnv } from './types.js';

type ReplicateDialog = Extract<Dialog, { kind: 'replicate' }>;

const BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['y'], description: 'replicate: send what the preview lists', changes: true },
  { id: 'switch', keys: ['tab'], description: 'another target node' },
  { id: 'close', keys: ['escape', 'n'], description: 'cancel' },
  ...DIALOG_SCROLL_BINDINGS,
];

/** The preview of each container for the dialog's target, read side by side by the node cores (nothing changes). */
export async function previewReplication(core: DialogEnv['core'], d: ReplicateDialog): Promise<ReplicateDialog> {
  const to = d.targets[d.target]!;
  const previews = await Promise.all(
    d.containers.map(async (container): Promise<ReplicatePreview> => {
      try {
        return { container, preview: await (core as ClusterCore).replicateTo(container, to, { dryRun: true }) };
      } catch (error) {
        return { container, error: (error as Error).message };
      }
    }),
  );
  return { kind: 'replicate', containers: d.containers, targets: d.targets, target: d.target, previews };
}

function replicateLines(d: ReplicateDialog): string[] {
  const to = d.targets[d.target]!;
  const head = nodeChoiceHead(d, BINDINGS, 'to');
  if (!d.previews) return [...head, 'reading both sides...'];
  const each = d.previews.map((p) =>
    p.error || !p.preview
      ? [`cannot replicate ${p.container} to ${to}: ${p.error}`]
      : replicationLines(p.container, p.preview.from, p.preview.to, p.preview.plan),
  );
  const several = d.containers.length > 1;
  const summary = several ? [`${runnable(d).length} of ${d.containers.length} marked container(s) to replicate, one after another:`, ''] : [];
  return [...head, ...summary, ...each.flatMap((lines, i) => (i > 0 ? ['', ...lines] : lines))];
}

/** Something to do: datasets behind, CRIU images the target's store lacks, or a replica to take over after a move. */
const hasWork = (plan: ReplicatePlan) => plan.steps.length > 0 || (plan.images?.length ?? 0) > 0 || plan.adopts !== undefined;

/** The containers whose preview has work and no error: what `y` replicates. */
const runnable = (d: ReplicateDialog) => (d.previews ?? []).filter((p) => p.preview && !p.error && hasWork(p.preview.plan)).map((p) => p.container);

function ReplicateView({ dialog: d, height }: { dialog: ReplicateDialog; height: number }) {
  const ready = runnable(d).length > 0;
  const what = d.containers.length > 1 ? `${d.containers.length} containers` : d.containers[0]!;
  return (
    <DialogBox
      title={`Replicate ${what} to ${d.targets[d.target]}`}
      lines={replicateLines(d)}
      scroll={d.scroll}
      footer={`${ready ? `${key(BINDINGS, 'confirm')} replicate   ` : ''}${nodeChoiceHint(d, BINDINGS)}${key(BINDINGS, 'close')} cancel`}
      height={height}
    />
  );
}

/** One after another, each on its own: a failure does not stop the next; the run fails naming every one that did. */
async function replicateAll(core: ClusterCore, containers: readonly string[], to: string): Promise<void> {
  const failed: string[] = [];
  for (const c of containers) {
    try {
      await core.replicateTo(c, to);
    } catch (error) {
      if (containers.length === 1) throw error;
      failed.push(`${c} (${(error as Error).message})`);
    }
  }
  if (failed.length) throw new Error(`${failed.length} of ${containers.length} failed: ${failed.join('; ')}`);
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
        if (!d.previews) return { flash: 'the preview is not read yet' };
        const go = runnable(d);
        if (!go.length) {
          const failed = d.previews.filter((p) => p.error);
          if (!failed.length) return { close: true };
          if (d.containers.length === 1) return { flash: failed[0]!.error! };
          const current = d.previews.length - failed.length;
          return { flash: `nothing to replicate: ${current} up to date, ${failed.length} cannot go (the preview says why)` };
        }
        const to = d.targets[d.target]!;
        return { run: { what: `replication of ${go.join(', ')} to ${to}`, action: (core) => replicateAll(core as ClusterCore, go, to) } };
      }
      default:
        return undefined;
    }
  },
  View: ReplicateView,
};

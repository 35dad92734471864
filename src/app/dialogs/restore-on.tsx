import { DialogBox } from '../../../components/DialogBox.js';
import type { ClusterCore } from '../../core/nodes/cluster-core.js';
import type { RestoreOnPlan } from '../../core/nodes/restore-on.js';
import { restoreOnLines } from '../../present/restore-on-lines.js';
import type { Binding } from '../bindings.js';
import type { Dialog } from '../ui-store.js';
import { nextNode, nodeChoiceHead, nodeChoiceHint } from './node-choice.js';
import { DIALOG_SCROLL_BINDINGS, key, type DialogEnv, type DialogModule } from './types.js';

type RestoreOnDialog = Extract<Dialog, { kind: 'restore-on' }>;

// Nothing is destroyed or replaced (a new container beside the original), so a key confirms, as for a replication.
const BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['y'], description: 'bring it up there as the preview says', changes: true },
  { id: 'switch', keys: ['tab'], description: 'another node' },
  { id: 'close', keys: ['escape', 'n'], description: 'cancel' },
  ...DIALOG_SCROLL_BINDINGS,
];

/** The plan for the dialog's node: replication first if it lacks the checkpoint, the new id, the copy (reads only). */
export async function previewRestoreOn(core: DialogEnv['core'], d: RestoreOnDialog): Promise<RestoreOnDialog> {
  const to = d.targets[d.target]!;
  const base: RestoreOnDialog = { kind: 'restore-on', container: d.container, snapshot: d.snapshot, targets: d.targets, target: d.target };
  try {
    return { ...base, preview: await (core as ClusterCore).planRestoreOn(d.container, d.snapshot, to) };
  } catch (error) {
    return { ...base, error: (error as Error).message };
  }
}

/** The same new container from the same copy: what the user read is what runs. */
const samePlan = (a: RestoreOnPlan, b: RestoreOnPlan) =>
  a.id === b.id && a.dataset === b.dataset && a.copy.origin === b.copy.origin && !a.replicate === !b.replicate;

function dialogLines(d: RestoreOnDialog): string[] {
  const to = d.targets[d.target]!;
  const head = [...nodeChoiceHead(d, BINDINGS, 'on'), ...(d.changed ? ['the plan changed since it was shown (read it again, then confirm):', ''] : [])];
  if (d.error) return [...head, `cannot bring it up on ${to}: ${d.error}`];
  if (!d.preview) return [...head, 'reading both nodes...'];
  return [...head, ...restoreOnLines(d.preview)];
}

function RestoreOnView({ dialog: d, height }: { dialog: RestoreOnDialog; height: number }) {
  const ready = d.preview && !d.error;
  const short = d.snapshot.slice(d.snapshot.indexOf('@') + 1);
  return (
    <DialogBox
      title={`Bring ${short} of ${d.container} up on ${d.targets[d.target]}`}
      lines={dialogLines(d)}
      scroll={d.scroll}
      footer={`${ready ? `${key(BINDINGS, 'confirm')} bring it up   ` : ''}${nodeChoiceHint(d, BINDINGS)}${key(BINDINGS, 'close')} cancel`}
      height={height}
    />
  );
}

export const RESTORE_ON: DialogModule<RestoreOnDialog> = {
  kind: 'restore-on',
  bindings: () => BINDINGS,
  lines: dialogLines,
  reduce: async (d, command, env) => {
    switch (command) {
      case 'close':
        return { close: true };
      case 'switch':
        return nextNode(d, (x) => previewRestoreOn(env.core, x));
      case 'confirm': {
        if (!d.preview || d.error) return { flash: d.error ?? 'the plan is not read yet' };
        // Read again: since the preview, another node may have taken its id, or the replica may have the checkpoint.
        const again = await previewRestoreOn(env.core, d);
        if (!again.preview || again.error || !samePlan(again.preview, d.preview)) return { next: { ...again, changed: true } };
        const plan = again.preview;
        return {
          run: {
            what: `copy of ${plan.container} (${plan.snapshot.slice(plan.snapshot.indexOf('@') + 1)}) as ${plan.id} on ${plan.to}`,
            action: (core) => (core as ClusterCore).restoreOn(plan),
          },
        };
      }
      default:
        return undefined;
    }
  },
  View: RestoreOnView,
};

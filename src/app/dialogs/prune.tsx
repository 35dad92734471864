import { DialogBox } from '../../../components/DialogBox.js';
import { applyPrunePicks, pickedAction, pruneRefusal } from '../../core/ops/prune-edit.js';
import type { PrunePlan } from '../../core/ops/prune.js';
import { pruneItemRow, pruneTotals } from '../../present/plans.js';
import { NAV_BINDINGS, type Binding } from '../bindings.js';
import { navigate } from '../scroll.js';
import type { Dialog } from '../ui-store.js';
import { key, stepsBinding, stepsLines, type DialogModule } from './types.js';

type PruneDialog = Extract<Dialog, { kind: 'prune' }>;

const BINDINGS: readonly Binding[] = [
  ...NAV_BINDINGS,
  { id: 'switch', keys: [' '], description: 'keep / prune the checkpoint under the cursor' },
  stepsBinding(false),
  { id: 'confirm', keys: ['y', 'return'], description: 'destroy the checkpoints marked [x]', dangerous: true },
  { id: 'close', keys: ['escape', 'n'], description: 'cancel' },
];

/** Rows a page key moves the cursor (the dialog's height is the view's business). */
const PAGE = 10;

/** The plans as the operator has edited them (picks applied, reclaim figures recomputed). */
export const editedPlans = (d: PruneDialog): PrunePlan[] => d.plans.map((p) => applyPrunePicks(p, d.picks ?? {}));

const allItems = (d: PruneDialog) => d.plans.flatMap((plan) => plan.items.map((item) => ({ plan, item })));
const toPrune = (plans: readonly PrunePlan[]) => plans.reduce((n, p) => n + p.items.filter((i) => i.action === 'prune').length, 0);

/**
 * The dialog's body and the line of each item in it: the totals, then per container its checkpoints (the cursor's
 * marked `>`), then the zfs steps when asked for.
 */
function layout(d: PruneDialog, nowSeconds: number): { lines: string[]; itemLine: number[] } {
  const plans = editedPlans(d);
  const cursor = d.item ?? 0;
  const lines = [pruneTotals(plans)];
  const itemLine: number[] = [];
  let n = 0;
  for (const plan of plans) {
    lines.push('', `${plan.container}:`);
    if (!plan.items.length) lines.push('  no checkpoints');
    for (const item of plan.items) {
      itemLine.push(lines.length);
      lines.push(`${n++ === cursor ? '>' : ' '} ${pruneItemRow(item, nowSeconds)}`);
    }
  }
  const destroys = plans.flatMap((p) => p.items.filter((i) => i.action === 'prune').map((i) => `  zfs destroy ${i.snapshot}`));
  lines.push(...stepsLines(d.steps, BINDINGS, destroys.length ? destroys : ['  none']));
  return { lines, itemLine };
}

export function pruneLines(d: PruneDialog, nowSeconds: number): string[] {
  return layout(d, nowSeconds).lines;
}

function PruneView({ dialog: d, height }: { dialog: PruneDialog; height: number }) {
  const { lines, itemLine } = layout(d, Math.floor(Date.now() / 1000));
  const total = toPrune(editedPlans(d));
  const focus = itemLine[d.item ?? 0] ?? 0;
  return (
    <DialogBox
      title="Prune plan"
      lines={lines}
      focus={focus}
      footer={
        total
          ? `${key(BINDINGS, 'switch')} keep/prune   ${key(BINDINGS, 'confirm')} destroy ${total}   ${key(BINDINGS, 'steps')} zfs steps   ${key(BINDINGS, 'close')} cancel`
          : `nothing to destroy   ${key(BINDINGS, 'switch')} keep/prune   ${key(BINDINGS, 'close')} close`
      }
      height={height}
    />
  );
}

export const PRUNE: DialogModule<PruneDialog> = {
  kind: 'prune',
  bindings: () => BINDINGS,
  // No `lines`: the arrows move the cursor over the checkpoints (the reducer), and the view keeps it in sight.
  reduce: (d, command) => {
    const items = allItems(d);
    const moved = navigate(d.item ?? 0, command, items.length, PAGE);
    if (moved !== undefined) return { next: { ...d, item: moved } };
    switch (command) {
      case 'close':
        return { close: true };
      case 'steps':
        return { next: { ...d, steps: !d.steps } };
      case 'switch': {
        const at = items[d.item ?? 0];
        if (!at) return undefined;
        const picks = d.picks ?? {};
        const now = pickedAction(at.item, picks);
        if (now === 'keep') {
          const why = pruneRefusal(at.plan, at.item, picks);
          if (why) return { flash: why };
        }
        const next = now === 'keep' ? 'prune' : 'keep';
        const rest = Object.fromEntries(Object.entries(picks).filter(([s]) => s !== at.item.snapshot));
        return { next: { ...d, picks: next === at.item.action ? rest : { ...rest, [at.item.snapshot]: next } } };
      }
      case 'confirm': {
        const plans = editedPlans(d);
        // Exactly the items still marked [x]: the core runs the items whose action is 'prune'.
        return toPrune(plans) ? { run: { what: 'prune', action: (core) => core.prune(plans, true) } } : { close: true };
      }
      default:
        return undefined;
    }
  },
  View: PruneView,
};

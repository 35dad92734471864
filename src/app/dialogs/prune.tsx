import { DialogBox } from '../../../components/DialogBox.js';
import { prunePlanLines } from '../../present/plans.js';
import { NAV_BINDINGS, type Binding } from '../bindings.js';
import type { Dialog } from '../ui-store.js';
import { key, type DialogModule } from './types.js';

type PruneDialog = Extract<Dialog, { kind: 'prune' }>;

const BINDINGS: readonly Binding[] = [
  ...NAV_BINDINGS,
  { id: 'confirm', keys: ['y', 'return'], description: 'run the prune', dangerous: true },
  { id: 'close', keys: ['escape', 'n'], description: 'cancel' },
];

const toPrune = (d: PruneDialog) => d.plans.reduce((n, p) => n + p.items.filter((i) => i.action === 'prune').length, 0);

/** The plan's lines: per container its summary and table, as the CLI prints them. */
export function pruneLines(d: PruneDialog, nowSeconds: number): string[] {
  return d.plans.flatMap((p) => prunePlanLines(p, nowSeconds, false));
}

function PruneView({ dialog: d, height }: { dialog: PruneDialog; height: number }) {
  const total = toPrune(d);
  return (
    <DialogBox
      title="Prune plan"
      lines={pruneLines(d, Math.floor(Date.now() / 1000))}
      scroll={d.scroll}
      footer={
        total
          ? `${key(BINDINGS, 'confirm')} run it (${total} checkpoint(s))   ${key(BINDINGS, 'down')}/${key(BINDINGS, 'up')} ${key(BINDINGS, 'page-up')}/${key(BINDINGS, 'page-down')} scroll   ${key(BINDINGS, 'close')} cancel`
          : `nothing to prune   ${key(BINDINGS, 'close')} close`
      }
      height={height}
    />
  );
}

export const PRUNE: DialogModule<PruneDialog> = {
  kind: 'prune',
  bindings: () => BINDINGS,
  lines: pruneLines,
  reduce: (d, command) => {
    if (command === 'close') return { close: true };
    if (command === 'confirm') return toPrune(d) ? { run: { what: 'prune', action: (core) => core.prune(d.plans, true) } } : { close: true };
    return undefined;
  },
  View: PruneView,
};

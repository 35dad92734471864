import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findBinding } from '../../src/app/bindings.js';
import { dialogModule } from '../../src/app/dialogs/index.js';
import type { DialogEnv } from '../../src/app/dialogs/types.js';
import { editField } from '../../src/app/text-field.js';
import type { Dialog } from '../../src/app/ui-store.js';
import type { Core } from '../../src/core/core.js';

// The dialogs' reducers, without Ink: a key is looked up in the dialog's own table, the reducer says what happens.
const core = {} as Core;
const env = (over: Partial<DialogEnv> = {}): DialogEnv => ({
  core,
  readOnly: false,
  interrupted: [],
  ...over,
});

async function key<D extends Dialog>(d: D, name: string, e = env()) {
  const m = dialogModule(d);
  const b = findBinding(name, m.bindings(d));
  if (b) return m.reduce(d, b.id, e);
  const field = m.field?.(d);
  return field ? { next: m.withField!(d, editField(field, name)) } : undefined;
}

const plan = { container: '101', target: { name: 'checkpoint-1', fullName: 'ds@checkpoint-1' } } as never;

test('restore: Enter runs the branch restore; Tab (or ←/→ on the branch choice) picks rollback, which needs the id typed', async () => {
  const d: Dialog = { kind: 'restore', branch: plan, rollback: plan, choice: 'branch', typed: '' };
  const run = await key(d, 'return');
  assert.ok(run && 'run' in run);
  assert.equal(run.run.what, 'restore of 101');
  const rb = await key(d, 'right');
  assert.ok(rb && 'next' in rb && rb.next.kind === 'restore' && rb.next.choice === 'rollback');
  const refused = await key(rb.next, 'return');
  assert.deepEqual(refused, { flash: 'type 101 to confirm the rollback' });
  let typed: Dialog = rb.next;
  for (const ch of '1x01') typed = ((await key(typed, ch)) as { next: Dialog }).next;
  typed = ((await key(typed, 'left')) as { next: Dialog }).next; // on the rollback choice ← moves in the field
  typed = ((await key(typed, 'left')) as { next: Dialog }).next;
  typed = ((await key(typed, 'backspace')) as { next: Dialog }).next;
  assert.equal((typed as { typed: string }).typed, '101');
  const go = await key(typed, 'return');
  assert.ok(go && 'run' in go && go.run.what === 'rollback of 101');
  assert.deepEqual(await key(d, 'escape'), { close: true });
});

test('delete: nothing runs until the id is typed', async () => {
  const d: Dialog = {
    kind: 'delete',
    plan: { container: '101', target: { name: 'checkpoint-1', fullName: 'ds@checkpoint-1' }, subtree: false } as never,
    typed: '10',
  };
  assert.deepEqual(await key(d, 'return'), { flash: 'type 101 to confirm the delete' });
  const typed = ((await key(d, '1')) as { next: Dialog }).next;
  const go = await key(typed, 'return');
  assert.ok(go && 'run' in go && go.run.what === 'delete of checkpoint-1');
});

test('prune: y runs it; a plan with nothing to prune just closes', async () => {
  const items = Array.from({ length: 30 }, (_, i) => ({ name: `checkpoint-${i}`, action: i < 3 ? 'prune' : 'keep', creation: 0, used: 0, reason: 'r' }));
  const d: Dialog = { kind: 'prune', plans: [{ container: '101', items, reclaimBytes: 0, reclaimAccuracy: 'exact' }] as never, scroll: 0 };
  const run = await key(d, 'y');
  assert.ok(run && 'run' in run && run.run.what === 'prune');
  const none: Dialog = { kind: 'prune', plans: [{ container: '101', items: [], reclaimBytes: 0, reclaimAccuracy: 'exact' }] as never, scroll: 0 };
  assert.deepEqual(await key(none, 'y'), { close: true });
});

test('undo: discarding a changed state needs the id typed; an unchanged one does not', async () => {
  const base = { container: '101', branch: 'b', today: 'discard', steps: [], todayCheckpoints: [] };
  const changed: Dialog = { kind: 'undo', plan: { ...base, todayChanged: true } as never, typed: '' };
  assert.deepEqual(await key(changed, 'return'), { flash: "type 101 to confirm discarding today's state" });
  const unchanged: Dialog = { kind: 'undo', plan: { ...base, todayChanged: false } as never, typed: '' };
  const run = await key(unchanged, 'return');
  assert.ok(run && 'run' in run && run.run.what === 'undo of the restore of 101');
  assert.equal(await key(unchanged, 'x'), undefined, 'no field: a letter does nothing');
});

test('quit: y quits, n and Esc stay, another key does nothing', async () => {
  const d: Dialog = { kind: 'quit' };
  assert.deepEqual(await key(d, 'y'), { quit: true });
  assert.deepEqual(await key(d, 'n'), { close: true });
  assert.deepEqual(await key(d, 'escape'), { close: true });
  assert.equal(await key(d, 'j'), undefined);
});

test('recover: f or u asks, y runs what was asked, j/k pick the operation', async () => {
  const interrupted = [
    { id: 'a', operation: 'branch-restore', container: '101' },
    { id: 'b', operation: 'delete', container: '100' },
  ] as never;
  const e = env({ interrupted });
  const d: Dialog = { kind: 'recover', index: 0 };
  assert.deepEqual(await key(d, 'j', e), { next: { kind: 'recover', index: 1 } });
  const asked = ((await key({ kind: 'recover', index: 1 }, 'u', e)) as { next: Dialog }).next;
  assert.deepEqual(asked, { kind: 'recover', index: 1, confirm: 'undo' });
  const run = await key(asked, 'y', e);
  assert.ok(run && 'run' in run && run.run.what === 'undo delete of 100');
});

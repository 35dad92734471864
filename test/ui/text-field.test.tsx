import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIELD_MODE_BINDINGS, NORMAL_BINDINGS } from '../../src/app/bindings.js';
import { plain, renderConsole } from '../support/ui.js';

// Text fields (the filter, the checkpoint label, the typed confirmation) are edited through one reducer with a cursor:
// arrows, Home/End and the readline control keys edit them, and none of them is ever typed as a letter. The editing
// keys are pressed by id (TEXT_FIELD_BINDINGS); Ctrl-A and Ctrl-E by name where the test is about them besides Home/End.
/** The cursor cell: the character under the cursor in inverse video. */
const cursorOn = (ch: string) => new RegExp(`\\x1b\\[7m${ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\x1b\\[27m`);

type Console = Awaited<ReturnType<typeof renderConsole>>;
const snapshots = async (c: Console, id: string) => [...(await c.core.tree(id)).nodes.values()].filter((n) => n.kind === 'snapshot');
const count = (c: Console) => Number(/Containers \((\d+)\)/.exec(plain(c.frame()))?.[1]);

test('filter: ← inserts before the cursor, drawn as an inverse cell; Ctrl-A/Ctrl-K, Ctrl-W and Ctrl-U edit, never type', async () => {
  const c = await renderConsole();
  await c.command('filter', NORMAL_BINDINGS, 'containers');
  await c.type('wb');
  await c.edit('left');
  assert.match(c.frame(), cursorOn('b'), 'the cursor is on the b');
  await c.type('e');
  assert.match(plain(c.frame()), /Containers \(1\) \/web/);
  assert.match(plain(c.frame()), /filter: web/);
  assert.match(c.frame(), cursorOn('b'), 'still on the b after the e went in before it');
  await c.edit('end');
  assert.match(c.frame(), cursorOn(' '), 'after the last character: an inverse space');

  await c.edit('home', 'ctrl-a');
  await c.edit('kill-end');
  assert.equal(count(c), 8, 'Ctrl-A then Ctrl-K: the field is empty');
  await c.type('zz mail');
  assert.equal(count(c), 0);
  await c.edit('kill-word');
  assert.match(plain(c.frame()), /filter: zz /, 'Ctrl-W took the word before the cursor, not a "w"');
  await c.edit('kill-start');
  assert.equal(count(c), 8, 'Ctrl-U: nothing before the cursor is left');
  assert.equal(c.controller.ui.getState().filter, '');
  await c.type('dbx');
  await c.edit('left');
  await c.edit('right');
  await c.edit('backspace');
  await c.command('confirm', FIELD_MODE_BINDINGS);
  assert.match(plain(c.frame()), /Containers \(1\) \/db/);
  assert.match(plain(c.frame()), /Checkpoints of 101 db/);
  c.unmount();
});

test('checkpoint label: Ctrl-A, Ctrl-E, Ctrl-W, Backspace and arrows edit the label the checkpoint gets', async () => {
  const c = await renderConsole();
  const before = (await snapshots(c, '100')).length;
  await c.command('checkpoint');
  await c.type('deploy');
  await c.edit('home', 'ctrl-a');
  await c.type('pre-');
  assert.match(plain(c.frame()), /label: pre-deploy/);
  assert.match(c.frame(), cursorOn('d'));
  await c.edit('end', 'ctrl-e');
  await c.type(' oops');
  await c.edit('kill-word');
  await c.edit('backspace');
  assert.match(plain(c.frame()), /label: pre-deploy/);
  await c.edit('home');
  for (let i = 0; i < 4; i++) await c.edit('right');
  await c.edit('left');
  assert.match(c.frame(), cursorOn('-'), 'Home, four →, one ←: on the fourth character, the dash');
  await c.edit('end');
  await c.dialogCommand('confirm');
  assert.equal((await snapshots(c, '100')).length, before + 1);
  assert.match(plain(c.frame()), /"pre-deploy"/);
  assert.match(plain(c.frame()), /checkpoint of 100: done/);
  c.unmount();
});

test('the cursor shows in the no-colour theme and in ASCII mode too', async () => {
  const c = await renderConsole({ theme: 'no-color', ascii: true });
  await c.command('checkpoint');
  await c.type('ab');
  await c.edit('left');
  assert.match(c.frame(), cursorOn('b'));
  await c.dialogCommand('close');
  await c.command('filter', NORMAL_BINDINGS, 'containers');
  assert.match(c.frame(), cursorOn(' '));
  c.unmount();
});

test('typed confirmation of a delete: Home and Ctrl-U edit it, the typed id confirms', async () => {
  const c = await renderConsole();
  const before = (await snapshots(c, '100')).length;
  await c.command('next-pane');
  await c.command('up');
  await c.command('delete');
  assert.match(plain(c.frame()), /Delete checkpoint-\d+/);
  await c.type('999');
  await c.edit('kill-start');
  await c.type('00');
  await c.edit('home');
  await c.type('1');
  assert.match(plain(c.frame()), /to delete: 100/);
  await c.dialogCommand('confirm');
  assert.equal((await snapshots(c, '100')).length, before - 1);
  c.unmount();
});

test('rollback confirmation: ← moves in the typed id instead of switching back to branch; Tab still switches', async () => {
  const c = await renderConsole();
  await c.command('next-pane');
  await c.command('up');
  await c.command('restore');
  await c.dialogCommand('switch');
  assert.match(plain(c.frame()), /\[\*\] rollback/);
  await c.type('10');
  await c.edit('left');
  assert.match(plain(c.frame()), /\[\*\] rollback/);
  assert.match(c.frame(), cursorOn('0'));
  await c.dialogCommand('switch');
  assert.match(plain(c.frame()), /\[\*\] branch restore/);
  // The field's → key again: the branch choice has no field, and its table makes ← and → switch.
  await c.edit('right');
  assert.match(plain(c.frame()), /\[\*\] rollback/, 'on the branch choice → switches, as before');
  await c.dialogCommand('close');
  c.unmount();
});

test('the filter matches id, name and status, not the hidden dataset path: /disk matches nothing, /web still does', async () => {
  const c = await renderConsole();
  await c.command('filter', NORMAL_BINDINGS, 'containers');
  await c.type('disk');
  assert.equal(count(c), 0, 'every dataset path holds "disk"; no id, name or status does');
  assert.match(plain(c.frame()), /no container matches \/disk/);
  await c.edit('kill-start');
  await c.type('web');
  await c.command('confirm', FIELD_MODE_BINDINGS);
  assert.match(plain(c.frame()), /Containers \(1\) \/web/);
  assert.match(plain(c.frame()), /Checkpoints of 100 web/);
  await c.command('filter', NORMAL_BINDINGS, 'containers');
  await c.edit('kill-start');
  await c.type('stopped');
  await c.command('confirm', FIELD_MODE_BINDINGS);
  assert.equal(count(c), 3, 'by status: ci-runner, cache, legacy');
  await c.command('filter', NORMAL_BINDINGS, 'containers');
  await c.edit('kill-start');
  await c.type('103');
  await c.command('confirm', FIELD_MODE_BINDINGS);
  assert.match(plain(c.frame()), /Containers \(1\) \/103/);
  assert.match(plain(c.frame()), /Checkpoints of 103 mail/);
  c.unmount();
});

test('Esc in the containers pane clears an applied filter: the whole list comes back', async () => {
  const c = await renderConsole();
  await c.command('filter', NORMAL_BINDINGS, 'containers');
  await c.type('mail');
  await c.command('confirm', FIELD_MODE_BINDINGS);
  assert.match(plain(c.frame()), /Containers \(1\) \/mail/);
  assert.equal(c.controller.ui.getState().mode, 'normal');
  await c.command('close');
  assert.match(plain(c.frame()), /Containers \(8\)/);
  assert.doesNotMatch(plain(c.frame()), /\/mail/);
  assert.equal(c.controller.ui.getState().filter, '');
  assert.match(plain(c.frame()), /Checkpoints of 103 mail/, 'the selection stays where it was');
  await c.command('down');
  assert.match(plain(c.frame()), /Checkpoints of 104 cache/, 'and moves over the whole list');
  c.unmount();
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIELD_MODE_BINDINGS, NORMAL_BINDINGS, overlayBindings, SPACE_BINDINGS } from '../../src/app/bindings.js';
import { keysLabel } from '../../src/app/key-names.js';
import { plain, renderConsole } from '../support/ui.js';

const snapshotsOf = async (c: Awaited<ReturnType<typeof renderConsole>>, id: string) =>
  [...(await c.core.tree(id)).nodes.values()].filter((n) => n.kind === 'snapshot');

test('first frame: pool bar, containers, the tree of the first one, the footer legend; fits 80x24', async () => {
  const c = await renderConsole();
  const f = plain(c.frame());
  assert.match(f, /rpool .*79% ONLINE/);
  assert.match(f, /Containers \(8\)/);
  assert.match(f, /Checkpoints of 100 web/);
  assert.match(f, /◉ +NOW .*<- you are here/);
  assert.match(f, /c checkpoint/);
  const lines = f.split('\n');
  assert.ok(lines.length <= 23, `${lines.length} rows: one below the terminal height`);
  c.unmount();
});

test('navigation: j selects the next container, Tab moves to the tree, k moves the cursor, details follow', async () => {
  const c = await renderConsole();
  await c.command('down');
  assert.match(plain(c.frame()), /Checkpoints of 101 db \(3 lines\)/);
  await c.command('next-pane');
  await c.command('up');
  assert.match(plain(c.frame()), /checkpoint\s+checkpoint-\d+/);
  assert.match(plain(c.frame()), /label\s+hotfix branch/);
  c.unmount();
});

test('filter: / then text narrows the list, Esc clears it', async () => {
  const c = await renderConsole();
  await c.command('filter', NORMAL_BINDINGS, 'containers');
  await c.type('mail');
  assert.match(plain(c.frame()), /Containers \(1\) \/mail/);
  assert.match(plain(c.frame()), /Checkpoints of 103 mail/);
  await c.command('close', FIELD_MODE_BINDINGS);
  assert.match(plain(c.frame()), /Containers \(8\)/);
  c.unmount();
});

test('checkpoint dialog: confirmed creates one with the label; cancelled creates nothing', async () => {
  const c = await renderConsole();
  const before = (await snapshotsOf(c, '100')).length;
  await c.command('checkpoint');
  await c.dialogCommand('close');
  assert.equal((await snapshotsOf(c, '100')).length, before);
  await c.command('checkpoint');
  assert.match(plain(c.frame()), /Checkpoint of 100 web/);
  await c.type('pre-deploy');
  await c.dialogCommand('confirm');
  assert.equal((await snapshotsOf(c, '100')).length, before + 1);
  assert.match(plain(c.frame()), /"pre-deploy"/);
  assert.match(plain(c.frame()), /checkpoint of 100: done/);
  c.unmount();
});

test('restore dialog: branch restore keeps everything; rollback lists what it destroys and needs the id typed', async () => {
  const c = await renderConsole();
  const names = async () => (await snapshotsOf(c, '100')).map((n) => n.name).sort();
  const before = await names();
  await c.command('next-pane');
  await c.command('up');
  await c.command('up');
  await c.command('restore');
  assert.match(plain(c.frame()), /\[\*\] branch restore/);
  await c.dialogCommand('close');
  assert.deepEqual(await names(), before, 'cancelled: nothing changed');
  await c.command('restore');
  await c.dialogCommand('confirm');
  const after = await names();
  assert.equal(after.length, before.length + 1, 'a safety checkpoint more, nothing lost');
  assert.ok(before.every((n) => after.includes(n)));
  assert.match(plain(c.frame()), /\(2 lines\)/);

  await c.command('up');
  await c.command('up');
  await c.command('restore');
  await c.dialogCommand('switch');
  const dialog = plain(c.frame());
  assert.match(dialog, /-> disk goes back to /);
  assert.match(dialog, /-> destroys \d+ newer checkpoints? \(frees at least/);
  assert.match(dialog, /-> destroys 1 branch with them:/);
  assert.match(dialog, /lxcri-br-subvol-100-disk-0-\d+/);
  await c.dialogCommand('confirm');
  assert.match(plain(c.frame()), /type 100 to confirm the rollback/);
  await c.type('100');
  await c.dialogCommand('confirm');
  assert.ok((await names()).length < after.length, 'the rollback destroyed the newer checkpoints it listed');
  c.unmount();
});

test('delete with preview and typed confirmation; prune plan shows each rule and runs on y', async () => {
  const c = await renderConsole();
  const count = async () => (await snapshotsOf(c, '100')).length;
  const before = await count();
  await c.command('next-pane');
  await c.command('up');
  await c.command('delete');
  assert.match(plain(c.frame()), /Delete checkpoint-\d+/);
  assert.match(plain(c.frame()), /destroys 1 checkpoint:\s+║\s+║ +'before nginx 1\.27' checkpoint-\d+ \(\d+\w ago, [\d.]+[BKMG]\)/);
  await c.dialogCommand('switch');
  assert.doesNotMatch(plain(c.frame()), /and its subtree/, 'the subtree holds NOW: the plan stays single');
  assert.match(plain(c.frame()), /contains the container's live state/, 'and the refusal is said');
  await c.dialogCommand('confirm');
  assert.equal(await count(), before, 'not confirmed yet');
  await c.type('100');
  await c.dialogCommand('confirm');
  assert.equal(await count(), before - 1);

  c.core.ctx.config.checkpoint.max_snapshots = 2;
  await c.command('prune');
  const plan = plain(c.frame());
  assert.match(plan, /Prune plan/);
  assert.match(plan, /\[x\] checkpoint-\d+ .*beyond max_snapshots=2/);
  assert.match(plan, /\[x\] checkpoint-\d+ .*beyond retention_days=30/);
  assert.match(plan, /frees \d+M \(exact, zfs destroy -nvp\)/);
  assert.match(plan, /\[x\] 'fresh install' +\d+w/, 'a labelled checkpoint it prunes is named by its label');
  await c.dialogCommand('bottom');
  assert.match(plain(c.frame()), /> \[ \] checkpoint-\d+ +\d+\w +[\d.]+[BKMG] +newest checkpoint on the active/);
  // The prune dialog's confirm is y (its first key).
  await c.dialogCommand('confirm');
  assert.equal(await count(), 1);
  c.unmount();
});

test('read-only: keys that change ZFS are gone from the footer and help, say read-only, and change nothing; a badge says so', async () => {
  const c = await renderConsole({ readOnly: true });
  const f = plain(c.frame());
  assert.match(f, /READ-ONLY/);
  for (const b of NORMAL_BINDINGS.filter((x) => x.dangerous || x.changes)) assert.ok(!f.includes(`${keysLabel(b.keys.slice(0, 1))} ${b.footer || b.id}`), b.id);
  const before = (await snapshotsOf(c, '100')).length;
  await c.command('checkpoint');
  assert.match(plain(c.frame()), /c: read-only session/);
  for (const id of ['open', 'next-pane', 'up', 'delete', 'restore', 'prune'] as const) await c.command(id);
  assert.doesNotMatch(plain(c.frame()), /Delete|Restore|Prune plan|Checkpoint label/i);
  assert.equal((await snapshotsOf(c, '100')).length, before);
  await c.command('help');
  assert.match(plain(c.frame()), /read-only: changes hidden/);
  assert.doesNotMatch(plain(c.frame()), /restore the checkpoint/);
  c.unmount();
});

test('NO_COLOR theme has no colour codes; ASCII mode has no box-drawing glyphs; help and pool view open and close', async () => {
  const colour = /\x1b\[(3[0-7]|9[0-7]|38;|4[0-7]|48;)/;
  const dark = await renderConsole();
  assert.match(dark.frame(), colour);
  dark.unmount();
  const mono = await renderConsole({ theme: 'no-color', ascii: true });
  assert.doesNotMatch(mono.frame(), colour);
  // Nothing but ASCII in any view: no box drawing, no `…` where a line is cut (`~`), no arrows or dashes.
  const ascii = (what: string) => assert.doesNotMatch(plain(mono.frame()), /[^\x00-\x7f]/, `${what}:\n${plain(mono.frame())}`);
  const f = plain(mono.frame());
  assert.match(f, /@ +NOW .*<- you are here/);
  ascii('main screen');
  await mono.command('pool');
  assert.match(plain(mono.frame()), /Space: pools {3}sort: size/);
  assert.match(plain(mono.frame()), /rpool {2}ONLINE/);
  ascii('space view');
  await mono.command('close', SPACE_BINDINGS);
  await mono.command('help');
  assert.match(plain(mono.frame()), /Keys/);
  ascii('help');
  await mono.command('close', overlayBindings('help'));
  await mono.command('next-pane');
  await mono.command('up');
  await mono.command('restore');
  assert.match(plain(mono.frame()), /Restore 100/);
  ascii('restore dialog');
  await mono.dialogCommand('close');
  await mono.command('delete');
  ascii('delete dialog');
  await mono.dialogCommand('close');
  await mono.command('prune');
  ascii('prune dialog');
  await mono.dialogCommand('close');
  await mono.command('close');
  assert.match(plain(mono.frame()), /Containers \(8\)/);
  mono.unmount();
});

test('a terminal below 80x24 gets a clear message; q quits', async () => {
  const c = await renderConsole();
  Object.defineProperty(c.stdout, 'columns', { value: 70, configurable: true });
  c.stdout.emit('resize');
  await c.settle();
  assert.match(plain(c.frame()), /terminal too small \(70x24\): needs 80x24; q quits/);
  await c.command('quit');
  assert.equal(c.quitRequested(), true);
  c.unmount();
});

test('delete: Tab switches to the subtree, which takes a whole branch with it once confirmed', async () => {
  const c = await renderConsole();
  await c.command('down');
  await c.command('next-pane');
  for (let i = 0; i < 8; i++) await c.command('up');
  assert.match(plain(c.frame()), /label\s+after migration 42/);
  await c.command('delete');
  assert.doesNotMatch(plain(c.frame()), /and its subtree/);
  await c.dialogCommand('switch');
  const f = plain(c.frame());
  assert.match(f, /Delete checkpoint-\d+ and its subtree/);
  assert.match(f, /destroys 1 branch with them:\s+║\s+║ +lxcri-br-subvol-101-disk-0-\d+/);
  await c.type('101');
  await c.dialogCommand('confirm');
  assert.match(plain(c.frame()), /Checkpoints of 101 db \(2 lines\)/);
  c.unmount();
});

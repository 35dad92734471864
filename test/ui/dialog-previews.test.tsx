import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIELD_MODE_BINDINGS } from '../../src/app/bindings.js';
import { cmd } from '../../src/core/runner/command.js';
import { plain, renderConsole } from '../support/ui.js';

type Console = Awaited<ReturnType<typeof renderConsole>>;

/** Ground truth: every snapshot zfs lists for a container, as `zfs list` prints them. */
async function snapshots(c: Console, vmid: string): Promise<string[]> {
  const out = await c.core.ctx.runner.run(cmd('zfs', ['list', '-H', '-t', 'all', '-o', 'name']));
  return out.stdout
    .split('\n')
    .filter((n) => n.includes(`subvol-${vmid}-disk-0`) && n.includes('@'))
    .sort();
}

/** The frame as one line of words: a wrapped line reads whole (zfs steps wrap at 80 columns). */
const flat = (c: Console) => plain(c.frame()).replace(/[║|]/g, ' ').replace(/\s+/g, ' ');

const labelOf = (c: Console, snapshot: string) => c.host.runner.zfs.get(snapshot).local['lxcri:label'];

/** The tree pane of 101 db, the cursor on its oldest labelled checkpoint on the branch ("after migration 42"). */
async function onDbCheckpoint(c: Console) {
  await c.command('down');
  await c.command('next-pane');
  for (let i = 0; i < 8; i++) await c.command('up');
}

test('restore: the preview says what happens to the service and the data first; v shows the zfs steps, v again hides them', async () => {
  const c = await renderConsole({ size: { columns: 80, rows: 40 } });
  await onDbCheckpoint(c);
  await c.command('restore');
  let f = plain(c.frame());
  assert.match(f, /db \(running\) shuts down \(graceful up to \d+ s, then hard\)/);
  assert.match(f, /-> disk switches to 'after migration 42' \(5w ago, [\d.]+[KMG]\)/);
  assert.match(f, /-> today's state kept as branch 'db @ \d+ \w{3} \d\d:\d\d'/);
  assert.match(f, /-> db starts/);
  assert.doesNotMatch(f, /clone rpool\/data/, 'no zfs step before v');
  await c.dialogCommand('steps');
  f = plain(c.frame());
  assert.match(f, /zfs steps \(v hides them\)/);
  assert.match(flat(c), /1\. snapshot the live state as rpool\/data\/subvol-101-disk-0@pre-restore-/);
  await c.dialogCommand('steps');
  assert.doesNotMatch(plain(c.frame()), /zfs steps \(/);
  c.unmount();
});

test('rollback preview lists what it destroys with labels, ages and sizes; Ctrl-V shows the steps while the id is typed', async () => {
  const c = await renderConsole({ size: { columns: 80, rows: 30 } });
  await c.command('next-pane');
  await c.command('top');
  await c.command('restore');
  await c.dialogCommand('switch');
  let f = plain(c.frame());
  assert.match(f, /-> disk goes back to /);
  assert.match(f, /-> today's state is discarded \(a rollback has no undo\)/);
  assert.match(f, /-> destroys \d+ newer checkpoints \(frees at least [\d.]+[KMG]?\):/);
  assert.match(f, /'[^']+' checkpoint-\d+ \(\d+[smhdw] ago, [\d.]+[BKMG]\)/, 'a labelled checkpoint with its age and size');
  assert.doesNotMatch(f, /zfs rollback/);
  // v is a letter of the typed confirmation here; Ctrl-V toggles the steps.
  await c.type('v');
  assert.doesNotMatch(plain(c.frame()), /zfs steps \(/);
  await c.dialogCommand('steps');
  f = plain(c.frame());
  assert.match(f, /zfs steps \(Ctrl-V hides them\)/);
  assert.match(flat(c), /rollback of 100 to \S+ \(zfs rollback -[rR]\)/);
  c.unmount();
});

test('delete and undo: the preview leads with the service and the data; the zfs steps only on their key', async () => {
  const c = await renderConsole({ size: { columns: 80, rows: 24 } });
  await onDbCheckpoint(c);
  await c.command('delete');
  await c.dialogCommand('switch');
  let f = plain(c.frame());
  assert.match(f, /101: the service and its live state are left alone/);
  assert.match(f, /'after migration 42' checkpoint-\d+ \(5w ago, [\d.]+[KMG]\)/);
  assert.match(f, /frees at least [\d.]+[KMG]/);
  assert.doesNotMatch(f, /destroy branch rpool/);
  await c.dialogCommand('steps');
  assert.match(flat(c), /destroy branch rpool\/data\/lxcri-br-subvol-101-disk-0-\d+ with \d+ snapshot\(s\)/);
  await c.dialogCommand('close');

  await c.command('undo');
  f = plain(c.frame());
  assert.match(f, /db \(running\) shuts down \(graceful up to \d+ s, then hard\)/);
  assert.match(f, /-> disk switches back to the line set aside \d+[dw] ago/);
  assert.match(f, /-> today's state kept as branch 'db @ /);
  assert.doesNotMatch(f, /rename rpool/);
  await c.dialogCommand('steps');
  assert.match(flat(c), /promote rpool\/data\/lxcri-br-subvol-101-disk-0-\d+ so it owns its checkpoints again/);
  c.unmount();
});

test('prune: labels shown; Space keeps a checkpoint (totals change); y destroys exactly the ones still marked', async () => {
  const c = await renderConsole({ size: { columns: 80, rows: 34 } });
  await c.command('down');
  c.core.ctx.config.checkpoint.max_snapshots = 3;
  const before = await snapshots(c, '101');
  await c.command('prune');
  let f = plain(c.frame());
  assert.match(f, /3 of \d+ to destroy, frees [\d.]+[KMG] \(exact, zfs destroy -nvp\)/);
  assert.match(f, /\[x\] 'after migration 42' +5w/, 'a labelled checkpoint is named by its label');
  assert.match(f, /\[ \] 'hotfix branch' .*newest checkpoint on the active/);
  assert.doesNotMatch(f, /zfs destroy rpool/);

  // The cursor to "after migration 42"; Space keeps it.
  const plan = c.controller.ui.getState().dialog;
  assert.ok(plan?.kind === 'prune');
  const items = plan.plans[0]!.items;
  const kept = items.findIndex((i) => i.label === 'after migration 42');
  for (let i = 0; i < kept; i++) await c.dialogCommand('down');
  assert.match(plain(c.frame()), /> \[x\] 'after migration 42'/);
  await c.dialogCommand('switch');
  f = plain(c.frame());
  assert.match(f, /> \[ \] 'after migration 42'/);
  assert.match(f, /2 of \d+ to destroy, frees at least [\d.]+[KMG] \(their own space: a lower bound\)/);
  // A protected one cannot be switched to prune: the newest on the active line.
  await c.dialogCommand('bottom');
  await c.dialogCommand('switch');
  assert.match(plain(c.frame()), /is kept: newest checkpoint on the active line/);
  assert.match(plain(c.frame()), /2 of \d+ to destroy/);

  await c.dialogCommand('steps');
  f = plain(c.frame());
  const shown = [...flat(c).matchAll(/zfs destroy (rpool\S+)/g)].map((m) => m[1]!);
  assert.equal(shown.length, 2);

  await c.dialogCommand('confirm');
  await c.controller.idle();
  const after = await snapshots(c, '101');
  const gone = before.filter((s) => !after.includes(s));
  const planned = items.filter((i) => i.action === 'prune' && i.label !== 'after migration 42').map((i) => i.snapshot);
  assert.deepEqual(gone, [...planned].sort(), 'exactly the checkpoints still marked');
  assert.deepEqual(gone, [...shown].sort(), 'as the steps said');
  assert.ok(after.includes(items[kept]!.snapshot), 'the one kept by Space is still there');
  assert.equal(labelOf(c, items[kept]!.snapshot), 'after migration 42');
  c.unmount();
});

test('marks: Space marks containers, the header counts them, c makes one group checkpoint of exactly those with one label', async () => {
  const c = await renderConsole({ size: { columns: 80, rows: 24 } });
  const ids = ['100', '101', '102', '103', '104', '105', '106'];
  const before = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await snapshots(c, id)] as const)));
  await c.command('mark-container');
  await c.command('down');
  await c.command('down');
  await c.command('down');
  await c.command('mark-container');
  let f = plain(c.frame());
  assert.match(f.split('\n')[0]!, /2 marked/);
  assert.match(f, /100 \*web/);
  assert.match(f, /103 \*mail/);
  // Space again unmarks; marks again.
  await c.command('mark-container');
  assert.match(plain(c.frame()).split('\n')[0]!, /1 marked/);
  await c.command('mark-container');

  await c.command('checkpoint');
  f = plain(c.frame());
  assert.match(f, /Checkpoint of 2 marked containers/);
  assert.match(f, /100 103/);
  await c.type('before upgrade');
  await c.dialogCommand('confirm');
  await c.controller.idle();
  assert.match(plain(c.frame()), /checkpoint of 100 103: done/);
  for (const id of ids) {
    const added = (await snapshots(c, id)).filter((s) => !before[id]!.includes(s));
    if (id === '100' || id === '103') {
      assert.equal(added.length, 1, `${id}: one checkpoint`);
      assert.equal(labelOf(c, added[0]!), 'before upgrade');
    } else assert.deepEqual(added, [], `${id}: untouched`);
  }
  // One snapshot name for the group: a single `zfs snapshot` of both.
  const names = ['100', '103'].map(async (id) => (await snapshots(c, id)).filter((s) => !before[id]!.includes(s))[0]!.split('@')[1]);
  const [a, b] = await Promise.all(names);
  assert.equal(a, b);
  const group = c.core.store.getState().commandLog.filter((e) => e.argv[0] === 'zfs' && e.argv[1] === 'snapshot');
  assert.equal(group.length, 1, 'one zfs snapshot command');

  // Esc clears the filter first, then the marks.
  await c.command('filter');
  await c.type('web');
  await c.command('confirm', FIELD_MODE_BINDINGS);
  await c.command('close');
  f = plain(c.frame());
  assert.match(f, /Containers \(8\)/);
  assert.match(f.split('\n')[0]!, /2 marked/);
  await c.command('close');
  assert.doesNotMatch(plain(c.frame()).split('\n')[0]!, /marked/);
  assert.doesNotMatch(plain(c.frame()), /\*web/);
  c.unmount();
});

test('read-only: marking works, c on marks is refused in words and changes nothing', async () => {
  const c = await renderConsole({ readOnly: true, size: { columns: 80, rows: 24 } });
  const before = await snapshots(c, '100');
  await c.command('mark-container');
  assert.match(plain(c.frame()).split('\n')[0]!, /1 marked/);
  await c.command('checkpoint');
  assert.match(plain(c.frame()), /c: read-only session/);
  assert.doesNotMatch(plain(c.frame()), /Checkpoint of/);
  assert.deepEqual(await snapshots(c, '100'), before);
  c.unmount();
});

test('ASCII mode: every preview, with its zfs steps shown, has no non-ASCII byte', async () => {
  const c = await renderConsole({ theme: 'no-color', ascii: true, size: { columns: 80, rows: 24 } });
  const ascii = (what: string) => assert.doesNotMatch(plain(c.frame()), /[^\x00-\x7f]/, `${what}:\n${plain(c.frame())}`);
  await c.command('mark-container');
  ascii('marks');
  await onDbCheckpoint(c);
  await c.command('restore');
  await c.dialogCommand('steps');
  ascii('restore');
  await c.dialogCommand('close');
  await c.command('delete');
  await c.dialogCommand('steps');
  ascii('delete');
  await c.dialogCommand('close');
  await c.command('undo');
  await c.dialogCommand('steps');
  ascii('undo');
  await c.dialogCommand('close');
  c.core.ctx.config.checkpoint.max_snapshots = 3;
  await c.command('prune');
  ascii('prune');
  await c.dialogCommand('switch');
  await c.dialogCommand('steps');
  ascii('prune with steps');
  c.unmount();
});

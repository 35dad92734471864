import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GLOBAL_BINDINGS, overlayBindings } from '../../src/app/bindings.js';
import { LxcriError } from '../../src/core/errors.js';
import { plain, renderConsole } from '../support/ui.js';

test('an error longer than the flash line says where the rest is; ! shows every message whole, hint included', async () => {
  const c = await renderConsole();
  const error = new LxcriError(
    'busy',
    `dataset rpool/data/subvol-100-disk-0 is busy: ${'a process holds it open; '.repeat(4)}every earlier step was undone`,
    'stop the container or wait',
  );
  c.controller.flash(error);
  await c.settle();
  const line = plain(c.frame())
    .split('\n')
    .find((l) => l.includes('is busy'))!;
  assert.match(line, /\[! full text\]$/);
  assert.doesNotMatch(line, /every earlier step was undone/, 'cut on the flash line');
  await c.command('messages');
  const f = plain(c.frame()).replace(/│/g, '').replace(/\s+/g, ' ');
  assert.match(f, /Messages \(1\)/);
  assert.match(f, /every earlier step was undone \(stop the container or wait\)/, 'the whole text, wrapped');
  await c.command('close', overlayBindings('messages'));
  assert.match(plain(c.frame()), /Containers \(8\)/);
  c.unmount();
});

test('@ shows every command this console ran, live: argv, exit code and duration, reads and changes', async () => {
  const c = await renderConsole({ size: { columns: 140, rows: 34 } });
  await c.command('checkpoint');
  await c.type('probe');
  await c.dialogCommand('confirm');
  await c.controller.idle();
  await c.command('commands');
  const f = plain(c.frame());
  assert.match(f, /Command log \(\d+\)/);
  assert.match(f, /\* \[exit 0 +\d+ ms\] zfs snapshot .*lxcri:label=probe/, 'the checkpoint, marked as a change');
  assert.match(f, /  \[exit 0 +\d+ ms\] zfs (get|list) /, 'the reads too');
  // A command still running shows as such.
  c.core.store.setState((s) => ({ commandLog: [...s.commandLog, { seq: 9999, argv: ['zfs', 'promote', 'x'], mutates: true, at: Date.now() }] }));
  await c.settle();
  await c.command('bottom', overlayBindings('commands'));
  assert.match(plain(c.frame()), /\* \[running\] zfs promote x/);
  c.unmount();
});

test('the runtime status from state.json shows in the list at once; an unmounted dataset is flagged, with why', async () => {
  const c = await renderConsole();
  assert.match(plain(c.frame()), /│▸100 web +running/);
  c.core.store.setState({ runtimeStates: { '100': { id: '100', status: 'stopped' } } });
  await c.settle();
  assert.match(plain(c.frame()), /│▸100 web +stopped/);

  c.host.runner.zfs.get('rpool/data/subvol-103-disk-0').mounted = false;
  await c.controller.refresh();
  await c.settle();
  assert.match(plain(c.frame()), /│ 103 mail +running +unmounted/);
  for (let i = 0; i < 3; i++) await c.command('down');
  await c.command('next-pane');
  await c.command('bottom');
  await c.command('next-pane');
  assert.match(plain(c.frame()), /│mounted +no: the container cannot/);
  c.unmount();
});

test('the quit dialog follows the operation live, and y cancels what has not started', async () => {
  const c = await renderConsole();
  c.core.store.setState({ mutating: 1, operation: { title: 'restore of 101', step: 'promote rpool/data/subvol-101-disk-0', startedAt: Date.now() } });
  await c.command('quit');
  assert.match(plain(c.frame()), /Running: restore of 101: promote rpool\/data\/subvol-101-disk-0/);
  c.core.store.setState({ mutating: 0, operation: undefined });
  await c.settle();
  assert.match(plain(c.frame()), /Nothing is running any more: quitting is safe/);
  assert.equal(c.quitRequested(), false);
  const running = c.core.ctx.cancel!;
  await c.dialogCommand('confirm');
  assert.equal(c.quitRequested(), true);
  assert.equal(running.aborted, true, 'the operations running start no further step');
  c.unmount();
});

test('events show the date for older days and the reason of a failed operation', async () => {
  const c = await renderConsole({ size: { columns: 160, rows: 34 } });
  c.core.store.setState({
    events: [
      {
        ts: new Date(new Date().getFullYear() - 1, 0, 1, 9).toISOString(),
        user: 'root',
        host: 'pve-demo',
        operation: 'checkpoint',
        target: '100',
        result: 'ok',
        duration_ms: 180,
        pid: 1,
      },
      {
        ts: new Date().toISOString(),
        user: 'root',
        host: 'pve-demo',
        operation: 'restore',
        target: '101',
        result: 'failed',
        duration_ms: 900,
        pid: 2,
        error: 'restore of 101 failed at "promote": dataset is busy; every earlier step was undone\nsecond line',
      },
    ],
  });
  await c.settle();
  const f = plain(c.frame());
  assert.match(f, new RegExp(`${new Date().getFullYear() - 1}-01-01 09:00 root checkpoint 100 ok 180ms`), 'another year: the year too');
  assert.match(f, /\d\d:\d\d:\d\d root restore 101 failed 900ms: restore of 101 failed at "promote": dataset is busy/);
  assert.doesNotMatch(f, /second line/);
  c.unmount();
});

test("undo of db: today's state has a checkpoint of its own, so the dialog keeps it and Tab says why it cannot discard", async () => {
  const c = await renderConsole();
  await c.command('down');
  await c.command('undo');
  let f = plain(c.frame());
  assert.match(f, /today's state is kept: it has 1 checkpoint\(s\) of its own/);
  assert.doesNotMatch(f, /Tab discard/);
  await c.dialogCommand('switch');
  f = plain(c.frame());
  assert.match(f, /today's state has checkpoints of its own, so it is kept/);
  assert.doesNotMatch(f, /--discard/, 'no CLI flag in the console');
  c.unmount();
});

test('the help overlay draws every row once at any width (no two rows share a React key), a shared key says its pane', async () => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args.map(String).join(' '));
  try {
    const c = await renderConsole({ size: { columns: 200, rows: 50 } });
    await c.command('help');
    const f = plain(c.frame());
    assert.match(f, /filter containers by id, name or status \(containers, details, events panes\)/);
    assert.match(f, /search the tree \(names, labels\) \(tree pane\)/);
    c.unmount();
  } finally {
    console.error = original;
  }
  assert.deepEqual(
    errors.filter((e) => /same key/.test(e)),
    [],
  );
});

test('the footer follows the mode: pane keys, then how to keep a filter, scroll a view or a dialog', async () => {
  const c = await renderConsole();
  const footer = () => plain(c.frame()).trimEnd().split('\n').at(-1)!;
  assert.match(footer(), /c checkpoint/);
  await c.command('filter', undefined, 'containers');
  assert.match(footer(), /Enter keep +Esc drop/);
  await c.command('close', (await import('../../src/app/bindings.js')).FIELD_MODE_BINDINGS);
  await c.command('help');
  assert.match(footer(), /Esc close/);
  assert.doesNotMatch(footer(), /c checkpoint/);
  await c.command('close', overlayBindings('help'));
  await c.command('checkpoint');
  assert.match(footer(), /PgUp\/PgDn scroll/);
  c.unmount();
});

test('a dialog acts on the container it was opened for, even when a refresh changes the selection before Enter', async () => {
  const c = await renderConsole();
  await c.command('checkpoint');
  await c.type('mine');
  // Meanwhile web disappears from the list (the filter now hides it), and the selection moves to another container.
  c.controller.ui.setState({ filter: 'db' });
  await c.controller.sync();
  assert.equal(c.controller.ui.getState().selected, '101');
  await c.dialogCommand('confirm');
  await c.controller.idle();
  const labels = (id: string) =>
    [...c.host.runner.zfs.snapshotsOf(`rpool/data/subvol-${id}-disk-0`)].map((s) => s.local['lxcri:label']).filter((l) => l === 'mine');
  assert.equal(labels('100').length, 1, 'the checkpoint is of web, as the dialog said');
  assert.equal(labels('101').length, 0, 'not of the container selected meanwhile');
  c.unmount();
});

test('the messages view windows wrapped rows: thirty long errors at 80x24 stay inside the frame and the last row is reachable', async () => {
  const c = await renderConsole();
  for (let i = 0; i < 30; i++) c.controller.flash(new Error(`error ${i}: ${'a dataset is busy and the step was undone; '.repeat(3)}end of ${i}`));
  await c.settle();
  await c.command('messages');
  let lines = plain(c.frame()).split('\n');
  assert.ok(lines.length <= 23, `fits the terminal:\n${lines.join('\n')}`);
  assert.match(lines[2]!, /Messages \(30\), newest last/, 'the title is intact');
  assert.match(lines.join('\n'), /end of 29/, 'opens at the newest');
  await c.command('top', overlayBindings('messages'));
  lines = plain(c.frame()).split('\n');
  assert.match(lines[3]!, /\d\d:\d\d:\d\d error 0:/);
  await c.command('bottom', overlayBindings('messages'));
  assert.match(plain(c.frame()), /end of 29/);
  assert.doesNotMatch(plain(c.frame()), /↓ \d+ more/);
  c.unmount();
});

test('Ctrl-C while an operation runs asks; Ctrl-C again quits (the running step finishes, nothing more starts)', async () => {
  const c = await renderConsole();
  c.core.store.setState({ mutating: 1, operation: { title: 'prune', step: 'destroy x', startedAt: Date.now() } });
  const running = c.core.ctx.cancel!;
  await c.command('quit', GLOBAL_BINDINGS);
  assert.match(plain(c.frame()), /Quit\?/);
  assert.equal(c.quitRequested(), false);
  await c.command('quit', GLOBAL_BINDINGS);
  assert.equal(c.quitRequested(), true);
  assert.equal(running.aborted, true);
  c.unmount();
});

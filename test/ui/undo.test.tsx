import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIELD_MODE_BINDINGS } from '../../src/app/bindings.js';
import { cmd } from '../../src/core/runner/command.js';
import { plain, renderConsole } from '../support/ui.js';

type Console = Awaited<ReturnType<typeof renderConsole>>;

/** Ground truth: every dataset and snapshot of a container's family, as `zfs list` prints them. */
async function family(c: Console, vmid: string): Promise<string[]> {
  const out = await c.core.ctx.runner.run(cmd('zfs', ['list', '-H', '-t', 'all', '-o', 'name']));
  return out.stdout
    .split('\n')
    .filter((n) => n.includes(`subvol-${vmid}-disk-0`))
    .sort();
}

test("u undoes the SELECTED container's last branch restore only, after a dialog naming it, its stop and start and today's state; nothing is left behind", async () => {
  const c = await renderConsole({ size: { columns: 120, rows: 34 } });
  const before = await family(c, '100');
  const db = await family(c, '101');

  // Restore web (100) to an older checkpoint.
  await c.command('next-pane');
  await c.command('up');
  await c.command('up');
  await c.command('restore');
  assert.match(plain(c.frame()), /Restore 100 to checkpoint-/);
  await c.dialogCommand('confirm');
  await c.controller.idle();
  assert.notDeepEqual(await family(c, '100'), before, 'the restore happened');

  // Filter web out of view: u now concerns db (restored twice during the demo's history), never web.
  await c.command('prev-pane');
  await c.command('filter');
  await c.type('db');
  await c.command('confirm', FIELD_MODE_BINDINGS);
  await c.command('undo');
  let f = plain(c.frame());
  assert.match(f, /Undo the last restore of 101/);
  assert.doesNotMatch(f, /of 100/);
  await c.dialogCommand('close');
  assert.deepEqual(await family(c, '101'), db, 'closing the dialog changes nothing');

  // Back to web: the dialog names it, says it is stopped and started, and what becomes of today's state.
  await c.command('close');
  await c.command('top');
  await c.command('undo');
  f = plain(c.frame());
  assert.match(f, /Undo the last restore of 100/);
  assert.match(f, /web \(running\) shuts down \(graceful up to \d+ s, then hard\)/);
  assert.match(f, /-> today's state is discarded: no branch is left\s+║\s+║ +\(unchanged since the restore\)/);
  assert.match(f, /-> web starts/);
  assert.deepEqual(await family(c, '101'), db, 'nothing happened to db');
  await c.dialogCommand('confirm');
  await c.controller.idle();
  assert.match(plain(c.frame()), /undo of the restore of 100: done/);
  // Zero leftovers: the family as before the restore, plus only the restore's safety snapshot.
  const after = await family(c, '100');
  const added = after.filter((n) => !before.includes(n));
  assert.deepEqual(
    before.filter((n) => !after.includes(n)),
    [],
    'every dataset and checkpoint is back',
  );
  assert.equal(added.length, 1, `only the safety snapshot is new: ${added.join(', ')}`);
  assert.match(added[0]!, /@pre-restore-\d+$/);
  assert.equal(c.host.runner.containers.get('100')!.status, 'running', 'started again');
  c.unmount();
});

test('u on a container with no branch restore says so, and that a rollback cannot be undone', async () => {
  const c = await renderConsole();
  await c.command('down');
  await c.command('down');
  await c.command('down');
  await c.command('down');
  assert.match(plain(c.frame()), /Checkpoints of 104 cache/);
  await c.command('undo');
  const f = plain(c.frame());
  assert.doesNotMatch(f, /Undo the last restore/);
  assert.match(f, /104: no branch restore to undo \(a rollback cannot be undone/);
  c.unmount();
});

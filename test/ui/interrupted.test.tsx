import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { READ_ONLY_RECOVER } from '../../src/app/bindings.js';
import type { JournalEntry } from '../../src/core/state/journal.js';
import { plain, renderConsole } from '../support/ui.js';

type Console = Awaited<ReturnType<typeof renderConsole>>;
const snap = (id: string, t: number) => `rpool/data/subvol-${id}-disk-0@checkpoint-${t}`;

/** A journal left by a console on another host that died mid-way through a one-step group checkpoint. */
function leaveInterrupted(c: Console, id: string, container: string, snapshot: string, status: 'running' | 'done'): void {
  const dir = c.host.config.journal_dir;
  mkdirSync(dir, { recursive: true });
  const entry: JournalEntry = {
    id,
    operation: 'group-checkpoint',
    container,
    pid: 4242,
    host: 'pve-gone',
    startedAt: Date.parse('2026-11-20T10:00:00Z'),
    input: { snapshots: [snapshot], props: { 'lxcri:kind': 'checkpoint' } },
    steps: [{ title: `snapshot ${snapshot}`, status }],
  };
  writeFileSync(join(dir, `${id}.json`), JSON.stringify(entry));
}

const exists = (c: Console, name: string) => c.host.runner.zfs.datasets.has(name);

test('interrupted operations: the dialog opens by itself, f then y finishes one, u then y undoes the other', async () => {
  const c = await renderConsole();
  Object.defineProperty(c.stdout, 'columns', { value: 140, configurable: true });
  c.stdout.emit('resize');
  assert.doesNotMatch(plain(c.frame()), /interrupted/);
  leaveInterrupted(c, 'op-a', '100', snap('100', 1700000000), 'running');
  c.host.runner.zfs.snapshot([snap('103', 1700000001)], { 'lxcri:kind': 'checkpoint' }, false);
  leaveInterrupted(c, 'op-b', '103', snap('103', 1700000001), 'done');
  await c.command('refresh');
  let f = plain(c.frame());
  assert.match(f, /Interrupted operations \(2\)/);
  assert.match(f, /> group-checkpoint of 100: 0 of 1 step\(s\) done \(pid 4242 on pve-gone, 2026-11-20 \d\d:00:00\)/);
  assert.match(f, / {2}group-checkpoint of 103: 1 of 1 step\(s\) done/);
  assert.match(f, /unsure {3}snapshot rpool\/data\/subvol-100-disk-0@checkpoint-1700000000 \(was running when the process died\)/);
  assert.match(f, /2 interrupted operations: press I/);

  await c.dialogCommand('recover-run');
  assert.match(plain(c.frame()), /y: press f \(finish\) or u \(undo\) first/);
  await c.dialogCommand('recover-finish');
  f = plain(c.frame());
  assert.doesNotMatch(f, /press f \(finish\)/, 'the hint is gone once followed');
  assert.match(f, /finishing runs:[\s║]+run {6}snapshot rpool\/data\/subvol-100-disk-0@checkpoint-1700000000/);
  assert.match(f, /y finish the group-checkpoint of 100/);
  assert.equal(exists(c, snap('100', 1700000000)), false, 'nothing runs before y');
  await c.dialogCommand('recover-run');
  assert.equal(exists(c, snap('100', 1700000000)), true, 'finished: the snapshot the dead console meant to take exists');
  f = plain(c.frame());
  assert.match(f, /finish group-checkpoint of 100: done/);
  assert.match(f, /1 interrupted operation: press I/);
  assert.doesNotMatch(f, /Interrupted operations/, 'not reopened for an operation already shown');

  await c.command('recover');
  assert.match(plain(c.frame()), /Interrupted operations \(1\)[\s\S]*> group-checkpoint of 103/);
  await c.dialogCommand('recover-undo');
  assert.match(plain(c.frame()), /undoing reverses:[\s║]+undo {5}snapshot rpool\/data\/subvol-103-disk-0@checkpoint-1700000001/);
  await c.dialogCommand('recover-run');
  assert.equal(exists(c, snap('103', 1700000001)), false, 'undone: the snapshot it took is gone');
  assert.doesNotMatch(plain(c.frame()), /interrupted operation/);
  await c.command('recover');
  assert.match(plain(c.frame()), /I: no interrupted operation/);
  c.unmount();
});

test('interrupted operations in read-only mode: listed, with why nothing can be run, and f does nothing', async () => {
  const c = await renderConsole({ readOnly: true });
  leaveInterrupted(c, 'op-ro', '100', snap('100', 1700000002), 'running');
  await c.command('refresh');
  const shown = READ_ONLY_RECOVER.slice(0, 60);
  assert.match(plain(c.frame()), /Interrupted operations \(1\)/);
  assert.ok(plain(c.frame()).includes(shown), plain(c.frame()));
  await c.dialogCommand('recover-finish');
  await c.dialogCommand('recover-run');
  assert.equal(exists(c, snap('100', 1700000002)), false);
  assert.match(plain(c.frame()), /y: read-only session: finishing or undoing changes ZFS/);
  await c.dialogCommand('close');
  assert.match(plain(c.frame()), /1 interrupted operation: press I/);
  await c.command('recover');
  assert.match(plain(c.frame()), /Interrupted operations \(1\)/);
  c.unmount();
});

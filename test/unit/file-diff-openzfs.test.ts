import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statSizes } from '../../src/core/tools/stat.js';
import { expectOpenzfs, fakeCore } from '../support/fake-core.js';
import { RecordBuilder } from '../support/records.js';

const BR = 't/c/lxcri-br-web-1763890000';

/** web restored from `base`: the former line (base, x) is a branch, the live line (y) a clone of base. */
const records = () =>
  new RecordBuilder()
    .fs('t')
    .fs('t/c')
    .fs(BR, { user: { branch: 'web@1763890000' } })
    .snap(BR, 'base')
    .snap(BR, 'x')
    .fs('t/c/web', { origin: `${BR}@base` })
    .snap('t/c/web', 'y').records;

/** The batched stat the sizes are read with (zfs diff prints none), answering `<size><TAB><name><NUL>` per file found. */
const expectStat = (runner: ReturnType<typeof fakeCore>['runner'], sizes: Array<[string, number | undefined]>) =>
  runner.expect(['sh', ...statSizes(sizes.map(([p]) => p)).args], {
    stdout: sizes.flatMap(([p, n]) => (n === undefined ? [] : [`${n}\t${p}\0`])).join(''),
  });

const FHT = (lines: string[]) => lines.map((l) => `1763890001.000000001\t${l}\n`).join('');

test('OpenZFS: diff runs zfs diff -FHt (no clone), in container paths, the parent directories dropped; sizes by one stat', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfs(runner, records());
  runner.expect(['zfs', 'diff', '-FHt', 't/c/web@y', 't/c/web'], {
    stdout: FHT(['M\t/\t/t/c/web/', 'M\t/\t/t/c/web/etc', 'M\tF\t/t/c/web/etc/hosts', '+\tF\t/t/c/web/new\\0040file', 'R\tF\t/t/c/web/a\t/t/c/web/b']),
  });
  // To NOW: the live mountpoint; /b was removed again meanwhile (stat leaves it out: no size, no error).
  expectStat(runner, [
    ['/t/c/web/b', undefined],
    ['/t/c/web/etc/hosts', 120],
    ['/t/c/web/new file', 7],
  ]);
  const r = await core.diff('web', 'y');
  runner.assertDone();
  assert.equal(r.method, 'zfs-diff');
  assert.deepEqual(
    r.changes.map((c) => [c.change, c.path, c.newPath ?? null, c.size ?? null]),
    [
      ['R', '/a', '/b', null],
      ['M', '/etc/hosts', null, 120],
      ['+', '/new file', null, 7],
    ],
  );
  assert.equal(r.summary.bytes, 127);
  assert.deepEqual([r.from, r.to, r.base], ['y', 'NOW', undefined]);
});

test('OpenZFS: across branches, zfs diff from the merge base to each side, merged per path', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfs(runner, records());
  runner.expect(['zfs', 'diff', '-FHt', `${BR}@base`, `${BR}@x`], {
    stdout: FHT(['M\tF\t/t/c/lxcri-br-web-1763890000/f1', '-\tF\t/t/c/lxcri-br-web-1763890000/f3']),
  });
  runner.expect(['zfs', 'diff', '-FHt', `${BR}@base`, 't/c/web@y'], { stdout: FHT(['+\tF\t/t/c/web/f4', 'M\tF\t/t/c/web/f3']) });
  // Both sides sized by one stat, in each checkpoint's .zfs/snapshot: a removed file in the base, the rest on its side.
  expectStat(runner, [
    [`/${BR}/.zfs/snapshot/x/f1`, 11],
    [`/${BR}/.zfs/snapshot/base/f3`, 22],
    ['/t/c/web/.zfs/snapshot/y/f3', 33],
    ['/t/c/web/.zfs/snapshot/y/f4', 44],
  ]);
  const r = await core.diff('web', 'x', 'y');
  runner.assertDone();
  assert.equal(r.base, 'base');
  assert.deepEqual(
    r.changes.map((c) => ('side' in c ? [c.side, c.change, c.path, c.fromChange ?? null, c.size] : [])),
    [
      ['from', 'M', '/f1', null, 11],
      ['both', 'M', '/f3', '-', 33],
      ['to', '+', '/f4', null, 44],
    ],
  );
});

test('OpenZFS: a diff from a newer to an older checkpoint runs zfs diff the other way and inverts it', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfs(runner, records());
  runner.expect(['zfs', 'diff', '-FHt', `${BR}@base`, `${BR}@x`], { stdout: FHT(['+\tF\t/t/c/lxcri-br-web-1763890000/f4']) });
  // Removed going from x to base: its size is read in x.
  expectStat(runner, [[`/${BR}/.zfs/snapshot/x/f4`, 5]]);
  const r = await core.diff('web', 'x', 'base');
  runner.assertDone();
  assert.deepEqual(
    r.changes.map((c) => [c.change, c.path, c.size]),
    [['-', '/f4', 5]],
  );
});

test('a bad argument is refused before any zfs command runs', async () => {
  const { runner, core } = fakeCore();
  await assert.rejects(core.diff('web', 'NOW'), /first checkpoint of a diff cannot be NOW/);
  await assert.rejects(core.diff('web', ''), /snapshot name is empty/);
  await assert.rejects(core.restoreFile('web', 'x', '../../etc/shadow'), /uses '\.\.'/);
  await assert.rejects(core.planRestoreFile('web', 'x', '/etc/x', { to: '/y', replace: true }), /--replace does not go with --to/);
  assert.equal(runner.ran.length, 0);
});

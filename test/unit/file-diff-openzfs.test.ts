import assert from 'node:assert/strict';
import { test } from 'node:test';
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

const FHT = (lines: string[]) => lines.map((l) => `1763890001.000000001\t${l}\n`).join('');

test('OpenZFS: diff runs zfs diff -FHt (no clone), in container paths, the parent directories dropped', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfs(runner, records());
  runner.expect(['zfs', 'diff', '-FHt', 't/c/web@y', 't/c/web'], {
    stdout: FHT(['M\t/\t/t/c/web/', 'M\t/\t/t/c/web/etc', 'M\tF\t/t/c/web/etc/hosts', '+\tF\t/t/c/web/new\\0040file', 'R\tF\t/t/c/web/a\t/t/c/web/b']),
  });
  const r = await core.diff('web', 'y');
  runner.assertDone();
  assert.equal(r.method, 'zfs-diff');
  assert.deepEqual(
    r.changes.map((c) => [c.change, c.path, c.newPath ?? null]),
    [
      ['R', '/a', '/b'],
      ['M', '/etc/hosts', null],
      ['+', '/new file', null],
    ],
  );
  assert.deepEqual([r.from, r.to, r.base], ['y', 'NOW', undefined]);
});

test('OpenZFS: across branches, zfs diff from the merge base to each side, merged per path', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfs(runner, records());
  runner.expect(['zfs', 'diff', '-FHt', `${BR}@base`, `${BR}@x`], {
    stdout: FHT(['M\tF\t/t/c/lxcri-br-web-1763890000/f1', '-\tF\t/t/c/lxcri-br-web-1763890000/f3']),
  });
  runner.expect(['zfs', 'diff', '-FHt', `${BR}@base`, 't/c/web@y'], { stdout: FHT(['+\tF\t/t/c/web/f4', 'M\tF\t/t/c/web/f3']) });
  const r = await core.diff('web', 'x', 'y');
  runner.assertDone();
  assert.equal(r.base, 'base');
  assert.deepEqual(
    r.changes.map((c) => ('side' in c ? [c.side, c.change, c.path, c.fromChange ?? null] : [])),
    [
      ['from', 'M', '/f1', null],
      ['both', 'M', '/f3', '-'],
      ['to', '+', '/f4', null],
    ],
  );
});

test('OpenZFS: a diff from a newer to an older checkpoint runs zfs diff the other way and inverts it', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfs(runner, records());
  runner.expect(['zfs', 'diff', '-FHt', `${BR}@base`, `${BR}@x`], { stdout: FHT(['+\tF\t/t/c/lxcri-br-web-1763890000/f4']) });
  const r = await core.diff('web', 'x', 'base');
  runner.assertDone();
  assert.deepEqual(
    r.changes.map((c) => [c.change, c.path]),
    [['-', '/f4']],
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

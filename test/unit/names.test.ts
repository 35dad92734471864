import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/core/errors.js';
import { validateContainerId, validateDatasetName, validateSnapshotName, validateSnapshotShortName } from '../../src/core/tools/zfs/names.js';

test('valid names pass unchanged', () => {
  assert.equal(validateDatasetName('tank/containers/web'), 'tank/containers/web');
  assert.equal(validateDatasetName('rpool/data/subvol-101-disk-0'), 'rpool/data/subvol-101-disk-0');
  assert.equal(validateSnapshotName('tank/c/web@checkpoint-1763890000'), 'tank/c/web@checkpoint-1763890000');
  assert.equal(validateContainerId('101'), '101');
  assert.equal(validateContainerId('web.prod_1'), 'web.prod_1');
});

test('bad names are refused with a one-line message naming the problem', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => validateDatasetName(''), /empty/],
    [() => validateDatasetName('tank//web'), /empty component/],
    [() => validateDatasetName('tank/web/'), /trailing/],
    [() => validateDatasetName('1tank/web'), /begin with a letter/],
    [() => validateDatasetName('mirror/web'), /reserved/],
    [() => validateDatasetName('tank/we$b'), /character '\$'/],
    [() => validateDatasetName('tank/../etc'), /'\.\.'/],
    [() => validateDatasetName(`tank/${'a'.repeat(260)}`), /longer than 255/],
    [() => validateDatasetName('tank/web@x'), /'@'/],
    [() => validateSnapshotName('tank/web'), /missing '@'/],
    [() => validateSnapshotShortName('a/b'), /not allowed/],
    [() => validateSnapshotShortName('x;rm -rf'), /character ';'/],
    [() => validateContainerId('we b'), /invalid container id/],
    [() => validateContainerId('../x'), /invalid container id/],
    [() => validateContainerId('-rf'), /invalid container id/],
    [() => validateContainerId('lxcri-br-web-1700000001'), /reserved/],
  ];
  for (const [fn, pattern] of cases) {
    assert.throws(fn, (e: unknown) => e instanceof UsageError && pattern.test(e.message) && !e.message.includes('\n') && e.hint.length > 0 && e.exitCode === 2);
  }
});

test('empty, blank and prefix-only snapshot names are refused before anything runs', async () => {
  const { validateSnapshotArgument } = await import('../../src/core/ops/select-snapshot.js');
  for (const bad of ['', ' ', 'checkpoint-', 'checkpoint', 'pre-restore-', 't/c/web@checkpoint-', 't/c/web@']) {
    assert.throws(
      () => validateSnapshotArgument(bad),
      (e: unknown) => e instanceof Error && /empty|only a prefix/.test(e.message),
      JSON.stringify(bad),
    );
  }
  assert.equal(validateSnapshotArgument('checkpoint-1763890000'), 'checkpoint-1763890000');
});

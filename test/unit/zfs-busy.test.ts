import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeRunner } from '../../src/core/runner/fake-runner.js';
import { BUSY_BACKOFF, busyDelays, DatasetBusyError, reportBusyWaits, type BusyEvent } from '../../src/core/tools/zfs/busy.js';
import { dependentsToFree, parseDependencyListing, renamedDespiteFailure } from '../../src/core/tools/zfs/rename.js';
import { Zfs } from '../../src/core/tools/zfs/zfs.js';

const BUSY = { exitCode: 1, stderr: "cannot rename 'p/c/web': dataset is busy\n" };
const LIST = ['zfs', 'list', '-H', '-o', 'name,origin,mounted,mountpoint', '-t', 'filesystem', '-r', 'p'];
// web's snapshot has a mounted clone (the previous restore's branch), which has a mounted clone of its own.
const LISTING =
  [
    'p\t-\tyes\t/p',
    'p/c\t-\tyes\t/p/c',
    'p/c/web\tp/c/lxcri-br-web-1700000002@checkpoint-1\tno\t/p/c/web',
    'p/c/lxcri-br-web-1700000001\tp/c/web@pre-restore-1\tyes\t/p/c/lxcri-br-web-1700000001',
    'p/c/lxcri-br-web-1700000002\t-\tyes\t/p/c/lxcri-br-web-1700000002',
    'p/c/other\tp/c/lxcri-br-web-1700000001@x\tyes\t/p/c/other',
    'p/c/lxcri-restore-web-1700000003\tp/c/lxcri-br-web-1700000002@checkpoint-1\tno\t/p/c/lxcri-restore-web-1700000003',
  ].join('\n') + '\n';

function zfsWith(runner: FakeRunner) {
  const slept: number[] = [];
  const heard: Array<[string, BusyEvent]> = [];
  const zfs = new Zfs(runner, { longMs: 1000 }, { sleep: async (ms) => void slept.push(ms), onBusyWait: (line, e) => heard.push([line, e]) });
  return { zfs, slept, heard };
}

test('the busy backoff is exponential, capped, and adds up to its total', () => {
  const delays = busyDelays();
  assert.deepEqual(delays, [100, 200, 400, 800, 1600, 3000, 3000, 2900]);
  assert.equal(
    delays.reduce((a, b) => a + b, 0),
    BUSY_BACKOFF.totalMs,
  );
});

test('the dependents a rename frees: clones of its snapshots and their clones, mounted ones only, mount order', () => {
  const records = parseDependencyListing(LISTING);
  assert.deepEqual(dependentsToFree(records, 'p/c/web'), ['p/c/lxcri-br-web-1700000001', 'p/c/other']);
  assert.deepEqual(dependentsToFree(records, 'p/c/lxcri-br-web-1700000002'), ['p/c/lxcri-br-web-1700000001', 'p/c/lxcri-br-web-1700000002', 'p/c/other']);
  assert.deepEqual(dependentsToFree(records, 'p/c/web', ['p/c/lxcri-restore-web-1700000003']), ['p/c/lxcri-br-web-1700000001', 'p/c/other'], 'not a dependent');
  assert.equal(renamedDespiteFailure("cannot mount 'p/c/x': mountpoint or dataset is busy\n"), true);
  assert.equal(renamedDespiteFailure("cannot rename 'p/c/web': dataset is busy\ncannot mount 'p/c/x': mountpoint or dataset is busy\n"), false);
  assert.equal(renamedDespiteFailure("cannot unmount '/p/c/x': umount failed\n"), false);
});

test('a rename refused as busy unmounts the mounted dependents, waits for the dataset with reports, and mounts them again', async () => {
  const runner = new FakeRunner()
    .expect(['zfs', 'rename', 'p/c/web', 'p/c/lxcri-br-web-1700000003'], BUSY)
    .expect(LIST, { stdout: LISTING })
    .expect(['zfs', 'unmount', 'p/c/other'])
    .expect(['zfs', 'unmount', 'p/c/lxcri-br-web-1700000001'])
    .expect(['zfs', 'rename', 'p/c/web', 'p/c/lxcri-br-web-1700000003'], BUSY)
    .expect(['zfs', 'rename', 'p/c/web', 'p/c/lxcri-br-web-1700000003'], BUSY)
    .expect(['zfs', 'rename', 'p/c/web', 'p/c/lxcri-br-web-1700000003'])
    .expect(['zfs', 'mount', 'p/c/lxcri-br-web-1700000001'])
    .expect(['zfs', 'mount', 'p/c/other']);
  const { zfs, slept, heard } = zfsWith(runner);
  await zfs.rename('p/c/web', 'p/c/lxcri-br-web-1700000003');
  runner.assertDone();
  assert.deepEqual(slept, [100, 200]);
  assert.deepEqual(
    heard.map(([line]) => line),
    [
      'p/c/web is busy: unmounting p/c/lxcri-br-web-1700000001, p/c/other for the rename',
      'waiting for p/c/web to become free (attempt 3, 0.1 s)',
      'waiting for p/c/web to become free (attempt 4, 0.3 s)',
    ],
  );
});

test('a rename done although zfs could not mount a dependent again mounts it once free, and is not repeated', async () => {
  const runner = new FakeRunner()
    .expect(['zfs', 'rename', 'p/c/web', 'p/c/b'], { exitCode: 1, stderr: "cannot mount 'p/c/lxcri-br-web-1700000001': mountpoint or dataset is busy\n" })
    .expect(['zfs', 'mount', 'p/c/lxcri-br-web-1700000001'], {
      exitCode: 1,
      stderr: "cannot mount 'p/c/lxcri-br-web-1700000001': mountpoint or dataset is busy\n",
    })
    .expect(['zfs', 'mount', 'p/c/lxcri-br-web-1700000001']);
  const { zfs, slept } = zfsWith(runner);
  await zfs.rename('p/c/web', 'p/c/b');
  runner.assertDone();
  assert.deepEqual(slept, [100]);
});

test('a dataset that stays busy fails after the whole backoff, saying how long it waited and what may hold it', async () => {
  const runner = new FakeRunner();
  const attempts = busyDelays().length + 1;
  for (let i = 0; i < attempts; i++) runner.expect(['zfs', 'destroy', 'p/c/web@a'], { exitCode: 1, stderr: "cannot destroy 'p/c/web@a': dataset is busy\n" });
  const { zfs, slept, heard } = zfsWith(runner);
  await assert.rejects(zfs.destroy('p/c/web@a'), (e: unknown) => {
    assert.ok(e instanceof DatasetBusyError);
    assert.equal(e.code, 'busy');
    assert.equal(e.message, `Dataset busy: p/c/web@a stayed busy for 12.0 s (${attempts} attempts): cannot destroy 'p/c/web@a': dataset is busy`);
    assert.match(e.hint, /zfs-fuse still releasing it after an unmount/);
    assert.match(e.hint, /fuser -vm/);
    return true;
  });
  runner.assertDone();
  assert.deepEqual(slept, busyDelays());
  assert.equal(heard.length, attempts - 1);
  assert.equal(heard.at(-1)![0], `waiting for p/c/web@a to become free (attempt ${attempts}, 12.0 s)`);
});

test('a rename that stays busy after freeing its dependents mounts them again and names them in the hint', async () => {
  const runner = new FakeRunner()
    .expect(['zfs', 'rename', 'p/c/web', 'p/c/b'], BUSY)
    .expect(LIST, { stdout: LISTING })
    .expect(['zfs', 'unmount', 'p/c/other'])
    .expect(['zfs', 'unmount', 'p/c/lxcri-br-web-1700000001']);
  for (let i = 0; i <= busyDelays().length; i++) runner.expect(['zfs', 'rename', 'p/c/web', 'p/c/b'], BUSY);
  runner.expect(['zfs', 'mount', 'p/c/lxcri-br-web-1700000001']).expect(['zfs', 'mount', 'p/c/other']);
  const { zfs } = zfsWith(runner);
  await assert.rejects(
    zfs.rename('p/c/web', 'p/c/b'),
    (e: unknown) =>
      e instanceof DatasetBusyError &&
      /^Dataset busy: p\/c\/web stayed busy for 12\.0 s/.test(e.message) &&
      /its dependents p\/c\/lxcri-br-web-1700000001, p\/c\/other were unmounted for the rename/.test(e.hint),
  );
  runner.assertDone();
});

test('busy waits go to the listener of the operation that runs them; reads are not retried', async () => {
  const runner = new FakeRunner()
    .expect(['zfs', 'promote', 'p/c/web'], { exitCode: 1, stderr: "cannot promote 'p/c/web': dataset is busy\n" })
    .expect(['zfs', 'promote', 'p/c/web'])
    .expect(['zfs', 'get', '-H', '-o', 'value', 'origin', 'p/c/web'], { exitCode: 1, stderr: "cannot open 'p/c/web': dataset is busy\n" });
  const { zfs, heard } = zfsWith(runner);
  const mine: string[] = [];
  await reportBusyWaits(
    (line) => mine.push(line),
    () => zfs.promote('p/c/web'),
  );
  assert.deepEqual(mine, ['waiting for p/c/web to become free (attempt 2, 0.1 s)']);
  assert.equal(heard.length, 0, 'the default listener hears nothing while an operation listens');
  await assert.rejects(zfs.origin('p/c/web'), (e: unknown) => !(e instanceof DatasetBusyError) && /busy/.test((e as Error).message));
  runner.assertDone();
});

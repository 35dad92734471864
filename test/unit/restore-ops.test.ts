import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefusedError } from '../../src/core/errors.js';
import { OperationFailedError } from '../../src/core/ops/steps.js';
import { expectLegacyListing, expectOpenzfs, expectOpenzfsListing, fakeCore, NOW_S, openzfsListOutput } from '../support/fake-core.js';
import { RecordBuilder } from '../support/records.js';

const line = () => new RecordBuilder().fs('t/c').fs('t/c/web').snap('t/c/web', 'checkpoint-1').snap('t/c/web', 'checkpoint-2').snap('t/c/web', 'checkpoint-3');

const D = 't/c/web';
const B = `t/c/lxcri-br-web-${NOW_S}`;
const TMP = `t/c/lxcri-restore-web-${NOW_S}`;
const SAFETY = `${D}@pre-restore-${NOW_S}`;
const SAFETY_PROPS = ['-o', 'lxcri:kind=safety', '-o', 'lxcri:created-by=alice', '-o', 'lxcri:host=pve1', '-o', 'lxcri:label=before restoring checkpoint-1'];

type Runner = ReturnType<typeof fakeCore>['runner'];
const VERSION = ['zfs', 'version'];

/** The listing and the local-properties read run side by side: detection first, then the read, then the listing. */
function expectLoadWithLocal(runner: Runner, flavour: 'openzfs' | 'legacy', records: Parameters<typeof openzfsListOutput>[0], local: string) {
  if (flavour === 'openzfs') runner.expect(VERSION, { stdout: 'zfs-2.2.6-pve1\nzfs-kmod-2.2.6-pve1\n' });
  else runner.expect(VERSION, { exitCode: 2, stderr: "unrecognized command 'version'\n" });
  runner.expect(['zfs', 'get', '-Hp', '-o', 'property,value', '-s', 'local', 'all', D], { stdout: local });
  if (flavour === 'openzfs') expectOpenzfsListing(runner, records);
  else {
    expectLegacyListing(runner, records);
  }
  runner.expect(['zfs', 'snapshot', ...SAFETY_PROPS, SAFETY]);
}

/** A restore of checkpoint-1 on the line whose promote fails for lack of space, and the undo up to D's mount. */
function expectFailedPromoteAndUndoToMount(runner: Runner): void {
  runner.expect(['zfs', 'clone', `${D}@checkpoint-1`, TMP]);
  runner.expect(['zfs', 'unmount', D]);
  runner.expect(['zfs', 'unmount', TMP]);
  runner.expect(['zfs', 'rename', D, B]);
  runner.expect(['zfs', 'set', `lxcri:branch=web@${NOW_S}:restore:g-checkpoint-1`, B]);
  runner.expect(['zfs', 'rename', TMP, D]);
  runner.expect(['zfs', 'promote', D], { exitCode: 1, stderr: "cannot promote 't/c/web': out of space\n" });
  // The failed promote is undone too: B is still the origin's holder, so there is nothing to promote back.
  runner.expect(['zfs', 'get', '-H', '-o', 'value', 'origin', B], { stdout: '-\n' });
  runner.expect(['zfs', 'rename', D, TMP]);
  runner.expect(['zfs', 'inherit', 'lxcri:branch', B]);
  runner.expect(['zfs', 'rename', B, D]);
}

test('branch restore on OpenZFS: safety snapshot, clone with the local properties, swap, promote, mount', async () => {
  const { runner, core } = fakeCore();
  expectLoadWithLocal(runner, 'openzfs', line().records, 'refquota\t8589934592\nacltype\tposixacl\nlxcri:foo\tbar\n');
  runner.expect(['zfs', 'clone', '-o', 'refquota=8589934592', '-o', 'acltype=posixacl', `${D}@checkpoint-1`, TMP]);
  runner.expect(['zfs', 'unmount', D]);
  runner.expect(['zfs', 'unmount', TMP]);
  runner.expect(['zfs', 'rename', D, B]);
  runner.expect(['zfs', 'set', `lxcri:branch=web@${NOW_S}:restore:g-checkpoint-1`, B]);
  runner.expect(['zfs', 'rename', TMP, D]);
  runner.expect(['zfs', 'promote', D]);
  runner.expect(['zfs', 'mount', D]);
  runner.expect(['zfs', 'mount', B]);
  const r = await core.restore('web', { snapshot: 'checkpoint-1' });
  runner.assertDone();
  assert.equal(r.mode, 'branch');
  if (r.mode !== 'branch') return;
  assert.equal(r.branchDataset, B);
  assert.equal(r.safetySnapshot, `${B}@pre-restore-${NOW_S}`);
  assert.ok(r.steps.every((s) => s.status === 'done'));
});

test('branch restore with a local mountpoint moves it to the restored dataset', async () => {
  const { runner, core } = fakeCore();
  expectLoadWithLocal(runner, 'legacy', line().records, 'mountpoint\t/var/lib/lxc/web/rootfs\n');
  runner.expect(['zfs', 'clone', `${D}@checkpoint-1`, TMP]);
  runner.expect(['zfs', 'unmount', D]);
  runner.expect(['zfs', 'unmount', TMP], { exitCode: 1, stderr: `cannot unmount '${TMP}': not currently mounted\n` });
  runner.expect(['zfs', 'rename', D, B]);
  runner.expect(['zfs', 'set', `lxcri:branch=web@${NOW_S}:restore:g-checkpoint-1`, B]);
  runner.expect(['zfs', 'inherit', 'mountpoint', B]);
  runner.expect(['zfs', 'rename', TMP, D]);
  runner.expect(['zfs', 'set', 'mountpoint=/var/lib/lxc/web/rootfs', D]);
  runner.expect(['zfs', 'promote', D]);
  runner.expect(['zfs', 'mount', D]);
  runner.expect(['zfs', 'mount', B], { exitCode: 1, stderr: `cannot mount '${B}': filesystem already mounted\n` });
  await core.restore('web', { snapshot: `${D}@checkpoint-1` });
  runner.assertDone();
});

test('a failed step undoes every earlier step in reverse order and reports each', async () => {
  const { runner, core } = fakeCore();
  expectLoadWithLocal(runner, 'openzfs', line().records, '');
  expectFailedPromoteAndUndoToMount(runner);
  runner.expect(['zfs', 'mount', D]);
  runner.expect(['zfs', 'destroy', TMP]);
  runner.expect(['zfs', 'destroy', SAFETY]);
  await assert.rejects(core.restore('web', { snapshot: 'checkpoint-1' }), (e: unknown) => {
    assert.ok(e instanceof OperationFailedError);
    assert.match(e.message, /failed at "promote t\/c\/web": Out of space/);
    assert.match(e.message, /every earlier step was undone/);
    const failedAt = e.steps.findIndex((s) => s.status === 'failed');
    assert.equal(e.steps[failedAt]!.title, `promote ${D}`);
    assert.ok(e.steps.slice(0, failedAt).every((s) => s.status === 'undone' || s.title.startsWith('unmount t/c/lxcri-restore')));
    assert.ok(
      e.steps.slice(failedAt + 1).every((s) => s.status === 'pending'),
      'the steps after it never ran',
    );
    return true;
  });
  runner.assertDone();
});

test('rollback lists every snapshot and clone it destroys, runs -R only when confirmed and still exact', async () => {
  const recs = line()
    .fs('t/c/lxcri-br-web-1700000005', { origin: `${D}@checkpoint-3`, user: { branch: 'web@5' } })
    .snap('t/c/lxcri-br-web-1700000005', 'checkpoint-9').records;
  const { runner, core } = fakeCore();
  expectOpenzfs(runner, recs);
  const plan = await core.planRestore('web', { snapshot: 'checkpoint-1', mode: 'rollback' });
  assert.equal(plan.mode, 'rollback');
  if (plan.mode !== 'rollback') return;
  assert.deepEqual(plan.destroysSnapshots, [`${D}@checkpoint-2`, `${D}@checkpoint-3`, 't/c/lxcri-br-web-1700000005@checkpoint-9']);
  assert.deepEqual(plan.destroysDatasets, ['t/c/lxcri-br-web-1700000005']);
  expectOpenzfsListing(runner, recs);
  await assert.rejects(core.restore('web', { plan }), (e: unknown) => e instanceof RefusedError && /not confirmed/.test(e.message));
  expectOpenzfsListing(runner, recs);
  // Checked once more right before the rollback runs.
  expectOpenzfsListing(runner, recs);
  runner.expect(['zfs', 'rollback', '-R', `${D}@checkpoint-1`]);
  const r = await core.restore('web', { plan, confirmed: true });
  assert.equal(r.mode, 'rollback');
  runner.assertDone();
});

test('rollback refuses when the state changed since the preview, and for held or off-line snapshots', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfs(runner, line().records);
  const plan = await core.planRestore('web', { snapshot: 'checkpoint-1', mode: 'rollback' });
  expectOpenzfsListing(runner, line().snap(D, 'checkpoint-4').records);
  await assert.rejects(core.restore('web', { plan, confirmed: true }), /changed since the preview/);
  expectOpenzfsListing(runner, line().snap(D, 'checkpoint-4', { userrefs: 1 }).records);
  await assert.rejects(core.planRestore('web', { snapshot: 'checkpoint-1', mode: 'rollback' }), /held snapshot\(s\): t\/c\/web@checkpoint-4/);
  expectOpenzfsListing(
    runner,
    line()
      .fs('t/c/lxcri-br-web-1700000005', { origin: `${D}@checkpoint-3` })
      .snap('t/c/lxcri-br-web-1700000005', 'checkpoint-9').records,
  );
  await assert.rejects(
    core.planRestore('web', { snapshot: 'checkpoint-9', mode: 'rollback' }),
    /is on the branch t\/c\/lxcri-br-web-1700000005, not on the container's active line/,
  );
  runner.assertDone();
});

test('restore default target is the latest checkpoint on the active line; unknown snapshot names are refused', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfs(runner, line().snap(D, 'autosnap_x').records);
  const plan = await core.planRestore('web', { mode: 'rollback' });
  assert.equal(plan.target.name, 'checkpoint-3');
  expectOpenzfsListing(runner, line().records);
  await assert.rejects(core.planRestore('web', { snapshot: 'checkpoint-77' }), /Snapshot does not exist: checkpoint-77/);
  runner.assertDone();
});

test('a clone that times out may still complete later: its undo runs, and the journal stays for recover', async () => {
  const { runner, core } = fakeCore();
  expectLoadWithLocal(runner, 'openzfs', line().records, '');
  runner.expect(['zfs', 'clone', `${D}@checkpoint-1`, TMP], { fail: 'timeout' });
  // The timed-out step is undone too (nothing there yet), then the safety snapshot.
  runner.expect(['zfs', 'destroy', TMP], { exitCode: 1, stderr: `cannot open '${TMP}': dataset does not exist\n` });
  runner.expect(['zfs', 'destroy', SAFETY]);
  let journalId: string | undefined;
  await assert.rejects(core.restore('web', { snapshot: 'checkpoint-1' }), (e: unknown) => {
    assert.ok(e instanceof OperationFailedError);
    assert.match(e.message, /failed at "clone t\/c\/web@checkpoint-1 to t\/c\/lxcri-restore-web-\d+": .*timed out/);
    assert.match(e.hint, /lxcri-console recover \S+ --finish/);
    journalId = e.journalId;
    return true;
  });
  runner.assertDone();
  // Listed as interrupted although this process lives on (as a console would), with the clone still unsure.
  const [entry, ...more] = await core.interrupted();
  assert.equal(more.length, 0);
  assert.equal(entry?.id, journalId);
  assert.equal(entry?.operation, 'branch-restore');
  assert.deepEqual(
    entry?.steps.slice(0, 2).map((s) => s.status),
    ['undone', 'running'],
  );
  // When the late clone has landed, recover --undo removes it.
  runner.expect(['zfs', 'destroy', TMP]);
  const recovered = await core.recover(journalId!, 'undo');
  assert.equal(recovered.steps[1]!.status, 'undone');
  runner.assertDone();
  assert.deepEqual(await core.interrupted(), []);
});

test('an undo that fails twice (a mount timing out) keeps the journal, and recover --undo finishes the job', async () => {
  const { runner, core } = fakeCore();
  expectLoadWithLocal(runner, 'openzfs', line().records, '');
  expectFailedPromoteAndUndoToMount(runner);
  runner.expect(['zfs', 'mount', D], { fail: 'timeout' });
  runner.expect(['zfs', 'mount', D], { fail: 'timeout' });
  runner.expect(['zfs', 'destroy', TMP]);
  runner.expect(['zfs', 'destroy', SAFETY]);
  let journalId: string | undefined;
  await assert.rejects(core.restore('web', { snapshot: 'checkpoint-1' }), (e: unknown) => {
    assert.ok(e instanceof OperationFailedError);
    assert.match(e.message, /undo failed for: unmount t\/c\/web/);
    assert.match(e.hint, /recover \S+ --finish/);
    journalId = e.journalId;
    return true;
  });
  runner.assertDone();
  assert.deepEqual(
    (await core.interrupted()).map((x) => x.id),
    [journalId],
  );
  // Only what is still undone runs again: the mount of the container's dataset.
  runner.expect(['zfs', 'mount', D]);
  await core.recover(journalId!, 'undo');
  runner.assertDone();
  assert.deepEqual(await core.interrupted(), []);
});

test('a failed restore of a checkpoint on another branch promotes that branch back, not the old line', async () => {
  const X = 't/c/lxcri-br-web-1700000005';
  const recs = line()
    .fs(X, { origin: `${D}@checkpoint-2`, user: { branch: 'web@1700000005' } })
    .snap(X, 'checkpoint-7').records;
  const TMP7 = TMP;
  const { runner, core } = fakeCore();
  runner.expect(VERSION, { stdout: 'zfs-2.2.6-pve1\nzfs-kmod-2.2.6-pve1\n' });
  runner.expect(['zfs', 'get', '-Hp', '-o', 'property,value', '-s', 'local', 'all', D], { stdout: '' });
  expectOpenzfsListing(runner, recs);
  runner.expect(['zfs', 'snapshot', ...SAFETY_PROPS.slice(0, -2), '-o', 'lxcri:label=before restoring checkpoint-7', SAFETY]);
  runner.expect(['zfs', 'clone', `${X}@checkpoint-7`, TMP7]);
  runner.expect(['zfs', 'unmount', D]);
  runner.expect(['zfs', 'unmount', TMP7]);
  runner.expect(['zfs', 'rename', D, B]);
  runner.expect(['zfs', 'set', `lxcri:branch=web@${NOW_S}:restore:g-checkpoint-7`, B]);
  runner.expect(['zfs', 'rename', TMP7, D]);
  runner.expect(['zfs', 'promote', D]);
  runner.expect(['zfs', 'mount', D], { exitCode: 1, stderr: "cannot mount 't/c/web': out of space\n" });
  runner.expect(['zfs', 'unmount', D], { exitCode: 1, stderr: "cannot unmount 't/c/web': not currently mounted\n" });
  // Promote made X (where checkpoint-7 lived) a clone of D: X is promoted back.
  runner.expect(['zfs', 'get', '-H', '-o', 'value', 'origin', X], { stdout: `${D}@checkpoint-7\n` });
  runner.expect(['zfs', 'promote', X]);
  runner.expect(['zfs', 'rename', D, TMP7]);
  runner.expect(['zfs', 'inherit', 'lxcri:branch', B]);
  runner.expect(['zfs', 'rename', B, D]);
  runner.expect(['zfs', 'mount', D]);
  runner.expect(['zfs', 'destroy', TMP7]);
  runner.expect(['zfs', 'destroy', SAFETY]);
  await assert.rejects(core.restore('web', { snapshot: 'checkpoint-7' }), /every earlier step was undone/);
  runner.assertDone();
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LxcriError } from '../../src/core/errors.js';
import { OperationFailedError } from '../../src/core/ops/steps.js';
import { CHECKPOINT_PROPS, expectLegacy, fakeCore, NOW_S } from '../support/fake-core.js';
import { RecordBuilder } from '../support/records.js';

const twoContainers = () => new RecordBuilder().fs('t/c').fs('t/c/web').fs('t/c/db');

const OPENZFS_VERSION = ['zfs', 'version'];
const expectOpenzfsDetect = (runner: ReturnType<typeof fakeCore>['runner']) =>
  runner.expect(OPENZFS_VERSION, { stdout: 'zfs-2.2.6-pve1\nzfs-kmod-2.2.6-pve1\n' });

test('checkpoint stores label and provenance as user properties in its one snapshot call, with no listing first', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfsDetect(runner);
  runner.expect(['zfs', 'snapshot', ...CHECKPOINT_PROPS, '-o', 'lxcri:label=before upgrade', `t/c/web@checkpoint-${NOW_S}`]);
  const r = await core.checkpoint(['web'], { label: 'before upgrade' });
  runner.assertDone();
  assert.equal(r.checkpoints[0]!.snapshot, `t/c/web@checkpoint-${NOW_S}`);
  assert.equal(r.atomic, true);
});

test('a second checkpoint in the same second gets the next free name, also when another process raced us', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfsDetect(runner);
  runner.expect(['zfs', 'snapshot', ...CHECKPOINT_PROPS, `t/c/web@checkpoint-${NOW_S}`], {
    exitCode: 1,
    stderr: `cannot create snapshot 't/c/web@checkpoint-${NOW_S}': dataset already exists\n`,
  });
  runner.expect(['zfs', 'snapshot', ...CHECKPOINT_PROPS, `t/c/web@checkpoint-${NOW_S}-2`], {
    exitCode: 1,
    stderr: `cannot create snapshot 't/c/web@checkpoint-${NOW_S}-2': dataset already exists\n`,
  });
  runner.expect(['zfs', 'snapshot', ...CHECKPOINT_PROPS, `t/c/web@checkpoint-${NOW_S}-3`]);
  const r = await core.checkpoint(['web']);
  runner.assertDone();
  assert.equal(r.checkpoints[0]!.name, `checkpoint-${NOW_S}-3`);
});

test('group checkpoint on OpenZFS: one atomic call with several names', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfsDetect(runner);
  runner.expect(['zfs', 'snapshot', ...CHECKPOINT_PROPS, `t/c/web@checkpoint-${NOW_S}`, `t/c/db@checkpoint-${NOW_S}`]);
  const r = await core.checkpoint(['web', 'db']);
  runner.assertDone();
  assert.deepEqual([r.method, r.atomic], ['multi-name', true]);
});

test('group checkpoint on zfs-fuse: -r on a parent holding exactly these datasets, parent snapshot removed', async () => {
  const { runner, core } = fakeCore();
  expectLegacy(runner, twoContainers().records);
  runner.expect(['zfs', 'snapshot', '-r', ...CHECKPOINT_PROPS, `t/c@checkpoint-${NOW_S}`]);
  runner.expect(['zfs', 'destroy', `t/c@checkpoint-${NOW_S}`]);
  const r = await core.checkpoint(['web', 'db']);
  runner.assertDone();
  assert.deepEqual([r.method, r.atomic], ['recursive', true]);
  assert.deepEqual(
    r.checkpoints.map((c) => c.snapshot),
    [`t/c/web@checkpoint-${NOW_S}`, `t/c/db@checkpoint-${NOW_S}`],
  );
});

test('group checkpoint on zfs-fuse with other datasets beside: sequential, says so, and is all-or-nothing', async () => {
  const { runner, core } = fakeCore();
  expectLegacy(runner, twoContainers().fs('t/c/other').records);
  runner.expect(['zfs', 'snapshot', ...CHECKPOINT_PROPS, `t/c/web@checkpoint-${NOW_S}`]);
  runner.expect(['zfs', 'snapshot', ...CHECKPOINT_PROPS, `t/c/db@checkpoint-${NOW_S}`]);
  const ok = await core.checkpoint(['web', 'db']);
  assert.deepEqual([ok.method, ok.atomic], ['sequential', false]);
  assert.match(ok.note!, /^not atomic: zfs-fuse takes one snapshot per call and t\/c holds other datasets too/);

  const { runner: r2, core: c2 } = fakeCore();
  expectLegacy(r2, twoContainers().fs('t/c/other').records);
  r2.expect(['zfs', 'snapshot', ...CHECKPOINT_PROPS, `t/c/web@checkpoint-${NOW_S}`]);
  r2.expect(['zfs', 'snapshot', ...CHECKPOINT_PROPS, `t/c/db@checkpoint-${NOW_S}`], {
    exitCode: 1,
    stderr: "cannot create snapshot 't/c/db@x': out of space\n",
  });
  // The failed step is undone too (it may have half-happened): here there is nothing to destroy.
  r2.expect(['zfs', 'destroy', `t/c/db@checkpoint-${NOW_S}`], { exitCode: 1, stderr: `cannot open 't/c/db@checkpoint-${NOW_S}': dataset does not exist\n` });
  r2.expect(['zfs', 'destroy', `t/c/web@checkpoint-${NOW_S}`]);
  await assert.rejects(c2.checkpoint(['web', 'db']), (e: unknown) => {
    assert.ok(e instanceof OperationFailedError);
    assert.match(e.message, /Out of space/);
    assert.deepEqual(
      e.steps.map((s) => s.status),
      ['undone', 'failed'],
    );
    return true;
  });
  r2.assertDone();
});

test('checkpoint refuses bad input before any command runs', async () => {
  const { runner, core } = fakeCore();
  await assert.rejects(core.checkpoint(['web;rm']), /invalid container id/);
  await assert.rejects(core.checkpoint(['web', 'web']), /named twice/);
  await assert.rejects(core.checkpoint(['web'], { label: 'a\tb' }), /one line without tabs/);
  assert.equal(runner.ran.length, 0);
});

test('missing container dataset: the seed wording plus what to do', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfsDetect(runner);
  runner.expect(['zfs', 'snapshot', ...CHECKPOINT_PROPS, `t/c/nope@checkpoint-${NOW_S}`], {
    exitCode: 1,
    stderr: "cannot open 't/c/nope': dataset does not exist\n",
  });
  await assert.rejects(
    core.checkpoint(['nope']),
    (e: unknown) => e instanceof LxcriError && e.message === 'Dataset does not exist: t/c/nope' && /lxcri-console list/.test(e.hint),
  );
});

test("a group checkpoint step refused because the name exists is not undone: that snapshot is someone else's", async () => {
  const { runner, core } = fakeCore();
  expectLegacy(runner, twoContainers().fs('t/c/other').records);
  runner.expect(['zfs', 'snapshot', ...CHECKPOINT_PROPS, `t/c/web@checkpoint-${NOW_S}`]);
  runner.expect(['zfs', 'snapshot', ...CHECKPOINT_PROPS, `t/c/db@checkpoint-${NOW_S}`], {
    exitCode: 1,
    stderr: `cannot create snapshot 't/c/db@checkpoint-${NOW_S}': dataset already exists\n`,
  });
  // Only ours goes: no destroy of t/c/db@checkpoint-… (FakeRunner fails on any command not expected).
  runner.expect(['zfs', 'destroy', `t/c/web@checkpoint-${NOW_S}`]);
  await assert.rejects(core.checkpoint(['web', 'db']), (e: unknown) => e instanceof OperationFailedError && /Already exists/.test(e.message));
  runner.assertDone();
});

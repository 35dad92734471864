import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RefusedError } from '../../src/core/errors.js';
import { sh, createTestPool, type TestPool } from '../support/real-pool.js';

let pool: TestPool;
before(() => {
  pool = createTestPool('dp');
});
after(() => pool?.destroy());

const DAY_MS = 86_400_000;

test('delete one checkpoint; refusals for clones, holds and the active NOW leave everything in place', async () => {
  pool.container('del', 'd1');
  const { core } = pool.core();
  const cp1 = (await core.checkpoint(['del'])).checkpoints[0]!.name;
  pool.write('del', 'd2');
  const cp2 = (await core.checkpoint(['del'])).checkpoints[0]!.name;
  pool.write('del', 'd3');
  const cp3 = (await core.checkpoint(['del'])).checkpoints[0]!.name;
  const r = await core.restore('del', { snapshot: cp1 });
  if (r.mode !== 'branch') throw new Error('expected branch');
  const snapshotsBefore = pool.snapshots();

  await assert.rejects(core.delete('del', cp1, { confirmed: true }), (e: unknown) => e instanceof RefusedError && /dependent clones/.test(e.message));
  await assert.rejects(core.delete('del', cp1, { subtree: true, confirmed: true }), /contains the container's live state/);
  sh('zfs', ['hold', 'keep', `${r.branchDataset}@${cp3}`]);
  await assert.rejects(core.delete('del', cp3, { confirmed: true }), /is held/);
  await assert.rejects(core.delete('del', cp2, { subtree: true, confirmed: true }), /held snapshot/);
  sh('zfs', ['release', 'keep', `${r.branchDataset}@${cp3}`]);
  await assert.rejects(core.delete('del', cp3), /not confirmed/);
  assert.deepEqual(pool.snapshots(), snapshotsBefore, 'no refusal touched anything');

  const single = await core.delete('del', cp3, { confirmed: true });
  assert.deepEqual(single.deleted, [`${r.branchDataset}@${cp3}`]);
  assert.deepEqual(
    pool.snapshots(),
    snapshotsBefore.filter((s) => s !== `${r.branchDataset}@${cp3}`),
  );
});

test('delete --subtree removes the checkpoint, its descendants and the branch dataset, and nothing else', async () => {
  pool.container('sub', 's1');
  const { core } = pool.core();
  const cp1 = (await core.checkpoint(['sub'])).checkpoints[0]!.name;
  pool.write('sub', 's2');
  const cp2 = (await core.checkpoint(['sub'])).checkpoints[0]!.name;
  const r = await core.restore('sub', { snapshot: cp1 });
  if (r.mode !== 'branch') throw new Error('expected branch');
  const plan = await core.planDelete('sub', cp2, true);
  const before = { snaps: pool.snapshots(), ds: pool.datasets() };
  const result = await core.delete('sub', cp2, { subtree: true, confirmed: true });
  assert.deepEqual(result.datasets, [r.branchDataset]);
  assert.deepEqual(before.snaps.filter((s) => !pool.snapshots().includes(s)).sort(), [...plan.snapshots].sort());
  assert.deepEqual(
    before.ds.filter((d) => !pool.datasets().includes(d)),
    [r.branchDataset],
  );
  assert.equal(pool.read('sub'), 's1');
  const tree = await core.tree('sub');
  assert.equal(tree.branches.length, 1);
});

test('prune: the plan gives each checkpoint a rule; execution destroys exactly the planned ones', async () => {
  pool.container('pr', 'x');
  let nowMs = Date.now() - 40 * DAY_MS;
  const { core } = pool.core({ ctx: { now: () => nowMs } });
  // The clock only spreads the names; ages come from the real ZFS creation time, so max_snapshots decides here.
  for (let i = 0; i < 6; i++) {
    await core.checkpoint(['pr']);
    nowMs += DAY_MS;
  }
  sh('zfs', ['snapshot', `${pool.base}/pr@autosnap_2026-01-01_00:00:00_daily`]);
  nowMs = Date.now();
  const [plan] = await core.planPrune(['pr'], { maxSnapshots: 3 });
  assert.ok(plan);
  assert.deepEqual(
    plan.items.map((i) => [i.action, i.rule]),
    [
      ['prune', 'beyond-max'],
      ['prune', 'beyond-max'],
      ['prune', 'beyond-max'],
      ['keep', 'within-max'],
      ['keep', 'within-max'],
      ['keep', 'within-max'],
      ['keep', 'not-candidate'],
    ],
  );
  assert.deepEqual(plan.items.find((i) => i.name.startsWith('autosnap'))!.rule, 'not-candidate');
  assert.equal(plan.reclaimAccuracy, 'estimate', 'zfs-fuse has no destroy -nvp');
  const before = pool.snapshots();
  const [result] = await core.prune([plan], true);
  assert.deepEqual(
    result!.results.map((r) => r.status),
    ['destroyed', 'destroyed', 'destroyed'],
  );
  const gone = before.filter((s) => !pool.snapshots().includes(s));
  assert.deepEqual(
    gone.sort(),
    plan.items
      .filter((i) => i.action === 'prune')
      .map((i) => i.snapshot)
      .sort(),
  );
  await assert.rejects(core.prune([plan], false), /not confirmed/);
});

test('prune execution reports each item: a snapshot gone since the plan is skipped, not an error for the rest', async () => {
  pool.container('pr2', 'x');
  const { core } = pool.core();
  for (let i = 0; i < 4; i++) await core.checkpoint(['pr2']);
  const [plan] = await core.planPrune(['pr2'], { maxSnapshots: 1 });
  const victims = plan!.items.filter((i) => i.action === 'prune');
  assert.equal(victims.length, 3);
  sh('zfs', ['destroy', victims[0]!.snapshot]);
  const [result] = await core.prune([plan!], true);
  assert.deepEqual(
    result!.results.map((r) => r.status),
    ['gone', 'destroyed', 'destroyed'],
  );
});

test('group checkpoint on zfs-fuse: atomic -r when the parent holds exactly those containers, sequential otherwise', async () => {
  const groupBase = `${pool.pool}/group`;
  sh('zfs', ['create', groupBase]);
  sh('zfs', ['create', `${groupBase}/a`]);
  sh('zfs', ['create', `${groupBase}/b`]);
  const { core } = pool.core({
    config: (c) => {
      c.zfs.base_dataset = groupBase;
    },
  });
  const atomic = await core.checkpoint(['a', 'b']);
  assert.deepEqual([atomic.method, atomic.atomic], ['recursive', true]);
  const snaps = pool.snapshots().filter((s) => s.startsWith(`${groupBase}`));
  assert.deepEqual(snaps, [`${groupBase}/a@${atomic.checkpoints[0]!.name}`, `${groupBase}/b@${atomic.checkpoints[0]!.name}`]);
  sh('zfs', ['create', `${groupBase}/c`]);
  const seq = await core.checkpoint(['a', 'b']);
  assert.deepEqual([seq.method, seq.atomic], ['sequential', false]);
  assert.match(seq.note!, /not atomic/);
  assert.ok(!pool.snapshots().some((s) => s.startsWith(`${groupBase}/c@`)));
});

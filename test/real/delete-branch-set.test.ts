import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

let pool: TestPool;
before(() => {
  pool = createTestPool('dbs');
});
after(() => pool?.destroy());

test('delete-branch destroys exactly the branch dataset and its snapshots; the live line is refused', async () => {
  pool.container('br', 'b1');
  const { core } = pool.core();
  const cp1 = (await core.checkpoint(['br'], { label: 'base' })).checkpoints[0]!.name;
  pool.write('br', 'b2');
  const cp2 = (await core.checkpoint(['br'], { label: 'later' })).checkpoints[0]!.name;
  const r = await core.restore('br', { snapshot: cp1 });
  if (r.mode !== 'branch') throw new Error('expected a branch restore');
  const active = (await core.tree('br')).activeDataset;
  await assert.rejects(core.planDeleteBranch('br', active), /live line/);
  await assert.rejects(core.deleteBranch('br', r.branchDataset), /not confirmed/);

  const plan = await core.planDeleteBranch('br', r.branchDataset);
  assert.deepEqual(plan.snapshots.map((n) => n.name).sort(), [cp2, r.safetySnapshot.split('@')[1]!].sort());
  const before = { snaps: pool.snapshots(), ds: pool.datasets() };
  await core.deleteBranch('br', r.branchDataset, { confirmed: true });
  // Ground truth: zfs list -t all shows exactly the branch and its snapshots gone.
  assert.deepEqual(
    before.ds.filter((d) => !pool.datasets().includes(d)),
    [r.branchDataset],
  );
  assert.deepEqual(before.snaps.filter((s) => !pool.snapshots().includes(s)).sort(), plan.snapshots.map((n) => n.fullName).sort());
  assert.equal(pool.read('br'), 'b1', 'the live state is untouched');
});

test('delete-set destroys the marked checkpoints but keeps the held one and the clone origin', async () => {
  pool.container('set', 's1');
  const { core } = pool.core();
  const names: string[] = [];
  for (let i = 0; i < 4; i++) {
    pool.write('set', `s${i + 2}`);
    names.push((await core.checkpoint(['set'])).checkpoints[0]!.name);
  }
  const ds = (await core.tree('set')).activeDataset;
  sh('zfs', ['hold', 'keep', `${ds}@${names[1]}`]);
  // A branch restore to the third: the old line (with the fourth) becomes a branch that grew from it.
  const r = await core.restore('set', { snapshot: names[2] });
  if (r.mode !== 'branch') throw new Error('expected a branch restore');
  const plan = await core.planDeleteSet('set', names);
  assert.deepEqual(
    plan.deletes.map((n) => n.fullName),
    [`${ds}@${names[0]}`, `${r.branchDataset}@${names[3]}`],
  );
  assert.deepEqual(
    plan.kept.map((k) => [k.node.name, k.reason.match(/held|grew from it/)?.[0]]),
    [
      [names[1], 'held'],
      [names[2], 'grew from it'],
    ],
  );
  assert.equal(plan.accuracy, 'lower-bound', 'zfs-fuse has no destroy -nvp: the sum of used, a lower bound');
  assert.equal(
    plan.freedBytes,
    plan.deletes.reduce((n, x) => n + x.used, 0),
  );
  const before = pool.snapshots();
  await core.deleteSet('set', names, { plan, confirmed: true });
  // Ground truth: exactly those two snapshots are gone.
  assert.deepEqual(before.filter((s) => !pool.snapshots().includes(s)).sort(), plan.deletes.map((n) => n.fullName).sort());
  sh('zfs', ['release', 'keep', `${ds}@${names[1]}`]);
  assert.equal(pool.read('set'), 's4', 'the live state (restored to the third) is untouched');
});

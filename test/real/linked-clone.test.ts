import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli-process.js';
import { sh, createTestPool, type TestPool } from '../support/real-pool.js';

// A linked clone (`zfs clone a@cp b`, what Proxmox's linked clones and templates make) is another container's
// dataset: it must never be drawn as a's branch, nor destroyed, rolled back, renamed or promoted by a's operations.

let pool: TestPool;
before(() => {
  pool = createTestPool('lc');
});
after(() => pool?.destroy());

/** Everything on the pool, and what the two containers hold: the ground truth no refusal may change. */
function groundTruth() {
  return { datasets: pool.datasets(), snapshots: pool.snapshots(), a: pool.read('a'), b: pool.read('b') };
}

test('a linked clone of a checkpoint is another owner: shown as a clone user, never acted on from either side', async () => {
  pool.container('a', 'a1');
  const { core } = pool.core();
  const cp1 = (await core.checkpoint(['a'])).checkpoints[0]!.name;
  pool.write('a', 'a2');
  const cp2 = (await core.checkpoint(['a'])).checkpoints[0]!.name;
  pool.write('a', 'a3');
  sh('zfs', ['clone', `${pool.base}/a@${cp2}`, `${pool.base}/b`]);
  pool.write('b', 'b1');
  const bcp = (await core.checkpoint(['b'])).checkpoints[0]!.name;

  const treeA = await core.tree('a');
  assert.deepEqual(
    treeA.branches.map((x) => x.dataset),
    [`${pool.base}/a`],
    "b is not one of a's branches",
  );
  const node = [...treeA.nodes.values()].find((n) => n.name === cp2)!;
  assert.deepEqual(node.foreignClones, [{ dataset: `${pool.base}/b`, owner: 'b' }]);
  const treeB = await core.tree('b');
  assert.deepEqual(
    treeB.branches.map((x) => [x.dataset, x.originOwner]),
    [[`${pool.base}/b`, 'a']],
  );
  assert.deepEqual(
    [...treeB.nodes.values()].filter((n) => n.kind === 'snapshot').map((n) => n.name),
    [bcp],
    "a's checkpoints are not in b's tree",
  );
  // What the admin reads: the clone user on a's checkpoint, and b's origin in b's header.
  const textA = runCli(['tree', 'a', '--config', pool.configFile]);
  assert.match(textA.stdout, new RegExp(`${cp2} .*\\[clone used by b: ${pool.base}/b\\]`));
  assert.doesNotMatch(textA.stdout, /NOW  branch \S+\/b:/m);
  const textB = runCli(['tree', 'b', '--config', pool.configFile]);
  assert.match(textB.stdout.split('\n')[0]!, new RegExp(`a clone of ${pool.base}/a@${cp2} \\(a\\)`));

  // Set a's live line aside so cp2 (b's origin) sits on a branch whose subtree holds no live state.
  const restored = await core.restore('a', { snapshot: cp1 });
  if (restored.mode !== 'branch') throw new Error('expected a branch restore');
  const truth = groundTruth();

  await assert.rejects(core.delete('a', cp2, { subtree: true, confirmed: true }), /origin of .*\/b \(clone used by b\).*never destroys/);
  await assert.rejects(core.delete('a', cp2, { confirmed: true }), /clone used by b/);
  // From b's side, a's checkpoints (named in full: short names can repeat across containers) are not there at all.
  await assert.rejects(core.delete('b', `${restored.branchDataset}@${cp2}`, { subtree: true, confirmed: true }), /Snapshot does not exist/);
  await assert.rejects(core.delete('b', `${pool.base}/a@${cp1}`, { subtree: true, confirmed: true }), /Snapshot does not exist/);
  assert.deepEqual(groundTruth(), truth, 'no refusal changed a dataset, a snapshot or a file');

  const prunePlans = await core.planPrune(['a', 'b'], { maxSnapshots: 1, retentionDays: 0 });
  for (const p of prunePlans) {
    for (const i of p.items) {
      const own = p.container === 'a' ? /\/(a|lxcri-br-a-\d+)@/.test(i.snapshot) : i.snapshot.startsWith(`${pool.base}/b@`);
      assert.ok(own, `${p.container}'s prune plan lists only its own snapshots, not ${i.snapshot}`);
    }
  }
  await core.prune(prunePlans, true);
  assert.ok(pool.snapshots().includes(`${pool.base}/b@${bcp}`), "b's checkpoint survives a's prune");
  assert.equal(pool.read('b'), 'b1');
  assert.ok(pool.datasets().includes(`${pool.base}/b`));
});

test("rollback refuses to destroy another owner's clone; a stray branch mark hides no container", async () => {
  pool.container('r', 'r1');
  const { core } = pool.core();
  const cp1 = (await core.checkpoint(['r'])).checkpoints[0]!.name;
  pool.write('r', 'r2');
  const cp2 = (await core.checkpoint(['r'])).checkpoints[0]!.name;
  sh('zfs', ['clone', `${pool.base}/r@${cp2}`, `${pool.base}/s`]);
  const truth = { datasets: pool.datasets(), snapshots: pool.snapshots() };
  await assert.rejects(core.planRestore('r', { snapshot: cp1, mode: 'rollback' }), /would destroy .*\/s \(clone used by s\)/);
  await assert.rejects(core.restore('r', { snapshot: cp1, mode: 'rollback', confirmed: true }), /clone used by s/);
  assert.deepEqual({ datasets: pool.datasets(), snapshots: pool.snapshots() }, truth);
  assert.equal(pool.read('r'), 'r2');

  sh('zfs', ['set', `lxcri:branch=r@1700000000`, `${pool.base}/s`]);
  const world = await core.refresh();
  assert.ok(
    world.containers.some((c) => c.id === 's'),
    's is still a container',
  );
  assert.equal(world.containers.find((c) => c.id === 'r')!.branches, 0, 's is not counted as a branch of r');
  assert.deepEqual(
    (await core.tree('r')).branches.map((b) => b.dataset),
    [`${pool.base}/r`],
  );
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { treeJson } from '../../src/cli/commands/tree.js';
import type { CheckpointTree } from '../../src/core/model/tree.js';
import { sh, createTestPool, type TestPool } from '../support/real-pool.js';

let pool: TestPool;
before(() => {
  pool = createTestPool('cr');
});
after(() => pool?.destroy());

function names(tree: CheckpointTree) {
  return [...tree.nodes.values()]
    .filter((n) => n.kind === 'snapshot')
    .map((n) => n.name)
    .sort();
}

test('checkpoint -> tree, with label and provenance stored on the snapshot itself', async () => {
  pool.container('alpha');
  const { core } = pool.core();
  const r = await core.checkpoint(['alpha'], { label: 'before upgrade' });
  const snap = r.checkpoints[0]!.snapshot;
  assert.match(snap, new RegExp(`^${pool.base}/alpha@checkpoint-\\d+$`));
  assert.equal(sh('zfs', ['get', '-H', '-o', 'value', 'lxcri:label', snap]).trim(), 'before upgrade');
  assert.equal(sh('zfs', ['get', '-H', '-o', 'value', 'lxcri:kind', snap]).trim(), 'checkpoint');
  const tree = await core.tree('alpha');
  const node = [...tree.nodes.values()].find((n) => n.fullName === snap)!;
  assert.equal(node.label, 'before upgrade');
  assert.equal(node.class, 'checkpoint');
  assert.equal(node.parent, undefined);
  const now = [...tree.nodes.values()].find((n) => n.kind === 'now')!;
  assert.deepEqual([now.active, now.parent], [true, node.id]);
});

test('same-second checkpoints get distinct names, never an overwrite or a failure', async () => {
  pool.container('same');
  const { core } = pool.core({ ctx: { now: () => 1_800_000_000_000 } });
  const made: string[] = [];
  for (let i = 0; i < 3; i++) made.push((await core.checkpoint(['same'])).checkpoints[0]!.name);
  assert.deepEqual(made, ['checkpoint-1800000000', 'checkpoint-1800000000-2', 'checkpoint-1800000000-3']);
  assert.equal(pool.snapshots().filter((s) => s.startsWith(`${pool.base}/same@`)).length, 3);
});

test('branch restore keeps every newer checkpoint and the live state; NOW moves to the restored branch', async () => {
  pool.container('web', 'v1');
  const { core } = pool.core();
  const cp1 = (await core.checkpoint(['web'], { label: 'one' })).checkpoints[0]!.name;
  pool.write('web', 'v2');
  const cp2 = (await core.checkpoint(['web'])).checkpoints[0]!.name;
  pool.write('web', 'v3-live');
  const before = names(await core.tree('web'));

  const r = await core.restore('web', { snapshot: cp1 });
  assert.equal(r.mode, 'branch');
  if (r.mode !== 'branch') return;
  assert.equal(pool.read('web'), 'v1', 'the container dataset now holds the restored state');
  assert.equal(pool.read(r.branchDataset), 'v3-live', 'the former live state survives on the branch');
  const tree = await core.tree('web');
  assert.deepEqual(names(tree), [...before, r.safetySnapshot.split('@')[1]!].sort(), 'every checkpoint is still there, plus the safety one');
  assert.equal(tree.branches.length, 2);
  const active = [...tree.nodes.values()].find((n) => n.active)!;
  assert.equal(active.dataset, `${pool.base}/web`);
  assert.equal(tree.nodes.get(active.parent!)!.name, cp1);

  // And back again to the newer checkpoint, which was never lost.
  await core.restore('web', { snapshot: cp2 });
  assert.equal(pool.read('web'), 'v2');
  const again = await core.tree('web');
  assert.equal(again.branches.length, 3);
  assert.ok(names(again).includes(cp1) && names(again).includes(cp2));
  const text: string[] = [];
  assert.equal(await main(['tree', 'web', '--ascii', '--config', pool.configFile], { out: (s) => text.push(s), err: () => {} }), 0);
  const lines = text.join('\n').split('\n');
  assert.match(lines.at(-1)!, /^@ NOW {2}.*\/containers\/web {2}<- you are here$/);
  assert.equal(
    lines.filter((l) => /^\| \. NOW {2}branch /.test(l) || /^\+-\. NOW/.test(l) || /\. NOW {2}branch/.test(l)).length,
    2,
    'two former lines, each with its NOW',
  );
  for (const n of [cp1, cp2])
    assert.ok(
      lines.some((l) => l.includes(n)),
      n,
    );

  // The CLI shows the same tree, in text and JSON.
  const out: string[] = [];
  const code = await main(['tree', 'web', '--json', '--config', pool.configFile], { out: (s) => out.push(s), err: () => {} });
  assert.equal(code, 0);
  assert.deepEqual(
    JSON.parse(out.join('\n')).nodes.map((n: { id: string }) => n.id),
    treeJson(again).nodes.map((n) => n.id),
  );
});

test('the tree reads the same after a manual zfs promote of the other line', async () => {
  pool.container('promo', 'p1');
  const { core } = pool.core();
  const cp1 = (await core.checkpoint(['promo'])).checkpoints[0]!.name;
  pool.write('promo', 'p2');
  await core.checkpoint(['promo']);
  const r = await core.restore('promo', { snapshot: cp1 });
  if (r.mode !== 'branch') throw new Error('expected branch');
  const shape = (t: CheckpointTree) => treeJson(t).nodes.map((n) => [n.id, n.parent ?? null, n.name, n.active, n.depth]);
  const t1 = shape(await core.tree('promo'));
  sh('zfs', ['promote', r.branchDataset]);
  const t2 = shape(await core.tree('promo'));
  assert.deepEqual(t2, t1);
  sh('zfs', ['promote', `${pool.base}/promo`]);
  assert.deepEqual(shape(await core.tree('promo')), t1);
});

test('rollback destroys exactly what it listed, and nothing without confirmation', async () => {
  pool.container('rb', 'r1');
  const { core } = pool.core();
  const cp1 = (await core.checkpoint(['rb'])).checkpoints[0]!.name;
  pool.write('rb', 'r2');
  await core.checkpoint(['rb']);
  pool.write('rb', 'r3');
  await core.checkpoint(['rb']);
  const plan = await core.planRestore('rb', { snapshot: cp1, mode: 'rollback' });
  if (plan.mode !== 'rollback') throw new Error('expected rollback');
  const beforeSnaps = pool.snapshots();
  await assert.rejects(core.restore('rb', { plan }), /not confirmed/);
  assert.deepEqual(pool.snapshots(), beforeSnaps);
  assert.equal(pool.read('rb'), 'r3');
  await core.restore('rb', { plan, confirmed: true });
  const gone = beforeSnaps.filter((s) => !pool.snapshots().includes(s));
  assert.deepEqual(gone.sort(), [...plan.destroysSnapshots].sort());
  assert.equal(plan.destroysSnapshots.length, 2);
  assert.equal(pool.read('rb'), 'r1');
});

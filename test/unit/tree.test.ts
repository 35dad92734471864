import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inventory } from '../../src/core/model/inventory.js';
import { buildTree, type CheckpointTree } from '../../src/core/model/tree.js';
import { layoutTree } from '../../src/core/model/tree-layout.js';
import { parseZfsGet } from '../../src/core/tools/zfs/parse.js';
import { summarizeContainers } from '../../src/core/world.js';
import { fixture } from '../support/fixtures.js';
import { RecordBuilder } from '../support/records.js';

/** The tree's shape by snapshot guid: what must not change across rename and promote. */
function shape(tree: CheckpointTree) {
  return [...tree.nodes.values()]
    .map((n) => ({ id: n.id, name: n.name, parent: n.parent ?? null, active: n.active, onActiveLine: n.onActiveLine, class: n.class }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

test('the captured branch restore reads as two lines with NOW on the restored one', () => {
  const inv = new Inventory(parseZfsGet(fixture('zfs/zfs-fuse-get-branch-restore.txt')));
  const tree = buildTree('web', 'ztest/containers/web', inv);
  const rows = layoutTree(tree).map((r) => `${r.guides.join(',')}|${r.node.name}${r.node.active ? '*' : ''}`);
  assert.deepEqual(rows, [
    '|checkpoint-1795427501',
    'tee|checkpoint-1795427503',
    'pipe|checkpoint-1795427505',
    'pipe|pre-restore-1795427507',
    'pipe|NOW',
    '|checkpoint-1795427509',
    '|NOW*',
  ]);
  assert.equal(tree.branches.length, 2);
  assert.deepEqual(
    tree.branches.map((b) => [b.dataset, b.active]),
    [
      ['ztest/containers/web', true],
      ['ztest/containers/lxcri-br-web-1795427507', false],
    ],
  );
  const first = [...tree.nodes.values()].find((n) => n.name === 'checkpoint-1795427501')!;
  assert.deepEqual(first.clones, ['ztest/containers/lxcri-br-web-1795427507']);
  assert.equal(first.label, 'first');
  const pre = [...tree.nodes.values()].find((n) => n.name.startsWith('pre-restore'))!;
  assert.equal(pre.class, 'safety');
  assert.equal([...tree.nodes.values()].find((n) => n.name === 'checkpoint-1795427509')!.holds, 1);
});

test('containers are listed without branch datasets, foreign snapshots counted apart', () => {
  const inv = new Inventory(parseZfsGet(fixture('zfs/zfs-fuse-get-branch-restore.txt')));
  const ids = inv
    .childrenOf('ztest/containers')
    .filter((d) => d.user.branch === undefined)
    .map((d) => d.name.split('/').pop()!);
  const list = summarizeContainers(
    ids.map((id) => ({ id, name: id, status: 'unknown', sources: ['zfs'], dataset: `ztest/containers/${id}`, mounts: [] })),
    inv,
  );
  assert.deepEqual(
    list.map((c) => [c.id, c.checkpoints, c.safety, c.foreign, c.branches]),
    [
      ['db', 1, 0, 1, 0],
      ['web', 4, 1, 0, 1],
    ],
  );
});

test("parent rules: previous snapshot on the dataset, origin for a clone's first snapshot, NOW after the last", () => {
  const b = new RecordBuilder()
    .fs('t/c/web')
    .snap('t/c/web', 'checkpoint-1')
    .snap('t/c/web', 'autosnap_2026-01-01_00:00:00_hourly')
    .snap('t/c/web', 'checkpoint-3')
    .fs('t/c/lxcri-br-web-1700000009', { origin: 't/c/web@checkpoint-1', user: { branch: 'web@9' } })
    .snap('t/c/lxcri-br-web-1700000009', 'checkpoint-5');
  const tree = buildTree('web', 't/c/web', new Inventory(b.records));
  const byName = (n: string) => [...tree.nodes.values()].find((x) => x.name === n && x.kind === 'snapshot')!;
  assert.equal(byName('checkpoint-1').parent, undefined);
  assert.equal(byName('autosnap_2026-01-01_00:00:00_hourly').parent, 'g-checkpoint-1');
  assert.equal(byName('autosnap_2026-01-01_00:00:00_hourly').class, 'foreign');
  assert.equal(byName('autosnap_2026-01-01_00:00:00_hourly').foreignSource, 'sanoid');
  assert.equal(byName('checkpoint-5').parent, 'g-checkpoint-1');
  assert.equal(tree.nodes.get('now:g-t/c/web')!.parent, 'g-checkpoint-3');
  assert.equal(tree.nodes.get('now:g-t/c/web')!.active, true);
  assert.equal(tree.nodes.get('now:g-t/c/lxcri-br-web-1700000009')!.parent, 'g-checkpoint-5');
  assert.deepEqual(tree.roots, ['g-checkpoint-1']);
});

test('the tree is identical before and after zfs promote', () => {
  // Before: the restored line D is a clone of B@checkpoint-2 and owns no snapshots.
  const before = new RecordBuilder()
    .fs('t/c/lxcri-br-web-1700000009', { guid: 'gB' })
    .snap('t/c/lxcri-br-web-1700000009', 'checkpoint-1')
    .snap('t/c/lxcri-br-web-1700000009', 'checkpoint-2')
    .snap('t/c/lxcri-br-web-1700000009', 'checkpoint-3')
    .snap('t/c/lxcri-br-web-1700000009', 'pre-restore-9')
    .fs('t/c/web', { guid: 'gD', origin: 't/c/lxcri-br-web-1700000009@checkpoint-2' });
  // After `zfs promote t/c/web`: D owns checkpoint-1..2, B is a clone of D@checkpoint-2. Same guids.
  const after = new RecordBuilder().fs('t/c/web', { guid: 'gD' });
  const recs = before.records;
  const snap = (short: string, ds: string) => ({ ...recs.find((r) => r.name.endsWith(`@${short}`))!, name: `${ds}@${short}` });
  after.records.push(snap('checkpoint-1', 't/c/web'), snap('checkpoint-2', 't/c/web'));
  after.fs('t/c/lxcri-br-web-1700000009', { guid: 'gB', origin: 't/c/web@checkpoint-2' });
  after.records.push(snap('checkpoint-3', 't/c/lxcri-br-web-1700000009'), snap('pre-restore-9', 't/c/lxcri-br-web-1700000009'));
  const t1 = buildTree('web', 't/c/web', new Inventory(before.records));
  const t2 = buildTree('web', 't/c/web', new Inventory(after.records));
  assert.deepEqual(shape(t2), shape(t1));
  assert.deepEqual(
    layoutTree(t2).map((r) => [r.id, r.guides]),
    layoutTree(t1).map((r) => [r.id, r.guides]),
  );
  assert.equal(
    shape(t1)
      .filter((n) => n.onActiveLine)
      .map((n) => n.name)
      .join(','),
    'checkpoint-1,checkpoint-2,NOW',
  );
});

test('layout of a 10,000-snapshot chain is flat and complete', () => {
  const b = new RecordBuilder().fs('t/c/big');
  for (let i = 0; i < 10_000; i++) b.snap('t/c/big', `checkpoint-${i}`);
  const rows = layoutTree(buildTree('big', 't/c/big', new Inventory(b.records)));
  assert.equal(rows.length, 10_001);
  assert.ok(rows.every((r) => r.guides.length === 0));
});

test('a listing read mid-swap (clone origins forming a cycle, one guid under two names) still gives a finite tree, flagged', () => {
  const cyclic = new RecordBuilder()
    .fs('t/c/web', { origin: 't/c/lxcri-br-web-1700001001@checkpoint-2' })
    .snap('t/c/web', 'checkpoint-1')
    .fs('t/c/lxcri-br-web-1700001001', { origin: 't/c/web@checkpoint-1' })
    .snap('t/c/lxcri-br-web-1700001001', 'checkpoint-2');
  const tree = buildTree('web', 't/c/web', new Inventory(cyclic.records));
  assert.match(tree.inconsistent ?? '', /cycle/);
  assert.equal(tree.nodes.size, 4);
  assert.ok(layoutTree(tree).length <= tree.nodes.size, 'every node is drawn at most once');

  const twice = new RecordBuilder()
    .fs('t/c/web')
    .snap('t/c/web', 'checkpoint-1')
    .fs('t/c/lxcri-restore-web-1700001001', { origin: 't/c/web@checkpoint-1' })
    .snap('t/c/lxcri-restore-web-1700001001', 'checkpoint-1');
  const dup = buildTree('web', 't/c/web', new Inventory(twice.records));
  assert.match(dup.inconsistent ?? '', /listed as both/);
});

test('only branches lxcri-console made for this container are in its tree; other clones are clone users', () => {
  const b = new RecordBuilder()
    .fs('t/c/web')
    .snap('t/c/web', 'checkpoint-1')
    .snap('t/c/web', 'checkpoint-2')
    .fs('t/c/lxcri-br-web-1700001001', { origin: 't/c/web@checkpoint-1', user: { branch: 'web@1001' } })
    .fs('t/c/db', { origin: 't/c/web@checkpoint-2', user: { branch: 'web@1002' } })
    .fs('t/c/lxcri-br-db-1700001003', { origin: 't/c/web@checkpoint-2', user: { branch: 'db@1003' } })
    .fs('rpool/data/subvol-105-disk-0', { origin: 't/c/web@checkpoint-2' });
  const tree = buildTree('web', 't/c/web', new Inventory(b.records));
  assert.deepEqual(
    tree.branches.map((x) => x.dataset),
    ['t/c/web', 't/c/lxcri-br-web-1700001001'],
  );
  const cp2 = [...tree.nodes.values()].find((n) => n.name === 'checkpoint-2')!;
  assert.deepEqual(
    cp2.foreignClones.map((f) => f.owner),
    ['db', 'a branch of db', 'CT 105'],
  );
  const db = buildTree('db', 't/c/db', new Inventory(b.records));
  assert.deepEqual(
    db.branches.map((x) => [x.dataset, x.originOwner]),
    [['t/c/db', 'web']],
  );
});

test("a branch of web-2 is never read as web's: the seconds in a branch name are unix seconds", () => {
  const b = new RecordBuilder()
    .fs('t/c/web')
    .snap('t/c/web', 'checkpoint-1')
    .fs('t/c/lxcri-br-web-2-1763890000', { origin: 't/c/web@checkpoint-1' })
    .fs('t/c/lxcri-br-web-1763890001-2', { origin: 't/c/web@checkpoint-1' });
  const tree = buildTree('web', 't/c/web', new Inventory(b.records));
  assert.deepEqual(tree.branches.map((x) => x.dataset).sort(), ['t/c/lxcri-br-web-1763890001-2', 't/c/web']);
  const cp = [...tree.nodes.values()].find((n) => n.name === 'checkpoint-1')!;
  assert.deepEqual(cp.foreignClones, [{ dataset: 't/c/lxcri-br-web-2-1763890000', owner: 'a branch of web-2' }]);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alsoOnRows } from '../../src/app/derive.js';
import { treeJson } from '../../src/cli/commands/tree.js';
import { copiesIndex, otherCopies } from '../../src/core/model/also-on.js';
import { Inventory } from '../../src/core/model/inventory.js';
import { buildTree } from '../../src/core/model/tree.js';
import type { World } from '../../src/core/world.js';
import { pickGlyphs } from '../../src/present/glyphs.js';
import { renderTreeText } from '../../src/present/tree-text.js';
import { RecordBuilder } from '../support/records.js';

// "Also on" (issue 11): a checkpoint is on another node when that node's listing has a snapshot of the same guid,
// whatever it is called there (a replica under replication.target_base has other dataset names).

const cp = { user: { kind: 'checkpoint' } };
const source = new RecordBuilder().fs('rpool/data/web').snap('rpool/data/web', 'one', cp).snap('rpool/data/web', 'two', cp);
// pve2 has `one` under a target base; pve3 has both under the same names.
const pve2 = new RecordBuilder().fs('tank/replicas/web').snap('tank/replicas/web', 'one', cp);
const pve3 = new RecordBuilder().fs('rpool/data/web').snap('rpool/data/web', 'one', cp).snap('rpool/data/web', 'two', cp);
const index = copiesIndex([
  { name: 'pve1', inventory: new Inventory(source.records) },
  { name: 'pve2', inventory: new Inventory(pve2.records) },
  { name: 'pve3', inventory: new Inventory(pve3.records) },
  { name: 'pve4' },
]);

test('the nodes holding a snapshot, by guid, other than its own', () => {
  assert.deepEqual(otherCopies(index, 'pve1', 'g-one'), ['pve2', 'pve3']);
  assert.deepEqual(otherCopies(index, 'pve1', 'g-two'), ['pve3']);
  assert.deepEqual(otherCopies(index, 'pve3', 'g-two'), ['pve1']);
  assert.deepEqual(otherCopies(index, 'pve1', 'g-none'), []);
});

test("the CLI's tree says on each checkpoint's line where else it is, and tree --json as alsoOn", () => {
  const tree = buildTree('web', 'rpool/data/web', new Inventory(source.records));
  const alsoOn = (guid: string) => otherCopies(index, 'pve1', guid);
  const text = renderTreeText(tree, pickGlyphs(true), 1_800_000_000, alsoOn);
  assert.match(
    text.find((l) => l.includes(' one '))!,
    / \[also on pve2, pve3\]$/,
  );
  assert.match(
    text.find((l) => l.includes(' two '))!,
    / \[also on pve3\]$/,
  );
  assert.ok(!renderTreeText(tree, pickGlyphs(true), 1_800_000_000).some((l) => l.includes('also on')), 'a single host says nothing');
  const json = treeJson(tree, 'pve1', alsoOn);
  assert.deepEqual(
    json.nodes.map((n) => [n.name, 'alsoOn' in n ? n.alsoOn : undefined]),
    [
      ['one', ['pve2', 'pve3']],
      ['two', ['pve3']],
      ['NOW', undefined],
    ],
  );
});

test("the console's rows: one function per world and node (the tree's widths are measured once per refresh)", () => {
  const node = (name: string, b: RecordBuilder) => ({ name, world: { inventory: new Inventory(b.records) } });
  const world = { nodes: [node('pve1', source), node('pve2', pve2)] } as unknown as World;
  const f = alsoOnRows(world, 'pve1');
  assert.equal(alsoOnRows(world, 'pve1'), f);
  const tree = buildTree('web', 'rpool/data/web', new Inventory(source.records));
  const one = [...tree.nodes.values()].find((n) => n.name === 'one')!;
  assert.deepEqual(f(one), ['pve2']);
  assert.deepEqual(alsoOnRows({ nodes: [world.nodes![0]!] } as unknown as World, 'pve1')(one), [], 'a single node: nowhere else');
});

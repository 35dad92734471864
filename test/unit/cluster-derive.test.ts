import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alsoOn } from '../../src/app/derive.js';
import { Inventory } from '../../src/core/model/inventory.js';
import { detailRows } from '../../src/present/details.js';
import { buildTree } from '../../src/core/model/tree.js';
import type { World } from '../../src/core/world.js';
import { RecordBuilder } from '../support/records.js';

/** A node's world with just a listing (what alsoOn reads). */
const nodeWorld = (b: RecordBuilder) => ({ inventory: new Inventory(b.records) }) as unknown as World;

test('a checkpoint replicated to another node says where else it is (same guid in that node’s listing); a single host says nothing', () => {
  const pve1 = new RecordBuilder().fs('rpool/data/301').snap('rpool/data/301', 'one').snap('rpool/data/301', 'two');
  const pve2 = new RecordBuilder().fs('rpool/data/301').snap('rpool/data/301', 'one');
  const pve3 = new RecordBuilder().fs('rpool/data/999').snap('rpool/data/999', 'other');
  const world = {
    nodes: [
      { name: 'pve1', local: true, world: nodeWorld(pve1) },
      { name: 'pve2', local: false, world: nodeWorld(pve2) },
      { name: 'pve3', local: false, world: nodeWorld(pve3) },
    ],
  } as unknown as World;
  assert.deepEqual(alsoOn(world, 'pve1', 'g-one'), ['pve2']);
  assert.deepEqual(alsoOn(world, 'pve1', 'g-two'), [], 'not replicated yet');
  assert.deepEqual(alsoOn(world, 'pve2', 'g-one'), ['pve1']);
  assert.deepEqual(alsoOn({ nodes: [world.nodes![0]!] } as unknown as World, 'pve1', 'g-one'), []);

  const tree = buildTree('301', 'rpool/data/301', new Inventory(pve1.records));
  const one = [...tree.nodes.values()].find((n) => n.name === 'one')!;
  const rows = detailRows(one, undefined, 80, tree, 1_800_000_000, alsoOn(world, 'pve1', one.id));
  assert.deepEqual(
    rows.find(([k]) => k === 'also on'),
    ['also on', 'pve2'],
  );
});

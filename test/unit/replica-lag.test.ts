import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inventory } from '../../src/core/model/inventory.js';
import { replicaLags } from '../../src/core/model/replica-lag.js';
import { buildTree } from '../../src/core/model/tree.js';
import { renderTreeText } from '../../src/present/tree-text.js';
import { replicaLagText } from '../../src/present/replica-lag-text.js';
import { pickGlyphs } from '../../src/present/glyphs.js';
import { RecordBuilder } from '../support/records.js';

const cp = { user: { kind: 'checkpoint' } };

test('replica lag per node, from the bases the tree marks: checkpoints made since, and when the base was taken', () => {
  const b = new RecordBuilder()
    .fs('t/c/web')
    .snap('t/c/web', 'one', cp)
    .snap('t/c/web', 'two', { user: { kind: 'checkpoint', replicated: 'pve3' } })
    .snap('t/c/web', 'three', { user: { kind: 'checkpoint', replicated: 'pve2' } })
    .snap('t/c/web', 'four', cp)
    .snap('t/c/web', 'five', cp);
  const tree = buildTree('web', 't/c/web', new Inventory(b.records));
  const lags = replicaLags(tree);
  assert.deepEqual(
    lags.map((l) => [l.node, l.base, l.behind]),
    [
      ['pve2', 't/c/web@three', 2],
      ['pve3', 't/c/web@two', 3],
    ],
  );
  const three = b.records.find((r) => r.name === 't/c/web@three')!;
  assert.equal(lags[0]!.at, three.creation);
  assert.match(replicaLagText(lags[0]!, three.creation + 3 * 3600), /^pve2: 2 checkpoint\(s\) behind \(replicated up to \S+ \S+, 3h ago\)$/);
  assert.match(renderTreeText(tree, pickGlyphs(true), three.creation + 60).join('\n'), /^replica on pve3: 3 checkpoint\(s\) behind/m);
});

test('a replica at the newest checkpoint is up to date; a tree never replicated has no replica line', () => {
  const b = new RecordBuilder()
    .fs('t/c/db')
    .snap('t/c/db', 'one', cp)
    .snap('t/c/db', 'two', { user: { kind: 'checkpoint', replicated: 'pve2' } });
  const tree = buildTree('db', 't/c/db', new Inventory(b.records));
  const [lag] = replicaLags(tree);
  assert.equal(lag!.behind, 0);
  assert.match(replicaLagText(lag!, lag!.at + 10), /^pve2: up to date/);
  const plain = buildTree('db', 't/c/db', new Inventory(new RecordBuilder().fs('t/c/db').snap('t/c/db', 'one', cp).records));
  assert.deepEqual(replicaLags(plain), []);
  assert.doesNotMatch(renderTreeText(plain, pickGlyphs(true), 0).join('\n'), /replica on/);
});

test('a moved container’s checkpoints, whose marks say `-` (no replication holds them any more), name no replica', () => {
  // After a move, the tree on its new node keeps the `-` the replica's side wrote where a received mark would come back.
  const b = new RecordBuilder()
    .fs('t/c/web')
    .snap('t/c/web', 'one', { user: { kind: 'checkpoint', replicated: '-' } })
    .snap('t/c/web', 'two', { user: { kind: 'checkpoint', replicated: '-' } })
    .snap('t/c/web', 'three', { user: { kind: 'checkpoint', replicated: 'pve3' } });
  const tree = buildTree('web', 't/c/web', new Inventory(b.records));
  assert.deepEqual(
    replicaLags(tree).map((l) => l.node),
    ['pve3'],
  );
  assert.doesNotMatch(renderTreeText(tree, pickGlyphs(true), 0).join('\n'), /replica on -/);
});

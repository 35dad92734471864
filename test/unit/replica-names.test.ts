import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inventory } from '../../src/core/model/inventory.js';
import { replicaNames } from '../../src/core/model/replica-names.js';
import { planReplication } from '../../src/core/model/replication.js';
import { replicationLines } from '../../src/present/replication-lines.js';
import { RecordBuilder } from '../support/records.js';

// replication.target_base (issue 11): the container's parent dataset is replaced by the base on the target, for its
// line, its branches and their snapshots; the target's listing read back in the source's names plans as usual.

const WEB = 'rpool/data/subvol-101-disk-0';
const BR = 'rpool/data/lxcri-br-subvol-101-disk-0-1700001001';

test('without a base, or with the parent itself as base, the names are the same on both sides', () => {
  for (const base of [undefined, 'rpool/data']) {
    const n = replicaNames(WEB, base);
    assert.equal(n.base, undefined);
    assert.equal(n.pool, 'rpool');
    assert.equal(n.root, 'rpool/data');
    assert.equal(n.toTarget(`${WEB}@a`), `${WEB}@a`);
    const inv = new Inventory(new RecordBuilder().fs('rpool/data').fs(WEB).records);
    assert.equal(n.sourceView(inv), inv);
  }
});

test('with a base: the line, its branches and their snapshots go under it, in the base pool', () => {
  const n = replicaNames(WEB, 'tank/replicas');
  assert.equal(n.base, 'tank/replicas');
  assert.equal(n.pool, 'tank');
  assert.equal(n.root, 'tank/replicas');
  assert.equal(n.toTarget(WEB), 'tank/replicas/subvol-101-disk-0');
  assert.equal(n.toTarget(`${WEB}@checkpoint-1`), 'tank/replicas/subvol-101-disk-0@checkpoint-1');
  assert.equal(n.toTarget(BR), 'tank/replicas/lxcri-br-subvol-101-disk-0-1700001001');
  assert.equal(n.toSource('tank/replicas/subvol-101-disk-0@x'), `${WEB}@x`);
  // Only what is under the base itself maps back: the base, a sibling with the same prefix and other pools do not.
  assert.equal(n.toSource('tank/replicas'), undefined);
  assert.equal(n.toSource('tank/replicas2/subvol-101-disk-0'), undefined);
  assert.equal(n.toSource('rpool/data/subvol-101-disk-0'), undefined);
  assert.throws(() => n.toTarget('rpool/other/subvol-101-disk-0'), /is not beside rpool\/data\/subvol-101-disk-0/);
  // A container at a pool's top: the pool is the parent that is replaced.
  assert.equal(replicaNames('rpool/301', 'tank/r').toTarget('rpool/301@s'), 'tank/r/301@s');
});

test("the target's listing in the source's names: only what is under the base, clone origins renamed too", () => {
  const n = replicaNames(WEB, 'tank/replicas');
  const b = new RecordBuilder().fs('tank').fs('tank/replicas').fs('tank/replicas/subvol-101-disk-0');
  b.snap('tank/replicas/subvol-101-disk-0', 'checkpoint-1');
  b.fs('tank/replicas/lxcri-br-subvol-101-disk-0-1700001001', { origin: 'tank/replicas/subvol-101-disk-0@checkpoint-1' });
  b.fs('tank/other');
  const view = n.sourceView(new Inventory(b.records));
  assert.deepEqual(
    view.records.map((r) => r.name),
    [WEB, `${WEB}@checkpoint-1`, BR],
  );
  assert.equal(view.get(BR)?.origin, `${WEB}@checkpoint-1`);
  assert.equal(view.get(`${WEB}@checkpoint-1`)?.guid, 'g-checkpoint-1', 'guids are untouched: the base is found by guid');
});

test('a plan from the renamed listing sends only the increment, as if the names were the same', () => {
  const n = replicaNames(WEB, 'tank/replicas');
  const src = new RecordBuilder().fs('rpool/data').fs(WEB);
  for (const s of ['checkpoint-1', 'checkpoint-2']) src.snap(WEB, s);
  const dst = new RecordBuilder().fs('tank/replicas').fs('tank/replicas/subvol-101-disk-0');
  dst.snap('tank/replicas/subvol-101-disk-0', 'checkpoint-1');
  const plan = planReplication(new Inventory(src.records), [WEB], n.sourceView(new Inventory(dst.records)));
  assert.deepEqual(
    plan.steps.map((s) => (s.kind === 'send' ? [s.from, s.to, n.toTarget(s.dataset)] : s.kind)),
    [[`${WEB}@checkpoint-1`, `${WEB}@checkpoint-2`, 'tank/replicas/subvol-101-disk-0']],
  );
});

test('the preview says where the replica goes when it is under a target base', () => {
  const plan = {
    steps: [{ kind: 'send' as const, dataset: WEB, to: `${WEB}@checkpoint-1`, snapshots: 1, bytes: 500 }],
    tips: [{ dataset: WEB, snapshot: `${WEB}@checkpoint-1` }],
    bytes: 500,
    current: [],
  };
  const lines = replicationLines('101', 'pve1', 'pve2', { ...plan, targetBase: 'tank/replicas' });
  assert.equal(lines[1], "  on pve2 under tank/replicas (replication.target_base); the names below are pve1's");
  assert.ok(!replicationLines('101', 'pve1', 'pve2', plan).some((l) => l.includes('target_base')), 'nothing said without one');
});

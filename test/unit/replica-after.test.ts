import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inventory } from '../../src/core/model/inventory.js';
import { replicaAfter, planReplication } from '../../src/core/model/replication.js';
import { replicaNames } from '../../src/core/model/replica-names.js';
import { RecordBuilder } from '../support/records.js';

// replicaAfter (issue 11): the replica's listing once a plan of increments ran, derived from the listings it was
// planned from, so the holds step after the streams does not read the replica again. Checked against what the
// planner itself says the replica then holds: planning again from the derived listing finds nothing to send.

const WEB = 't/c/web';
const inv = (b: RecordBuilder) => new Inventory(b.records);
const names = replicaNames(WEB);
const snapNames = (i: Inventory, ds: string) => i.snapshotsOf(ds).map((r) => r.name.split('@')[1]);

/** The source: web with checkpoint-1..4, checkpoint-4 replicated to pve3 (its mark travels with `send -p`). */
const source = () =>
  inv(
    new RecordBuilder()
      .fs('t/c')
      .fs(WEB)
      .snap(WEB, 'checkpoint-1')
      .snap(WEB, 'checkpoint-2', { user: { replicated: 'pve2' }, userrefs: 1 })
      .snap(WEB, 'checkpoint-3', { user: { label: 'before the upgrade' } })
      .snap(WEB, 'checkpoint-4', { user: { replicated: 'pve3' }, userrefs: 1 }),
  );
/** The replica at checkpoint-2, held there for the source. */
const replicaAt2 = () =>
  new RecordBuilder()
    .fs('t/c')
    .fs(WEB, { user: { 'replica-of': `pve1:${WEB}` } })
    .snap(WEB, 'checkpoint-1')
    .snap(WEB, 'checkpoint-2', { user: { replicated: 'pve1' }, userrefs: 1 });

test('an increment adds the sent snapshots after the base, with their user properties and no holds, in order', () => {
  const src = source();
  const dst = inv(replicaAt2());
  const plan = planReplication(src, [WEB], names.sourceView(dst));
  const after = replicaAfter(src, dst, plan.steps, names.toTarget)!;
  assert.deepEqual(snapNames(after, WEB), ['checkpoint-1', 'checkpoint-2', 'checkpoint-3', 'checkpoint-4']);
  const three = after.get(`${WEB}@checkpoint-3`)!;
  const four = after.get(`${WEB}@checkpoint-4`)!;
  assert.equal(three.guid, src.get(`${WEB}@checkpoint-3`)!.guid);
  assert.deepEqual(three.user, { label: 'before the upgrade' });
  assert.deepEqual(four.user, { replicated: 'pve3' }, 'the source mark as the stream carries it');
  assert.equal(four.userrefs, 0, 'holds are not sent');
  // What was there stays as it was (the base keeps its hold and mark for the source).
  assert.deepEqual(after.get(`${WEB}@checkpoint-2`), dst.get(`${WEB}@checkpoint-2`));
  assert.equal(after.get(WEB)!.user['replica-of'], `pve1:${WEB}`);
  assert.deepEqual(planReplication(src, [WEB], names.sourceView(after)).steps, [], 'planned again from it: up to date');
});

test('under replication.target_base, in the replica names', () => {
  const base = replicaNames(WEB, 'backup/replicas');
  const src = source();
  const dst = inv(
    new RecordBuilder().fs('backup/replicas').fs('backup/replicas/web').snap('backup/replicas/web', 'checkpoint-1').snap('backup/replicas/web', 'checkpoint-2'),
  );
  const plan = planReplication(src, [WEB], base.sourceView(dst));
  const after = replicaAfter(src, dst, plan.steps, base.toTarget)!;
  assert.deepEqual(snapNames(after, 'backup/replicas/web'), ['checkpoint-1', 'checkpoint-2', 'checkpoint-3', 'checkpoint-4']);
  assert.equal(after.get(`${WEB}@checkpoint-3`), undefined);
});

test('nothing to send: the listing as it was', () => {
  const src = source();
  const dst = inv(replicaAt2().snap(WEB, 'checkpoint-3').snap(WEB, 'checkpoint-4'));
  const after = replicaAfter(src, dst, [], names.toTarget)!;
  assert.deepEqual(after.records, dst.records);
});

test('anything but increments at the replica tip is read instead: a full send, a clone, a replay, snapshots past the base', () => {
  const src = source();
  // First replication: a full stream.
  const empty = inv(new RecordBuilder().fs('t/c'));
  assert.equal(replicaAfter(src, empty, planReplication(src, [WEB], empty).steps, names.toTarget), undefined);
  // The replica has a snapshot of its own past the base, which `recv -F` rolls away.
  const past = inv(replicaAt2().snap(WEB, 'made-there', { guid: 'g-made-there' }));
  const step = {
    kind: 'send' as const,
    dataset: WEB,
    from: `${WEB}@checkpoint-2`,
    to: `${WEB}@checkpoint-4`,
    incremental: '-I' as const,
    snapshots: 2,
    bytes: 200,
  };
  assert.equal(replicaAfter(src, past, [step], names.toTarget), undefined);
  assert.ok(replicaAfter(src, inv(replicaAt2()), [step], names.toTarget), 'the same step at the tip is derived');
  // A clone and a replayed branch restore change datasets: read.
  assert.equal(replicaAfter(src, inv(replicaAt2()), [{ kind: 'clone', dataset: 't/c/b', origin: `${WEB}@checkpoint-2` }], names.toTarget), undefined);
  assert.equal(
    replicaAfter(src, inv(replicaAt2()), [{ kind: 'replay', dataset: WEB, branch: 't/c/lxcri-br-web-1', at: 'checkpoint-2' }], names.toTarget),
    undefined,
  );
});

test('-i sends only its one snapshot', () => {
  const src = source();
  const step = {
    kind: 'send' as const,
    dataset: WEB,
    from: `${WEB}@checkpoint-2`,
    to: `${WEB}@checkpoint-4`,
    incremental: '-i' as const,
    snapshots: 1,
    bytes: 100,
  };
  assert.deepEqual(snapNames(replicaAfter(src, inv(replicaAt2()), [step], names.toTarget)!, WEB), ['checkpoint-1', 'checkpoint-2', 'checkpoint-4']);
});

test('increments on the line and on a branch beside it, in one plan: both derived; with a full send among them, read', () => {
  const BR = 't/c/lxcri-br-web-1700000001';
  const src = inv(
    new RecordBuilder()
      .fs('t/c')
      .fs(WEB)
      .snap(WEB, 'checkpoint-1')
      .snap(WEB, 'checkpoint-2')
      .snap(WEB, 'checkpoint-3')
      .fs(BR, { origin: `${WEB}@checkpoint-1` })
      .snap(BR, 'checkpoint-11')
      .snap(BR, 'checkpoint-12'),
  );
  const dst = inv(
    new RecordBuilder()
      .fs('t/c')
      .fs(WEB)
      .snap(WEB, 'checkpoint-1')
      .snap(WEB, 'checkpoint-2')
      .fs(BR, { origin: `${WEB}@checkpoint-1` })
      .snap(BR, 'checkpoint-11'),
  );
  const plan = planReplication(src, [WEB, BR], dst);
  assert.deepEqual(
    plan.steps.map((s) => s.kind === 'send' && [s.dataset, s.incremental]),
    [
      [WEB, '-I'],
      [BR, '-I'],
    ],
  );
  const after = replicaAfter(src, dst, plan.steps, names.toTarget)!;
  assert.deepEqual(snapNames(after, WEB), ['checkpoint-1', 'checkpoint-2', 'checkpoint-3']);
  assert.deepEqual(snapNames(after, BR), ['checkpoint-11', 'checkpoint-12']);
  assert.deepEqual(planReplication(src, [WEB, BR], after).steps, []);
  // The branch not on the replica yet: its first snapshot goes as a clone stream, a new dataset there.
  const withoutBranch = inv(new RecordBuilder().fs('t/c').fs(WEB).snap(WEB, 'checkpoint-1').snap(WEB, 'checkpoint-2'));
  assert.equal(replicaAfter(src, withoutBranch, planReplication(src, [WEB, BR], withoutBranch).steps, names.toTarget), undefined);
});

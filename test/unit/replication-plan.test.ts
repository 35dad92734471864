import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inventory } from '../../src/core/model/inventory.js';
import { heldWords, planReplication, ReplicationRefusal, type ReplicationPlan } from '../../src/core/model/replication.js';
import { RecordBuilder } from '../support/records.js';

// planReplication (issue 11) from two listings built with RecordBuilder: a snapshot's guid is `g-<short name>`, so
// the same short name on the source and on the replica is the same snapshot (a `guid` override makes a different one
// or gives a renamed copy its source's guid). Snapshots cost used=100, referenced=500 unless told otherwise.

const WEB = 't/c/web';
/** Branches as a branch restore names them: the line set aside at that second. */
const BR1 = 't/c/lxcri-br-web-1700001001';
const BR2 = 't/c/lxcri-br-web-1700002002';

const inv = (b: RecordBuilder) => new Inventory(b.records);
/** `ds` with the given snapshots, in that order. */
function line(b: RecordBuilder, ds: string, shorts: readonly string[], origin?: string): RecordBuilder {
  b.fs(ds, origin ? { origin } : {});
  for (const s of shorts) b.snap(ds, s);
  return b;
}
const c = (...n: number[]) => n.map((i) => `checkpoint-${i}`);
/** A replica pool: only the parent until lines are added. */
const replica = () => new RecordBuilder().fs('t/c');
const refusal = (message: string) => (e: unknown) => e instanceof ReplicationRefusal && e.message === message;

test('first replication of a single line: a full stream of the first snapshot, then -I to the tip', () => {
  const src = inv(line(new RecordBuilder().fs('t/c'), WEB, c(1, 2, 3)));
  const plan = planReplication(src, [WEB], inv(replica()));
  assert.deepEqual(plan, {
    steps: [
      { kind: 'send', dataset: WEB, to: `${WEB}@checkpoint-1`, snapshots: 1, bytes: 500 },
      { kind: 'send', dataset: WEB, from: `${WEB}@checkpoint-1`, to: `${WEB}@checkpoint-3`, incremental: '-I', snapshots: 2, bytes: 200 },
    ],
    tips: [{ dataset: WEB, snapshot: `${WEB}@checkpoint-3` }],
    bytes: 700,
    current: [],
  } satisfies ReplicationPlan);
  // A line of one snapshot is one full stream, nothing after it.
  const one = planReplication(inv(line(new RecordBuilder(), WEB, c(1))), [WEB], inv(replica()));
  assert.deepEqual(one.steps, [{ kind: 'send', dataset: WEB, to: `${WEB}@checkpoint-1`, snapshots: 1, bytes: 500 }]);
  assert.deepEqual(one.tips, [{ dataset: WEB, snapshot: `${WEB}@checkpoint-1` }]);
});

test('up to date: no steps, every dataset current, the tips stay the bases', () => {
  const src = inv(line(new RecordBuilder(), WEB, c(1, 2, 3)));
  const dst = inv(line(replica(), WEB, c(1, 2, 3)));
  assert.deepEqual(planReplication(src, [WEB], dst), {
    steps: [],
    tips: [{ dataset: WEB, snapshot: `${WEB}@checkpoint-3` }],
    bytes: 0,
    current: [WEB],
  } satisfies ReplicationPlan);
});

test('an increment: -I from the newest common snapshot to the tip, counting only the new snapshots', () => {
  const src = inv(line(new RecordBuilder(), WEB, c(1, 2, 3, 4)).snap(WEB, 'checkpoint-5', { used: 250 }));
  const dst = inv(line(replica(), WEB, c(1, 2, 3)));
  assert.deepEqual(planReplication(src, [WEB], dst), {
    steps: [{ kind: 'send', dataset: WEB, from: `${WEB}@checkpoint-3`, to: `${WEB}@checkpoint-5`, incremental: '-I', snapshots: 2, bytes: 350 }],
    tips: [{ dataset: WEB, snapshot: `${WEB}@checkpoint-5` }],
    bytes: 350,
    current: [],
  } satisfies ReplicationPlan);
});

test('the base is found by guid: a renamed copy counts, a same-named stranger does not', () => {
  const src = inv(line(new RecordBuilder(), WEB, c(1, 2, 3, 4)));
  // The replica's copy of checkpoint-2 is called `kept-2`; its `checkpoint-3` is another snapshot (another guid).
  const dst = inv(
    replica().fs(WEB).snap(WEB, 'checkpoint-1').snap(WEB, 'kept-2', { guid: 'g-checkpoint-2' }).snap(WEB, 'checkpoint-3', { guid: 'g-made-on-the-replica' }),
  );
  const plan = planReplication(src, [WEB], dst);
  // `from` is the source's name: the stream is made there; the receiver matches it by guid.
  assert.deepEqual(plan.steps, [
    { kind: 'send', dataset: WEB, from: `${WEB}@checkpoint-2`, to: `${WEB}@checkpoint-4`, incremental: '-I', snapshots: 2, bytes: 200 },
  ]);
  assert.deepEqual(plan.tips, [{ dataset: WEB, snapshot: `${WEB}@checkpoint-4` }]);
  assert.deepEqual(plan.current, []);
  // Renamed on the replica and nothing new: up to date.
  const renamedTip = inv(replica().fs(WEB).snap(WEB, 'checkpoint-1').snap(WEB, 'kept-4', { guid: 'g-checkpoint-4' }));
  const same = planReplication(src, [WEB], renamedTip);
  assert.deepEqual(same.steps, []);
  assert.deepEqual(same.current, [WEB]);
});

/** web: 1 - 2 - 3, BR1 cloned from web@2 holding 11 - 12, BR2 cloned from BR1@11 holding 21. */
const branchy = (b = new RecordBuilder()) => line(line(line(b, WEB, c(1, 2, 3)), BR1, c(11, 12), `${WEB}@checkpoint-2`), BR2, c(21), `${BR1}@checkpoint-11`);

test('a family with branches, first time: origins first, each branch by a clone stream (-i origin) then -I', () => {
  const src = inv(branchy());
  // In any order (alphabetically the branches come before web): the plan is in clone order.
  const plan = planReplication(src, [BR2, WEB, BR1], inv(replica()));
  assert.deepEqual(plan, {
    steps: [
      { kind: 'send', dataset: WEB, to: `${WEB}@checkpoint-1`, snapshots: 1, bytes: 500 },
      { kind: 'send', dataset: WEB, from: `${WEB}@checkpoint-1`, to: `${WEB}@checkpoint-3`, incremental: '-I', snapshots: 2, bytes: 200 },
      { kind: 'send', dataset: BR1, from: `${WEB}@checkpoint-2`, to: `${BR1}@checkpoint-11`, incremental: '-i', snapshots: 1, bytes: 100 },
      { kind: 'send', dataset: BR1, from: `${BR1}@checkpoint-11`, to: `${BR1}@checkpoint-12`, incremental: '-I', snapshots: 1, bytes: 100 },
      { kind: 'send', dataset: BR2, from: `${BR1}@checkpoint-11`, to: `${BR2}@checkpoint-21`, incremental: '-i', snapshots: 1, bytes: 100 },
    ],
    tips: [
      { dataset: WEB, snapshot: `${WEB}@checkpoint-3` },
      { dataset: BR1, snapshot: `${BR1}@checkpoint-12` },
      { dataset: BR2, snapshot: `${BR2}@checkpoint-21` },
    ],
    bytes: 1000,
    current: [],
  } satisfies ReplicationPlan);
  // Replicated once, the whole family is current; a new checkpoint on a branch is that branch's increment alone.
  assert.deepEqual(planReplication(src, [WEB, BR1, BR2], inv(branchy(replica()))).current, [WEB, BR1, BR2]);
  const grown = planReplication(inv(branchy().snap(BR1, 'checkpoint-13')), [WEB, BR1, BR2], inv(branchy(replica())));
  assert.deepEqual(grown.steps, [
    { kind: 'send', dataset: BR1, from: `${BR1}@checkpoint-12`, to: `${BR1}@checkpoint-13`, incremental: '-I', snapshots: 1, bytes: 100 },
  ]);
  assert.deepEqual(grown.current, [WEB, BR2]);
});

test('a branch restore since the last replication is replayed first; then only increments, nothing in full', () => {
  // Replicated: web 1 - 2 - 3. Then on the source: restore checkpoint-1 as a branch (safety snapshot of the live
  // state, web renamed to BR1, a clone of BR1@1 promoted as web: 1 moves back to web, 2, 3 and the safety stay on
  // BR1), then a new checkpoint-4 on web.
  const src = inv(
    new RecordBuilder()
      .fs(WEB)
      .snap(WEB, 'checkpoint-1')
      .fs(BR1, { origin: `${WEB}@checkpoint-1` })
      .snap(BR1, 'checkpoint-2')
      .snap(BR1, 'checkpoint-3')
      .snap(BR1, 'pre-restore-1700001001')
      .snap(WEB, 'checkpoint-4'),
  );
  const dst = inv(line(replica(), WEB, c(1, 2, 3)));
  const plan = planReplication(src, [WEB, BR1], dst);
  assert.deepEqual(plan, {
    steps: [
      { kind: 'replay', dataset: WEB, branch: BR1, at: 'checkpoint-1' },
      { kind: 'send', dataset: WEB, from: `${WEB}@checkpoint-1`, to: `${WEB}@checkpoint-4`, incremental: '-I', snapshots: 1, bytes: 100 },
      { kind: 'send', dataset: BR1, from: `${BR1}@checkpoint-3`, to: `${BR1}@pre-restore-1700001001`, incremental: '-I', snapshots: 1, bytes: 100 },
    ],
    tips: [
      { dataset: WEB, snapshot: `${WEB}@checkpoint-4` },
      { dataset: BR1, snapshot: `${BR1}@pre-restore-1700001001` },
    ],
    bytes: 200,
    current: [],
  } satisfies ReplicationPlan);
  assert.ok(!plan.steps.some((s) => s.kind === 'send' && !s.from), 'no full send');
  // Once replayed and sent, the replica has both lines: nothing to do, and no second replay.
  const after = inv(line(line(replica(), WEB, c(1, 4)), BR1, ['checkpoint-2', 'checkpoint-3', 'pre-restore-1700001001'], `${WEB}@checkpoint-1`));
  assert.deepEqual(planReplication(src, [WEB, BR1], after).steps, []);
});

test('a branch made since the last replication is not a restore to replay: a clone stream from its origin', () => {
  // web 1 - 2 - 3 replicated; then BR1 cloned from web@2 with 11 (nothing of the replica's web moved).
  const src = inv(line(line(new RecordBuilder(), WEB, c(1, 2, 3)), BR1, c(11), `${WEB}@checkpoint-2`));
  const plan = planReplication(src, [WEB, BR1], inv(line(replica(), WEB, c(1, 2, 3))));
  assert.deepEqual(plan.steps, [
    { kind: 'send', dataset: BR1, from: `${WEB}@checkpoint-2`, to: `${BR1}@checkpoint-11`, incremental: '-i', snapshots: 1, bytes: 100 },
  ]);
  assert.deepEqual(plan.current, [WEB]);
});

test('a line without a snapshot of its own: the same clone of its origin on the replica', () => {
  // BR1 is a clone of web@3 with no checkpoint (its safety snapshot pruned): nothing to send, a clone to make.
  const src = inv(line(line(new RecordBuilder(), WEB, c(1, 2, 3)), BR1, [], `${WEB}@checkpoint-3`));
  const plan = planReplication(src, [WEB, BR1], inv(line(replica(), WEB, c(1, 2, 3))));
  assert.deepEqual(plan, {
    steps: [{ kind: 'clone', dataset: BR1, origin: `${WEB}@checkpoint-3` }],
    tips: [{ dataset: WEB, snapshot: `${WEB}@checkpoint-3` }],
    bytes: 0,
    current: [WEB],
  } satisfies ReplicationPlan);
  // The origin sent in the same plan: the clone comes after it.
  const first = planReplication(src, [BR1, WEB], inv(replica()));
  assert.deepEqual(first.steps, [
    { kind: 'send', dataset: WEB, to: `${WEB}@checkpoint-1`, snapshots: 1, bytes: 500 },
    { kind: 'send', dataset: WEB, from: `${WEB}@checkpoint-1`, to: `${WEB}@checkpoint-3`, incremental: '-I', snapshots: 2, bytes: 200 },
    { kind: 'clone', dataset: BR1, origin: `${WEB}@checkpoint-3` },
  ]);
  // The replica's origin under another name: the clone is made from the name it has there.
  const renamed = inv(replica().fs(WEB).snap(WEB, 'checkpoint-1').snap(WEB, 'checkpoint-2').snap(WEB, 'kept-3', { guid: 'g-checkpoint-3' }));
  assert.deepEqual(planReplication(src, [WEB, BR1], renamed).steps, [{ kind: 'clone', dataset: BR1, origin: `${WEB}@kept-3` }]);
  // Already cloned there: nothing.
  assert.deepEqual(planReplication(src, [WEB, BR1], inv(line(line(replica(), WEB, c(1, 2, 3)), BR1, [], `${WEB}@checkpoint-3`))).steps, []);
});

test('refused when the replica has the dataset but no snapshot in common, naming both newest snapshots', () => {
  const src = inv(line(new RecordBuilder(), WEB, c(1, 2, 3)));
  const stranger = inv(replica().fs(WEB).snap(WEB, 'other-1').snap(WEB, 'other-2'));
  assert.throws(
    () => planReplication(src, [WEB], stranger),
    refusal(`no common snapshot: the source's newest is ${WEB}@checkpoint-3, the replica's is ${WEB}@other-2`),
  );
  // Same names are not enough: another guid is another snapshot.
  const sameNames = inv(replica().fs(WEB).snap(WEB, 'checkpoint-1', { guid: 'g-x1' }).snap(WEB, 'checkpoint-2', { guid: 'g-x2' }));
  assert.throws(
    () => planReplication(src, [WEB], sameNames),
    refusal(`no common snapshot: the source's newest is ${WEB}@checkpoint-3, the replica's is ${WEB}@checkpoint-2`),
  );
  assert.throws(
    () => planReplication(src, [WEB], inv(replica().fs(WEB))),
    refusal(`no common snapshot: the source's newest is ${WEB}@checkpoint-3, the replica's is ${WEB} (no snapshot)`),
  );
  // A clone of something outside the family that the replica lacks cannot be received as a clone.
  const fromTemplate = inv(line(line(new RecordBuilder(), 't/tmpl', ['base']), WEB, c(1), 't/tmpl@base'));
  assert.throws(() => planReplication(fromTemplate, [WEB], inv(replica())), refusal(`${WEB} is a clone of t/tmpl@base, which the replica does not have`));
});

test('a replica with snapshots newer than the base that the source deleted: still -I from the base (recv -F mirrors)', () => {
  // The replica got 3 and 4; the source has since lost them and made 5.
  const src = inv(line(new RecordBuilder(), WEB, c(1, 2, 5)));
  const dst = inv(line(replica(), WEB, c(1, 2, 3, 4)));
  assert.deepEqual(planReplication(src, [WEB], dst), {
    steps: [{ kind: 'send', dataset: WEB, from: `${WEB}@checkpoint-2`, to: `${WEB}@checkpoint-5`, incremental: '-I', snapshots: 1, bytes: 100 }],
    tips: [{ dataset: WEB, snapshot: `${WEB}@checkpoint-5` }],
    bytes: 100,
    current: [],
  } satisfies ReplicationPlan);
});

test('heldWords: the replications a held snapshot is the base of, else the number of holds', () => {
  assert.equal(heldWords({ holds: 2 }), 'held (2 hold(s))');
  assert.equal(heldWords({ holds: 1, replicatedTo: [] }), 'held (1 hold(s))');
  assert.equal(heldWords({ holds: 1, replicatedTo: ['pve2'] }), 'held (the base of the replication to pve2)');
  assert.equal(heldWords({ holds: 2, replicatedTo: ['pve2', 'pve3'] }), 'held (the base of the replication to pve2, pve3)');
  assert.equal(heldWords({ holds: 4, replicatedTo: ['pve2', 'pve3'] }), 'held (the base of the replication to pve2, pve3; 2 other hold(s))');
});

// Planner bugs found while writing these tests (the assertions are the plan that keeps every checkpoint).

test('BUG: two branch restores since the last replication are both replayed, in order', () => {
  // Replicated: web 1 - 2 - 3. Then on the source: restore 2 as a branch (BR1 keeps 3 and its safety snapshot),
  // checkpoint 4, restore 1 as a branch (BR2 keeps 2, 4 and its safety; BR1's origin is now BR2@2).
  const src = inv(
    new RecordBuilder()
      .fs(WEB)
      .snap(WEB, 'checkpoint-1')
      .fs(BR2, { origin: `${WEB}@checkpoint-1` })
      .snap(BR2, 'checkpoint-2')
      .fs(BR1, { origin: `${BR2}@checkpoint-2` })
      .snap(BR1, 'checkpoint-3')
      .snap(BR1, 'pre-restore-1700001001')
      .snap(BR2, 'checkpoint-4')
      .snap(BR2, 'pre-restore-1700002002'),
  );
  const dst = inv(line(replica(), WEB, c(1, 2, 3)));
  // Replaying only the second restore leaves 3 on the replica's BR2, where `-I BR2@2 | recv -F` would destroy it
  // (or fail: 3 is the replica's held base) before a clone stream sends it again.
  assert.deepEqual(planReplication(src, [WEB, BR1, BR2], dst), {
    steps: [
      { kind: 'replay', dataset: WEB, branch: BR2, at: 'checkpoint-1' },
      { kind: 'replay', dataset: BR2, branch: BR1, at: 'checkpoint-2' },
      { kind: 'send', dataset: BR2, from: `${BR2}@checkpoint-2`, to: `${BR2}@pre-restore-1700002002`, incremental: '-I', snapshots: 2, bytes: 200 },
      { kind: 'send', dataset: BR1, from: `${BR1}@checkpoint-3`, to: `${BR1}@pre-restore-1700001001`, incremental: '-I', snapshots: 1, bytes: 100 },
    ],
    tips: [
      { dataset: WEB, snapshot: `${WEB}@checkpoint-1` },
      { dataset: BR2, snapshot: `${BR2}@pre-restore-1700002002` },
      { dataset: BR1, snapshot: `${BR1}@pre-restore-1700001001` },
    ],
    bytes: 300,
    current: [WEB],
  } satisfies ReplicationPlan);
});

test('BUG: a replay clones the restore target under the name it has on the replica', () => {
  // As above, one restore of checkpoint-1, but the replica's copy of it is called `kept-1` (same guid).
  const src = inv(
    new RecordBuilder()
      .fs(WEB)
      .snap(WEB, 'checkpoint-1')
      .fs(BR1, { origin: `${WEB}@checkpoint-1` })
      .snap(BR1, 'checkpoint-2')
      .snap(BR1, 'checkpoint-3')
      .snap(BR1, 'pre-restore-1700001001'),
  );
  const dst = inv(replica().fs(WEB).snap(WEB, 'kept-1', { guid: 'g-checkpoint-1' }).snap(WEB, 'checkpoint-2').snap(WEB, 'checkpoint-3'));
  // The replay runs `zfs clone BR1@<at> web` on the replica, where BR1@checkpoint-1 does not exist.
  assert.deepEqual(planReplication(src, [WEB, BR1], dst).steps, [
    { kind: 'replay', dataset: WEB, branch: BR1, at: 'kept-1' },
    { kind: 'send', dataset: BR1, from: `${BR1}@checkpoint-3`, to: `${BR1}@pre-restore-1700001001`, incremental: '-I', snapshots: 1, bytes: 100 },
  ]);
});

test('BUG: a branch restore of a checkpoint on another branch is replayed, not refused', () => {
  // Replicated: web 1 - 2 - 3 and BR1 (clone of web@2) 11 - 12. Then on the source: restore BR1@11 as a branch
  // (safety snapshot, web renamed to BR2, a clone of BR1@11 renamed to web and promoted): web, a clone of BR2@2, holds
  // 11; BR1, now a clone of web@11, keeps 12; BR2 holds 1 - 2 - 3 and the safety snapshot.
  const src = inv(
    line(new RecordBuilder(), BR2, [...c(1, 2, 3), 'pre-restore-1700002002'])
      .fs(WEB, { origin: `${BR2}@checkpoint-2` })
      .snap(WEB, 'checkpoint-11')
      .fs(BR1, { origin: `${WEB}@checkpoint-11` })
      .snap(BR1, 'checkpoint-12'),
  );
  const dst = inv(line(line(replica(), WEB, c(1, 2, 3)), BR1, c(11, 12), `${WEB}@checkpoint-2`));
  // Today: "no common snapshot: the source's newest is t/c/web@checkpoint-11, the replica's is t/c/web@checkpoint-3",
  // though the replica is a copy of this very tree. On the replica the same restore is: web renamed to BR2, BR1@11
  // cloned to web and promoted. The replay's exact shape is the fix's to choose (it clones from another dataset
  // than the branch): only its kind, dataset and branch are asserted, and everything after it exactly.
  let plan: ReplicationPlan | undefined;
  assert.doesNotThrow(() => (plan = planReplication(src, [WEB, BR1, BR2], dst)));
  assert.deepEqual(
    plan!.steps.filter((s) => s.kind !== 'send').map((s) => (s.kind === 'replay' ? { kind: s.kind, dataset: s.dataset, branch: s.branch } : s)),
    [{ kind: 'replay', dataset: WEB, branch: BR2 }],
  );
  assert.equal(plan!.steps[0]!.kind, 'replay');
  assert.deepEqual(
    plan!.steps.filter((s) => s.kind === 'send'),
    [{ kind: 'send', dataset: BR2, from: `${BR2}@checkpoint-3`, to: `${BR2}@pre-restore-1700002002`, incremental: '-I', snapshots: 1, bytes: 100 }],
  );
  assert.deepEqual(plan!.tips, [
    { dataset: BR2, snapshot: `${BR2}@pre-restore-1700002002` },
    { dataset: WEB, snapshot: `${WEB}@checkpoint-11` },
    { dataset: BR1, snapshot: `${BR1}@checkpoint-12` },
  ]);
  assert.deepEqual(plan!.current, [WEB, BR1]);
});

test('an increment’s estimate without `written`: a checkpoint just taken owns nothing yet, so what the tip references beyond the base counts', () => {
  // 384M written, then checkpointed: the new snapshot's `used` is 0 (the live data shares its blocks).
  const M = 1024 * 1024;
  const src = inv(
    new RecordBuilder()
      .fs(WEB)
      .snap(WEB, 'checkpoint-1', { used: 0, referenced: 1 * M })
      .snap(WEB, 'checkpoint-2', { used: 0, referenced: 385 * M }),
  );
  const dst = inv(line(replica(), WEB, c(1)));
  assert.equal(planReplication(src, [WEB], dst).bytes, 384 * M);
  // Overwrites in place (the same size): the older snapshots' own space says it.
  const over = inv(
    new RecordBuilder()
      .fs(WEB)
      .snap(WEB, 'checkpoint-1', { used: 0 })
      .snap(WEB, 'checkpoint-2', { used: 64 * M })
      .snap(WEB, 'checkpoint-3', { used: 0 }),
  );
  assert.equal(planReplication(over, [WEB], dst).bytes, 64 * M);
});

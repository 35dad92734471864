import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefusedError } from '../../src/core/errors.js';
import { planDelete } from '../../src/core/ops/delete.js';
import { planPruneDecisions } from '../../src/core/ops/prune.js';
import { selectSnapshot } from '../../src/core/ops/select-snapshot.js';
import { expectOpenzfs, fakeCore, NOW_S } from '../support/fake-core.js';
import { loadedContainer, RecordBuilder } from '../support/records.js';

const loaded = loadedContainer;

/** web: c1 - c2 - c3 - NOW, with a branch X cloned from c2 holding x1 - x2 - NOW, and Y cloned from x1. */
function branchy() {
  return new RecordBuilder()
    .fs('t/c/web')
    .snap('t/c/web', 'checkpoint-1')
    .snap('t/c/web', 'checkpoint-2')
    .snap('t/c/web', 'checkpoint-3')
    .fs('t/c/lxcri-br-web-1700001001', { origin: 't/c/web@checkpoint-2' })
    .snap('t/c/lxcri-br-web-1700001001', 'checkpoint-11')
    .snap('t/c/lxcri-br-web-1700001001', 'checkpoint-12')
    .fs('t/c/lxcri-br-web-1700001002', { origin: 't/c/lxcri-br-web-1700001001@checkpoint-11' })
    .snap('t/c/lxcri-br-web-1700001002', 'checkpoint-21');
}

test('delete one checkpoint; refuse one with clones or holds', () => {
  const c = loaded(branchy());
  const plan = planDelete(c, selectSnapshot(c.tree, 'checkpoint-3'), false);
  assert.deepEqual(plan.actions, [{ kind: 'destroy-snapshot', snapshot: 't/c/web@checkpoint-3' }]);
  assert.throws(
    () => planDelete(c, selectSnapshot(c.tree, 'checkpoint-2'), false),
    (e: unknown) => e instanceof RefusedError && /dependent clones: t\/c\/lxcri-br-web-1700001001/.test(e.message) && /--subtree/.test(e.hint),
  );
  const held = loaded(branchy().snap('t/c/web', 'checkpoint-4', { userrefs: 2 }));
  assert.throws(() => planDelete(held, selectSnapshot(held.tree, 'checkpoint-4'), false), /is held \(2 hold/);
});

test('delete --subtree: clones deepest first, then the partial branch is reset; refuses the active NOW and holds', () => {
  const c = loaded(branchy());
  const whole = planDelete(c, selectSnapshot(c.tree, 'checkpoint-11'), true);
  assert.deepEqual(
    whole.actions.map((a) => (a.kind === 'destroy-dataset' ? a.dataset : a.kind)),
    ['t/c/lxcri-br-web-1700001002', 't/c/lxcri-br-web-1700001001'],
  );
  assert.deepEqual(
    new Set(whole.snapshots),
    new Set(['t/c/lxcri-br-web-1700001001@checkpoint-11', 't/c/lxcri-br-web-1700001001@checkpoint-12', 't/c/lxcri-br-web-1700001002@checkpoint-21']),
  );
  const partial = planDelete(c, selectSnapshot(c.tree, 'checkpoint-12'), true);
  assert.deepEqual(partial.actions, [
    {
      kind: 'reset-branch',
      dataset: 't/c/lxcri-br-web-1700001001',
      to: 't/c/lxcri-br-web-1700001001@checkpoint-11',
      destroys: ['t/c/lxcri-br-web-1700001001@checkpoint-12'],
    },
  ]);
  assert.throws(() => planDelete(c, selectSnapshot(c.tree, 'checkpoint-3'), true), /contains the container's live state/);
  const held = loaded(branchy().snap('t/c/lxcri-br-web-1700001002', 'checkpoint-22', { userrefs: 1 }));
  assert.throws(() => planDelete(held, selectSnapshot(held.tree, 'checkpoint-11'), true), /held snapshot\(s\): t\/c\/lxcri-br-web-1700001002@checkpoint-22/);
});

test('prune: max, retention, protections and floor, each with its rule', () => {
  const b = new RecordBuilder().fs('t/c/web');
  const day = 86_400;
  const ages = [40, 35, 20, 10, 5, 1]; // days old, oldest first
  ages.forEach((a, i) => b.snap('t/c/web', `checkpoint-${i}`, { creation: NOW_S - a * day }));
  b.snap('t/c/web', 'autosnap_daily', { creation: NOW_S - 50 * day });
  b.snap('t/c/web', `pre-restore-1`, { creation: NOW_S - 60 * day });
  const c = loaded(b);
  const items = planPruneDecisions(c, { maxSnapshots: 3, retentionDays: 30, minKeep: 1, include: [] }, NOW_S);
  const by = (n: string) => items.find((i) => i.name === n)!;
  assert.deepEqual([by('checkpoint-5').action, by('checkpoint-5').rule], ['keep', 'within-max']);
  assert.deepEqual([by('checkpoint-2').action, by('checkpoint-2').rule], ['prune', 'beyond-max']);
  assert.deepEqual([by('checkpoint-0').action, by('checkpoint-0').rule], ['prune', 'beyond-max']);
  assert.deepEqual([by('autosnap_daily').action, by('autosnap_daily').rule], ['keep', 'not-candidate']);
  assert.match(by('autosnap_daily').reason, /sanoid.*--include foreign/);
  assert.deepEqual([by('pre-restore-1').action, by('pre-restore-1').rule], ['keep', 'not-candidate']);

  const onlyAge = planPruneDecisions(c, { maxSnapshots: 100, retentionDays: 30, minKeep: 1, include: ['safety'] }, NOW_S);
  const age = (n: string) => onlyAge.find((i) => i.name === n)!;
  assert.deepEqual([age('checkpoint-0').rule, age('checkpoint-1').rule, age('checkpoint-2').action], ['beyond-retention', 'beyond-retention', 'keep']);
  assert.equal(age('pre-restore-1').rule, 'beyond-retention');

  // Everything too old: the newest on the active line stays, and nothing goes below the floor.
  const old = new RecordBuilder().fs('t/c/web');
  [90, 80, 70].forEach((a, i) => old.snap('t/c/web', `checkpoint-${i}`, { creation: NOW_S - a * day }));
  const allOld = planPruneDecisions(loaded(old), { maxSnapshots: 10, retentionDays: 30, minKeep: 2, include: [] }, NOW_S);
  assert.deepEqual(
    allOld.map((i) => [i.name, i.action, i.rule]),
    [
      ['checkpoint-0', 'prune', 'beyond-retention'],
      ['checkpoint-1', 'keep', 'floor'],
      ['checkpoint-2', 'keep', 'newest-on-active-line'],
    ],
  );
});

test('prune never picks clone origins or held snapshots', () => {
  const c = loaded(branchy().snap('t/c/web', 'checkpoint-4', { userrefs: 1 }));
  const items = planPruneDecisions(c, { maxSnapshots: 1, retentionDays: 0, minKeep: 1, include: [] }, NOW_S);
  const by = (n: string) => items.find((i) => i.name === n)!;
  assert.equal(by('checkpoint-2').rule, 'clone-origin');
  assert.equal(by('checkpoint-11').rule, 'clone-origin');
  assert.equal(by('checkpoint-4').rule, 'within-max');
  assert.deepEqual(
    items
      .filter((i) => i.action === 'prune')
      .map((i) => i.name)
      .sort(),
    ['checkpoint-1', 'checkpoint-12', 'checkpoint-21', 'checkpoint-3'],
  );
});

test('prune on OpenZFS reports exact bytes from zfs destroy -nvp, one call per dataset', async () => {
  const b = new RecordBuilder().fs('t/c').fs('t/c/web');
  for (let i = 0; i < 4; i++) b.snap('t/c/web', `checkpoint-${i}`, { creation: NOW_S - 100 + i });
  const { runner, core } = fakeCore('t/c', { max_snapshots: 2 });
  expectOpenzfs(runner, b.records);
  runner.expect(['zfs', 'destroy', '-nvp', 't/c/web@checkpoint-0,checkpoint-1'], {
    stdout: 'destroy\tt/c/web@checkpoint-0\ndestroy\tt/c/web@checkpoint-1\nreclaim\t4096\n',
  });
  const [plan] = await core.planPrune(['web']);
  runner.assertDone();
  assert.equal(plan!.reclaimBytes, 4096);
  assert.equal(plan!.reclaimAccuracy, 'exact');
});

test('a zfs destroy -nvp that prints no reclaim line leaves the plan an estimate (the sum of used), never a partial sum called exact', async () => {
  const b = new RecordBuilder().fs('t/c').fs('t/c/web');
  for (let i = 0; i < 4; i++) b.snap('t/c/web', `checkpoint-${i}`, { creation: NOW_S - 100 + i, used: 1000 + i });
  const { runner, core } = fakeCore('t/c', { max_snapshots: 2 });
  expectOpenzfs(runner, b.records);
  runner.expect(['zfs', 'destroy', '-nvp', 't/c/web@checkpoint-0,checkpoint-1'], { stdout: 'destroy\tt/c/web@checkpoint-0\ndestroy\tt/c/web@checkpoint-1\n' });
  const [plan] = await core.planPrune(['web']);
  runner.assertDone();
  assert.equal(plan!.reclaimAccuracy, 'estimate');
  assert.equal(plan!.reclaimBytes, 1000 + 1001);
});

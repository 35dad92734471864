import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/core/errors.js';
import { planFreeDecisions, type PrunePolicy } from '../../src/core/ops/prune.js';
import { freeOutcomeLine } from '../../src/present/space-lines.js';
import { expectLegacy, expectOpenzfs, fakeCore } from '../support/fake-core.js';
import { loadedContainer, RecordBuilder } from '../support/records.js';

const M = 2 ** 20;

const loaded = loadedContainer;

/** checkpoint-1..6, oldest first, owning 8M, 4M, 2M, 16M, 1M, 1M. */
function six() {
  const b = new RecordBuilder().fs('t/c/web');
  [8, 4, 2, 16, 1, 1].forEach((m, i) => b.snap('t/c/web', `checkpoint-${i + 1}`, { used: m * M }));
  return b;
}

const policy = (free: number, extra: Partial<PrunePolicy> = {}): PrunePolicy & { free: number } => ({
  maxSnapshots: 100,
  retentionDays: 0,
  minKeep: 1,
  include: [],
  free,
  ...extra,
});

const pruned = (items: { action: string; name: string }[]) => items.filter((i) => i.action === 'prune').map((i) => i.name);

test('--free picks the oldest first and stops as soon as the estimate reaches the size', async () => {
  const c = loaded(six());
  // 8M alone is short of 10M; 8M + 4M reaches it: checkpoint-3 and later stay, though -4 is the biggest.
  const r = await planFreeDecisions(c, policy(10 * M));
  assert.deepEqual(pruned(r.items), ['checkpoint-1', 'checkpoint-2']);
  assert.deepEqual([r.free.bytes, r.free.reached], [12 * M, true]);
  const byName = new Map(r.items.map((i) => [i.name, i]));
  assert.equal(byName.get('checkpoint-3')!.rule, 'free-reached');
  assert.equal(byName.get('checkpoint-1')!.rule, 'free-target');
  // Exactly reaching counts: 8M asked, one checkpoint.
  assert.deepEqual(pruned((await planFreeDecisions(c, policy(8 * M))).items), ['checkpoint-1']);
  // One byte more than 8M needs the second.
  assert.deepEqual(pruned((await planFreeDecisions(c, policy(8 * M + 1))).items), ['checkpoint-1', 'checkpoint-2']);
});

test('--free keeps labelled checkpoints (naming the label) unless labelled ones are included', async () => {
  const b = six();
  b.records.find((r) => r.name.endsWith('@checkpoint-1'))!.user = { label: 'golden image' };
  const kept = await planFreeDecisions(loaded(b), policy(10 * M));
  const first = kept.items.find((i) => i.name === 'checkpoint-1')!;
  assert.deepEqual([first.action, first.rule], ['keep', 'labelled']);
  assert.match(first.reason, /labelled 'golden image': pass --include labelled/);
  assert.deepEqual(pruned(kept.items), ['checkpoint-2', 'checkpoint-3', 'checkpoint-4']);
  const included = await planFreeDecisions(loaded(b), policy(10 * M, { includeLabelled: true }));
  assert.deepEqual(pruned(included.items), ['checkpoint-1', 'checkpoint-2']);
});

test('--free keeps what prune protects: held, clone origins, the newest on the active line, the min_keep floor', async () => {
  const b = six();
  b.records.find((r) => r.name.endsWith('@checkpoint-1'))!.userrefs = 1;
  b.fs('t/c/other', { origin: 't/c/web@checkpoint-2' });
  const all = await planFreeDecisions(loaded(b), policy(1000 * M, { minKeep: 2 }));
  const rules = Object.fromEntries(all.items.map((i) => [i.name, `${i.action}:${i.rule}`]));
  assert.deepEqual(rules, {
    'checkpoint-1': 'keep:held',
    'checkpoint-2': 'keep:clone-origin',
    'checkpoint-3': 'prune:free-target',
    'checkpoint-4': 'prune:free-target',
    // -1 and -2 are protected and -6 is the newest on the line; min_keep 2 of 6 would let 4 go, so -3..-5 all go.
    'checkpoint-5': 'prune:free-target',
    'checkpoint-6': 'keep:newest-on-active-line',
  });
  const floor = await planFreeDecisions(loaded(six()), policy(1000 * M, { minKeep: 3 }));
  assert.deepEqual(pruned(floor.items), ['checkpoint-1', 'checkpoint-2', 'checkpoint-3']);
  assert.equal(floor.items.find((i) => i.name === 'checkpoint-4')!.rule, 'floor');
  // Short of the size: the plan says how much it frees and what kept the rest.
  assert.equal(floor.free.reached, false);
  assert.equal(floor.free.bytes, 14 * M);
  assert.deepEqual(floor.free.keptBy, { floor: 2, 'newest-on-active-line': 1 });
  assert.equal(
    freeOutcomeLine(floor.free, 'estimate'),
    'can free only 14M (an estimate, at least that) of the 1000M asked: every other checkpoint is kept (2 the min_keep floor, 1 the newest on the active line)',
  );
});

test('--free leaves snapshots that are not candidates alone (safety, foreign) unless included', async () => {
  const b = new RecordBuilder()
    .fs('t/c/web')
    .snap('t/c/web', 'autosnap_2026-01-01_00:00:00_daily', { used: 50 * M })
    .snap('t/c/web', 'checkpoint-1', { used: 1 * M })
    .snap('t/c/web', 'checkpoint-2', { used: 1 * M });
  const r = await planFreeDecisions(loaded(b), policy(10 * M));
  assert.deepEqual(pruned(r.items), ['checkpoint-1']);
  assert.equal(r.items[0]!.rule, 'not-candidate');
  const withForeign = await planFreeDecisions(loaded(b), policy(10 * M, { include: ['foreign'] }));
  assert.deepEqual(pruned(withForeign.items), ['autosnap_2026-01-01_00:00:00_daily']);
});

test('Core.planPrune with free on zfs-fuse: the plan carries the outcome; a bad size is a usage error', async () => {
  const { runner, core } = fakeCore();
  expectLegacy(runner, six().records);
  const [plan] = await core.planPrune(['web'], { free: 5 * M });
  runner.assertDone();
  assert.deepEqual(pruned(plan!.items), ['checkpoint-1']);
  assert.equal(plan!.reclaimAccuracy, 'estimate');
  assert.equal(plan!.reclaimBytes, 8 * M);
  assert.deepEqual(plan!.free, { target: 5 * M, bytes: 8 * M, reached: true, keptBy: {} });
  await assert.rejects(core.planPrune(['web'], { free: 0 }), (e: unknown) => e instanceof UsageError && /size to free/.test(e.message));
});

test('Core.planPrune with free on OpenZFS: exact bytes, one zfs destroy -nvp per checkpoint added, stopping once reached', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfs(runner, six().records);
  // The exact figure of a set exceeds the sum of its used (blocks shared only inside the set): 8M alone frees 9M.
  runner.expect(['zfs', 'destroy', '-nvp', 't/c/web@checkpoint-1'], { stdout: 'destroy\tt/c/web@checkpoint-1\nreclaim\t9437184\n' });
  runner.expect(['zfs', 'destroy', '-nvp', 't/c/web@checkpoint-1,checkpoint-2'], {
    stdout: 'destroy\tt/c/web@checkpoint-1\ndestroy\tt/c/web@checkpoint-2\nreclaim\t16777216\n',
  });
  const [plan] = await core.planPrune(['web'], { free: 15 * M });
  runner.assertDone();
  assert.deepEqual(pruned(plan!.items), ['checkpoint-1', 'checkpoint-2']);
  assert.deepEqual([plan!.reclaimAccuracy, plan!.reclaimBytes, plan!.free!.bytes], ['exact', 16 * M, 16 * M]);
});

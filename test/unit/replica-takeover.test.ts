import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inventory } from '../../src/core/model/inventory.js';
import { planFrom, type ReplicationTarget } from '../../src/core/ops/replicate.js';
import { replicationLines } from '../../src/present/replication-lines.js';
import { loadedContainer, RecordBuilder } from '../support/records.js';

// After a move (pve1 -> pve2, `lxcri:moved-from=pve1` on the container), the replica pve3 holds, made from pve1, is
// this container's to go on from; a replica of anything else is still refused.

const target = { node: 'pve3', source: 'pve2' } as unknown as ReplicationTarget;

function source(movedFrom?: string) {
  const b = new RecordBuilder()
    .fs('t/c')
    .fs('t/c/web', movedFrom ? { user: { 'moved-from': movedFrom } } : {})
    .snap('t/c/web', 'one', { guid: '11' })
    .snap('t/c/web', 'two', { guid: '22' });
  return loadedContainer(b);
}
const replica = (of: string) =>
  new Inventory(
    new RecordBuilder()
      .fs('t/c')
      .fs('t/c/web', { user: { 'replica-of': of } })
      .snap('t/c/web', 'one', { guid: '11' }).records,
  );

test('a replica made from the node the container moved from is taken over: an increment, and the preview says so', () => {
  const plan = planFrom(source('pve1'), replica('pve1:t/c/web'), target);
  assert.equal(plan.adopts, 'pve1');
  assert.deepEqual(
    plan.steps.map((s) => (s.kind === 'send' ? [s.from, s.to] : [s.kind])),
    [['t/c/web@one', 't/c/web@two']],
  );
  assert.ok(
    replicationLines('web', 'pve2', 'pve3', plan).includes(
      "  the replica on pve3 was made from pve1, where web was before it moved to pve2: it goes on from it, as pve2's",
    ),
  );
  // Its own replica: nothing to take over.
  assert.equal(planFrom(source('pve1'), replica('pve2:t/c/web'), target).adopts, undefined);
});

test("a replica of another node's container, or one without the move's mark, is still refused", () => {
  assert.throws(() => planFrom(source('pve1'), replica('pve9:t/c/web'), target), /t\/c\/web there is a replica of pve9:t\/c\/web/);
  assert.throws(() => planFrom(source(), replica('pve1:t/c/web'), target), /t\/c\/web there is a replica of pve1:t\/c\/web/);
  // The mark naming the target itself (moved here from pve3) does not make pve3's own replica of it ours.
  assert.throws(() => planFrom(source('pve3'), replica('pve3:t/c/web'), target), /a replica of pve3:t\/c\/web/);
});

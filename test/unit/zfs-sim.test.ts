import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZfsSim } from '../../src/demo/zfs-sim.js';

const MB = 1024 ** 2;

/** tank/ct holding 100 MB, snapshot a, 10 MB rewritten and 5 MB added, snapshot b. */
function sim() {
  const z = new ZfsSim(() => 1_700_000_000_000, 2 ** 40);
  z.create('tank', 0);
  z.create('tank/ct', 100 * MB);
  z.snapshot(['tank/ct@a'], {}, false);
  z.write('tank/ct', { overwrite: 10 * MB, add: 5 * MB });
  z.snapshot(['tank/ct@b'], {}, false);
  const space = (name: string) => z.spaceOf(z.get(name));
  return { z, space };
}

test('a new snapshot uses 0; what the live dataset rewrites afterwards stays with it; used and allocated add up', () => {
  const { z, space } = sim();
  assert.equal(space('tank/ct@b').used, 0, 'fresh');
  assert.equal(space('tank/ct@a').used, 10 * MB, 'a keeps the 10 MB rewritten after it');
  assert.equal(space('tank/ct@a').referenced, 100 * MB);
  assert.equal(space('tank/ct@b').referenced, 105 * MB);
  assert.equal(space('tank/ct@b').written, 15 * MB);
  const ct = space('tank/ct');
  assert.deepEqual([ct.referenced, ct.usedbydataset, ct.usedbysnapshots, ct.used], [105 * MB, 105 * MB, 10 * MB, 115 * MB]);
  assert.equal(space('tank').usedbychildren, 115 * MB);
  assert.equal(z.allocated(), 115 * MB);
  z.write('tank/ct', { overwrite: 2 * MB });
  assert.equal(space('tank/ct@b').used, 2 * MB, 'now b holds the 2 MB rewritten after it');
  assert.equal(space('tank/ct').usedbysnapshots, 12 * MB);
});

test('destroying a snapshot frees what it alone held; reclaim says so first', () => {
  const { z, space } = sim();
  assert.equal(z.reclaim('tank/ct', ['a']).bytes, 10 * MB);
  z.destroy('tank/ct@a', false);
  assert.equal(z.allocated(), 105 * MB);
  assert.equal(space('tank/ct').usedbysnapshots, 0);
});

test('a snapshot shared with a neighbour is freed only with it: the neighbour then holds it alone', () => {
  const z = new ZfsSim(() => 0, 2 ** 40);
  z.create('tank/ct', 100 * MB);
  z.snapshot(['tank/ct@a'], {}, false);
  z.snapshot(['tank/ct@b'], {}, false);
  z.write('tank/ct', { overwrite: 30 * MB });
  const s = (n: string) => z.spaceOf(z.get(n));
  assert.deepEqual([s('tank/ct@a').used, s('tank/ct@b').used, s('tank/ct').usedbysnapshots], [0, 0, 30 * MB], 'shared by a and b');
  assert.equal(z.reclaim('tank/ct', ['a', 'b']).bytes, 30 * MB);
  z.destroy('tank/ct@a', false);
  assert.equal(s('tank/ct@b').used, 30 * MB);
  assert.equal(z.allocated(), 130 * MB + 96 * 1024, 'nothing freed yet (tank/ct and its parent tank)');
});

test('a clone starts at 0; promote takes the origin space with it; a rollback drops the newer data', () => {
  const { z, space } = sim();
  const before = z.allocated();
  z.clone('tank/ct@a', 'tank/br', {});
  assert.equal(space('tank/br').used, 0);
  assert.equal(space('tank/br').referenced, 100 * MB);
  assert.equal(z.allocated(), before);
  z.write('tank/br', { add: 1 * MB });
  assert.equal(space('tank/br').used, 1 * MB);
  z.promote('tank/br');
  assert.ok(z.datasets.has('tank/br@a'));
  assert.equal(space('tank/br@a').used, 0, 'what tank/ct rewrote after a is still live in the clone');
  assert.equal(space('tank/br').usedbydataset, 101 * MB, 'the promoted clone owns what it shares with the origin');
  assert.equal(space('tank/ct').usedbydataset, 15 * MB, 'the former origin owns what it wrote after a');
  assert.equal(space('tank').used, z.allocated());
  z.rollback('tank/ct@b', '');
  z.write('tank/ct', { add: 7 * MB });
  const grown = z.allocated();
  z.rollback('tank/ct@b', '');
  assert.equal(z.allocated(), grown - 7 * MB);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simReceive, simSend, simSendEstimate } from '../../src/demo/sim-stream.js';
import { ZfsError, ZfsSim } from '../../src/demo/zfs-sim.js';

const MB = 1024 ** 2;

/** pve1's tank/ct: a (100 MB), b (10 MB rewritten, 5 MB added), a branch cloned from a with one snapshot c. */
function source() {
  const z = new ZfsSim(() => 1_700_000_000_000, 2 ** 40);
  z.create('tank', 0);
  z.create('tank/ct', 100 * MB, { 'lxcri:kind': 'container' });
  z.snapshot(['tank/ct@a'], { 'lxcri:label': 'first' }, false);
  z.write('tank/ct', { overwrite: 10 * MB, add: 5 * MB });
  z.snapshot(['tank/ct@b'], {}, false);
  z.clone('tank/ct@a', 'tank/br', {});
  z.write('tank/br', { add: 7 * MB });
  z.snapshot(['tank/br@c'], {}, false);
  return z;
}

function target() {
  const z = new ZfsSim(() => 1_800_000_000_000, 2 ** 40, 0xbeef);
  z.create('tank', 0);
  return z;
}

const ids = (z: ZfsSim) =>
  [...z.datasets.values()]
    .filter((d) => d.type === 'snapshot')
    .map((d) => `${d.name} ${d.guid} ${d.creation}`)
    .sort();
const referenced = (z: ZfsSim, name: string) => z.spaceOf(z.get(name)).referenced;

test('a full stream, an increment and a clone stream make the same tree on the other pool: guids, times, sizes, properties', () => {
  const a = source();
  const b = target();
  const full = simSend(a, 'tank/ct@a');
  assert.equal(full.bytes, 100 * MB);
  simReceive(b, JSON.parse(JSON.stringify(full)), 'tank/ct', true);
  const inc = simSend(a, 'tank/ct@b', { snapshot: 'tank/ct@a', flag: '-I' });
  assert.equal(inc.bytes, 15 * MB, 'only what b added to a');
  simReceive(b, inc, 'tank/ct', true);
  const branch = simSend(a, 'tank/br@c', { snapshot: 'tank/ct@a', flag: '-i' });
  assert.equal(branch.bytes, 7 * MB);
  simReceive(b, branch, 'tank/br', true);
  assert.deepEqual(ids(b), ids(a));
  assert.equal(b.get('tank/br').origin, 'tank/ct@a', 'the branch is a clone there too');
  for (const s of ['tank/ct@a', 'tank/ct@b', 'tank/br@c']) assert.equal(referenced(b, s), referenced(a, s), s);
  assert.equal(b.get('tank/ct@a').received?.['lxcri:label'], 'first', 'a snapshot keeps its properties (send -p)');
  assert.equal(b.get('tank/ct').received?.['lxcri:kind'], 'container');
  assert.equal(simSendEstimate(inc, 'tank/ct@b'), `incremental\ttank/ct@a\ttank/ct@b\t${15 * MB}\nsize\t${15 * MB}\n`);
});

test('receive refuses as zfs does: a full stream onto a dataset with snapshots, an increment with no matching base, a modified replica without -F', () => {
  const a = source();
  const b = target();
  simReceive(b, simSend(a, 'tank/ct@a'), 'tank/ct', true);
  assert.throws(() => simReceive(b, simSend(a, 'tank/ct@b'), 'tank/ct', true), /destination has snapshots \(eg\. tank\/ct@a\)\nmust destroy them/);
  assert.throws(() => simReceive(b, simSend(a, 'tank/ct@b'), 'tank/ct', false), /destination 'tank\/ct' exists\nmust specify -F/);
  assert.throws(
    () => simReceive(target(), simSend(a, 'tank/ct@b', { snapshot: 'tank/ct@a', flag: '-i' }), 'tank/ct', true),
    /destination 'tank\/ct' does not exist/,
    'an increment of the same dataset never becomes a clone',
  );
  const other = target();
  other.create('tank/ct', MB);
  other.snapshot(['tank/ct@x'], {}, false);
  assert.throws(() => simReceive(other, simSend(a, 'tank/ct@b', { snapshot: 'tank/ct@a', flag: '-I' }), 'tank/ct', true), /does not\nmatch incremental source/);
  b.snapshot(['tank/ct@local'], {}, false);
  const inc = simSend(a, 'tank/ct@b', { snapshot: 'tank/ct@a', flag: '-I' });
  assert.throws(() => simReceive(b, inc, 'tank/ct', false), /has been modified/);
  simReceive(b, inc, 'tank/ct', true);
  assert.equal(b.datasets.has('tank/ct@local'), false, '-F rolls the replica back to the base first');
  assert.throws(() => simReceive(target(), simSend(a, 'tank/br@c', { snapshot: 'tank/ct@a', flag: '-i' }), 'tank/br', true), ZfsError);
});

test('a refused receive changes nothing: a held snapshot newer than the base stays, and so does every other', () => {
  const a = source();
  const b = target();
  simReceive(b, simSend(a, 'tank/ct@a'), 'tank/ct', true);
  b.snapshot(['tank/ct@x'], {}, false);
  b.snapshot(['tank/ct@y'], {}, false);
  b.get('tank/ct@y').holds = ['keep'];
  const before = ids(b);
  assert.throws(() => simReceive(b, simSend(a, 'tank/ct@b', { snapshot: 'tank/ct@a', flag: '-I' }), 'tank/ct', true), /tank\/ct@y that cannot be destroyed/);
  assert.deepEqual(ids(b), before, 'x was not destroyed on the way');
});

test('-I from a clone origin sends every snapshot of the clone up to the tip; local properties win over received ones', () => {
  const a = source();
  a.write('tank/br', { add: 3 * MB });
  a.snapshot(['tank/br@d'], { 'lxcri:label': 'second' }, false);
  const stream = simSend(a, 'tank/br@d', { snapshot: 'tank/ct@a', flag: '-I' });
  assert.deepEqual(
    stream.snapshots.map((s) => [s.short, s.written]),
    [
      ['c', 7 * MB],
      ['d', 3 * MB],
    ],
  );
  const b = target();
  simReceive(b, simSend(a, 'tank/ct@a'), 'tank/ct', true);
  b.get('tank/ct').local.readonly = 'on';
  a.get('tank/ct').local.readonly = 'off';
  simReceive(b, simSend(a, 'tank/ct@b', { snapshot: 'tank/ct@a', flag: '-I' }), 'tank/ct', true);
  assert.equal(b.get('tank/ct').local.readonly, 'on', "the replica's own setting stays");
  assert.equal(b.get('tank/ct').received?.readonly, 'off');
  assert.equal(b.get('tank/ct').local['lxcri:kind'], undefined, 'a received property is not a local one');
  simReceive(b, stream, 'tank/br', true);
  assert.equal(b.get('tank/br@d').received?.['lxcri:label'], 'second');
});

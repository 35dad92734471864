import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capacityLevel, poolLevel, poolReport } from '../../src/core/ops/pools.js';
import { parseZpoolList, ZPOOL_LIST_COLUMNS_LEGACY, ZPOOL_LIST_COLUMNS_PARSABLE } from '../../src/core/tools/zpool/parse.js';

// zpool's CAP is floor(alloc * 100 / size) from exact bytes (spa_prop_get_config, in zfs-fuse's pool v23 code and
// OpenZFS alike), so "critical from 95 %" means CAP >= 95 means exact bytes >= 95 %.

const fuse = (line: string) => parseZpoolList(line.split(' ').join('\t'), ZPOOL_LIST_COLUMNS_LEGACY, false)[0]!;
const openzfs = (line: string) => parseZpoolList(line.split(' ').join('\t'), ZPOOL_LIST_COLUMNS_PARSABLE, true)[0]!;

test('thresholds: warning from 80 %, critical from 95 %', () => {
  assert.deepEqual([0, 79, 79.99, 80, 93, 94.99, 95, 96, 100].map(capacityLevel), [
    'ok',
    'ok',
    'ok',
    'warning',
    'warning',
    'warning',
    'critical',
    'critical',
    'critical',
  ]);
});

test('zfs-fuse: the level follows CAP, not the quotient of the rounded sizes', () => {
  // 1.88G / 1.98G = 94.9 %, but zpool (exact bytes) says 95 %
  const at95 = fuse('tank 1.98G 1.88G 101M 95% ONLINE 23');
  assert.equal(at95.approximate, true);
  assert.ok((at95.allocated * 100) / at95.size < 95);
  assert.equal(poolLevel(at95), 'critical');
  assert.equal(poolReport(at95, []).level, 'critical');
  // 1.89G / 1.98G = 95.45 %, but zpool says 94 %
  const at94 = fuse('tank 1.98G 1.89G 121M 94% ONLINE 23');
  assert.ok((at94.allocated * 100) / at94.size >= 95);
  assert.equal(poolLevel(at94), 'warning');
  // what a real 2G zfs-fuse pool printed at 93 % and 96 % (test/real/pool-levels.test.ts checks it live)
  assert.equal(poolReport(fuse('lxt 1.98G 1.85G 140M 93% ONLINE 23'), []).level, 'warning');
  assert.equal(poolReport(fuse('lxt 1.98G 1.91G 79.2M 96% ONLINE 23'), []).level, 'critical');
});

test('OpenZFS -p: CAP is floor(exact bytes), so the level agrees with the bytes at every boundary', () => {
  const size = 1992864825344;
  for (const [fraction, level] of [
    [0.7999, 'ok'],
    [0.8, 'warning'],
    [0.94999, 'warning'],
    [0.95, 'critical'],
    [0.99, 'critical'],
  ] as const) {
    const allocated = Math.ceil(size * fraction);
    const cap = Math.floor((allocated * 100) / size); // what zpool prints
    const p = openzfs(`rpool ${size} ${allocated} ${size - allocated} ${cap} 10 ONLINE`);
    assert.equal(p.capacity, cap);
    assert.equal(poolLevel(p), level, `${fraction}`);
    assert.equal(capacityLevel((allocated * 100) / size), level, 'the exact bytes give the same level');
  }
});

test('without a CAP column the same floor comes from the sizes; "-" sizes are 0, not NaN', () => {
  const p = openzfs('rpool 1000 950 50 - 10 ONLINE');
  assert.equal(p.capacity, 95);
  assert.equal(poolLevel(p), 'critical');
  const gone = openzfs('gone - - - - - UNAVAIL');
  assert.deepEqual([gone.size, gone.allocated, gone.free, gone.capacity], [0, 0, 0, 0]);
});

test('health counts in the same function: DEGRADED warns, FAULTED/UNAVAIL are critical, whatever the capacity', () => {
  assert.equal(poolLevel(fuse('t 1.98G 10M 1.97G 0% DEGRADED 23')), 'warning');
  assert.equal(poolLevel(fuse('t 1.98G 10M 1.97G 0% FAULTED 23')), 'critical');
  assert.equal(poolLevel(fuse('t - - - - UNAVAIL 23')), 'critical');
  const tank = openzfs('tank 3985729650688 3866157760512 119571890176 97 41 DEGRADED');
  assert.equal(poolLevel(tank), 'critical');
  assert.equal(poolReport(tank, []).level, poolLevel(tank));
});

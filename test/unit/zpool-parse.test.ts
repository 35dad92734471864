import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseZpoolList, parseZpoolStatus, ZPOOL_LIST_COLUMNS_LEGACY, ZPOOL_LIST_COLUMNS_PARSABLE } from '../../src/core/tools/zpool/parse.js';
import { capacityLevel, poolReport } from '../../src/core/ops/pools.js';
import { fixture } from '../support/fixtures.js';

test('zpool list: zfs-fuse human sizes are read as approximate bytes', () => {
  const [pool] = parseZpoolList(fixture('zpool/zfs-fuse-list.txt'), ZPOOL_LIST_COLUMNS_LEGACY, false);
  assert.equal(pool!.name, 'ztest');
  assert.equal(pool!.size, 1016 * 2 ** 20);
  assert.equal(pool!.health, 'ONLINE');
  assert.equal(pool!.capacity, 0);
  assert.equal(pool!.approximate, true);
  assert.equal(pool!.fragmentation, undefined);
  assert.equal(pool!.version, 23);
});

test('zpool list -Hp: OpenZFS exact bytes, capacity and fragmentation', () => {
  const pools = parseZpoolList(fixture('zpool/openzfs-list-p.txt'), ZPOOL_LIST_COLUMNS_PARSABLE, true);
  assert.deepEqual(pools[0], {
    name: 'rpool',
    size: 1992864825344,
    allocated: 1594291860275,
    free: 398572965069,
    capacity: 80,
    fragmentation: 23,
    health: 'ONLINE',
    approximate: false,
  });
  assert.equal(pools[1]!.health, 'DEGRADED');
});

test('capacity levels: warning from 80 %, critical from 95 %, health counts too', () => {
  assert.equal(capacityLevel(79), 'ok');
  assert.equal(capacityLevel(80), 'warning');
  assert.equal(capacityLevel(95), 'critical');
  const pools = parseZpoolList(fixture('zpool/openzfs-list-p.txt'), ZPOOL_LIST_COLUMNS_PARSABLE, true);
  const rpool = poolReport(pools[0]!, []);
  assert.equal(rpool.level, 'warning');
  const tank = poolReport(pools[1]!, []);
  assert.equal(tank.level, 'critical');
  assert.equal(tank.warnings.length, 2);
});

test('zpool status: zfs-fuse and OpenZFS layouts', () => {
  const [fuse] = parseZpoolStatus(fixture('zpool/zfs-fuse-status.txt'));
  assert.equal(fuse!.pool, 'ztest');
  assert.equal(fuse!.state, 'ONLINE');
  assert.equal(fuse!.scan, 'none requested');
  assert.equal(fuse!.errors, 'No known data errors');
  assert.deepEqual(
    fuse!.devices.map((d) => [d.name, d.state, d.depth]),
    [
      ['ztest', 'ONLINE', 0],
      ['/tmp/zt/f', 'ONLINE', 1],
    ],
  );
  const [tank] = parseZpoolStatus(fixture('zpool/openzfs-status-degraded.txt'));
  assert.equal(tank!.state, 'DEGRADED');
  assert.match(tank!.status!, /^One or more devices could not be used .* degraded state\.$/);
  assert.equal(tank!.action, "Replace the device using 'zpool replace'.");
  assert.match(tank!.scan!, /scrub repaired 0B/);
  assert.deepEqual(
    tank!.devices.map((d) => [d.name, d.state, d.depth]),
    [
      ['tank', 'DEGRADED', 0],
      ['mirror-0', 'DEGRADED', 1],
      ['sda', 'ONLINE', 2],
      ['14376345367512468751', 'UNAVAIL', 2],
    ],
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FORECAST_WINDOW_DAYS, forecastPool, growthPoints, reclaimPoints, type GrowthPoint } from '../../src/core/model/forecast.js';
import type { DatasetRecord } from '../../src/core/model/dataset.js';
import { Inventory } from '../../src/core/model/inventory.js';
import type { RuntimeEvent } from '../../src/core/state/events.js';
import { forecastShort, forecastText } from '../../src/present/space-view.js';

const DAY = 86_400;
const GB = 1024 ** 3;
const NOW = 1_800_000_000;

let txg = 1;
function rec(name: string, creation: number, fields: Partial<DatasetRecord> = {}): DatasetRecord {
  return {
    name,
    type: name.includes('@') ? 'snapshot' : 'filesystem',
    guid: String(txg),
    createtxg: txg++,
    creation,
    used: 0,
    referenced: 0,
    userrefs: 0,
    user: {},
    ...fields,
  };
}

/** `n` points of `bytes` each, one a day, ending now. */
const daily = (n: number, bytes: number): GrowthPoint[] =>
  Array.from({ length: n }, (_, i) => ({ from: NOW - (n - i) * DAY, at: NOW - (n - i - 1) * DAY, bytes }));

test('forecast: 1G a day for 10 days against 20G free -> full in ~20 days', () => {
  const f = forecastPool(daily(10, GB), 20 * GB, NOW);
  assert.equal(f.kind, 'growing');
  assert.ok(f.kind === 'growing');
  assert.equal(f.days, 10);
  assert.equal(f.points, 10);
  assert.equal(f.perDay, GB);
  assert.equal(f.daysToFull, 20);
  assert.equal(forecastShort(f), 'full in ~20 days');
  assert.equal(forecastText(f), 'growth: +1G/day over the last 10 days (10 data points): pool full in ~20 days');
});

test('forecast: too short a window or too few points is "not enough history"', () => {
  // Three points within a day and a half.
  const short = forecastPool(
    [
      { from: NOW - 1.5 * DAY, at: NOW - DAY, bytes: GB },
      { from: NOW - DAY, at: NOW - 0.5 * DAY, bytes: GB },
      { from: NOW - 0.5 * DAY, at: NOW, bytes: GB },
    ],
    20 * GB,
    NOW,
  );
  assert.equal(short.kind, 'not-enough-history');
  assert.equal(short.points, 3);
  assert.equal(forecastShort(short), 'not enough history');
  assert.match(forecastText(short), /^growth: not enough history \(1\.5 days, 3 data points; needs 2 days and 3 points\)$/);
  // Two points over ten days.
  const few = forecastPool(
    [
      { from: NOW - 10 * DAY, at: NOW - 5 * DAY, bytes: GB },
      { from: NOW - 5 * DAY, at: NOW, bytes: GB },
    ],
    20 * GB,
    NOW,
  );
  assert.equal(few.kind, 'not-enough-history');
  assert.equal(few.days, 10);
  assert.equal(forecastPool([], 20 * GB, NOW).kind, 'not-enough-history');
});

test('forecast: what prunes gave back counts against the growth; net shrinking is "not growing"', () => {
  const grown = daily(4, GB);
  const f = forecastPool([...grown, { from: NOW - DAY, at: NOW - DAY, bytes: -5 * GB }], 20 * GB, NOW);
  assert.equal(f.kind, 'not-growing');
  assert.ok(f.kind === 'not-growing');
  assert.equal(f.perDay, -GB / 4);
  assert.equal(forecastShort(f), 'not growing');
  assert.equal(forecastText(f), 'growth: not growing, -256M/day over the last 4 days (5 data points)');
  // Half the growth given back: half the rate, twice the days.
  const half = forecastPool([...grown, { from: NOW - DAY, at: NOW - DAY, bytes: -2 * GB }], 20 * GB, NOW);
  assert.ok(half.kind === 'growing');
  assert.equal(half.daysToFull, 40);
});

test('forecast: only the last 30 days count, an interval straddling the edge by its part inside', () => {
  const old = daily(10, 10 * GB).map((p) => ({ ...p, from: p.from - 40 * DAY, at: p.at - 40 * DAY }));
  const straddling = { from: NOW - (FORECAST_WINDOW_DAYS + 10) * DAY, at: NOW - (FORECAST_WINDOW_DAYS - 10) * DAY, bytes: 20 * GB };
  const recent = daily(3, 0);
  const f = forecastPool([...old, straddling, ...recent], 100 * GB, NOW);
  assert.ok(f.kind === 'growing');
  assert.equal(f.days, FORECAST_WINDOW_DAYS);
  assert.equal(f.points, 4, 'the old points are out, the straddling one in');
  // Half of the straddling interval is inside: 10G over 30 days.
  assert.equal(f.perDay, (10 * GB) / 30);
  assert.equal(f.daysToFull, 300);
  assert.equal(forecastShort({ ...f, daysToFull: 0.4 }), 'full in <1 day');
});

test("growth points: each snapshot's written since the one before, the live data's since the last, the first snapshot left out; referenced where written is unknown", () => {
  const inv = new Inventory([
    rec('tank', NOW - 100 * DAY),
    rec('tank/a', NOW - 100 * DAY, { written: 3 * GB }),
    rec('tank/a@1', NOW - 10 * DAY, { written: 50 * GB, referenced: 50 * GB }),
    rec('tank/a@2', NOW - 8 * DAY, { written: 2 * GB, referenced: 51 * GB }),
    rec('tank/a@3', NOW - 5 * DAY, { written: 4 * GB, referenced: 54 * GB }),
    // zfs-fuse: no `written`.
    rec('tank/b', NOW - 100 * DAY, { referenced: 9 * GB }),
    rec('tank/b@1', NOW - 6 * DAY, { referenced: 5 * GB }),
    rec('tank/b@2', NOW - 3 * DAY, { referenced: 6 * GB }),
    // Another pool.
    rec('other/c', NOW - 100 * DAY, { written: GB }),
    rec('other/c@1', NOW - 9 * DAY, { written: GB }),
    rec('other/c@2', NOW - 2 * DAY, { written: GB }),
  ]);
  const points = growthPoints(inv, 'tank', NOW);
  const key = (p: GrowthPoint) => `${(NOW - p.from) / DAY}->${(NOW - p.at) / DAY}:${p.bytes / GB}`;
  assert.deepEqual(points.map(key).sort(), ['10->8:2', '8->5:4', '5->0:3', '6->3:1', '3->0:3'].sort());
  assert.equal(growthPoints(inv, 'other', NOW).length, 2);
  const f = forecastPool(points, 26 * GB, NOW);
  assert.ok(f.kind === 'growing');
  assert.equal(f.days, 10);
  assert.equal(f.perDay, (13 * GB) / 10);
  assert.equal(f.daysToFull, 20);
});

test("reclaimed bytes: events.log's prunes and deletes that ended well, on this pool's datasets or named by container", () => {
  const ev = (target: string, bytes: number, result: RuntimeEvent['result'] = 'ok'): RuntimeEvent => ({
    ts: new Date((NOW - DAY) * 1000).toISOString(),
    user: 'root',
    host: 'pve',
    operation: 'prune',
    target,
    result,
    duration_ms: 1,
    bytes_reclaimed: bytes,
    pid: 1,
  });
  const points = reclaimPoints([ev('101', GB), ev('tank/a@x', 2 * GB), ev('other/c@y', 4 * GB), ev('102', 8 * GB, 'failed'), { ...ev('103', 0) }], 'tank');
  assert.deepEqual(
    points.map((p) => [p.at, p.bytes]),
    [
      [NOW - DAY, -GB],
      [NOW - DAY, -2 * GB],
    ],
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerSpace } from '../../src/core/model/space.js';
import { barCells, barText, breakdownLines, healthLines, pathText, poolUsed } from '../../src/present/space-view.js';

const MB = 1024 ** 2;

test('breakdown bar: cells per part add up to the rounded whole, never past the width; the biggest row fills it', () => {
  assert.deepEqual(barCells([50, 25, 25, 0, 0], 100, 20), [10, 5, 5, 0, 0]);
  // Three thirds: rounded on the running sum, so 7 + 6 + 7 = 20, not 7 * 3 = 21.
  assert.deepEqual(barCells([1, 1, 1], 3, 20), [7, 6, 7]);
  assert.deepEqual(barCells([10, 0, 0], 40, 20), [5, 0, 0], 'a quarter of the biggest: a quarter of the bar');
  assert.deepEqual(barCells([0, 0], 0, 20), [0, 0]);
  assert.equal(barText([3, 2, 1, 0, 1], 10, true), '###==+*   ');
  assert.equal(barText([3, 2, 1, 1, 0], 10, false), '███▓▓▒░   ');
});

test("breakdown words: each part's bytes aligned, then the total, which they add up to", () => {
  const c = { live: 300 * MB, snapshotsUnique: 124 * MB, snapshotsShared: 792 * MB, branches: 0, images: 10 * MB, total: 1226 * MB } as ContainerSpace;
  assert.deepEqual(
    breakdownLines(c).map((l) => l.text),
    [
      'live data                                                       300M',
      "checkpoints' own space                                          124M",
      'shared between checkpoints (freed only when all holding it go)  792M',
      'branches                                                          0B',
      'CRIU images                                                      10M',
      'total                                                           1.2G',
    ],
  );
  assert.deepEqual(
    breakdownLines(c).map((l) => l.part),
    ['live', 'own', 'shared', 'branches', 'images', undefined],
  );
});

test('space view header, pool sizes and health lines', () => {
  assert.equal(pathText(['rpool', '101 db'], 'name', false), 'Space: pools › rpool › 101 db   sort: name');
  assert.equal(pathText([], 'size', true), 'Space: pools   sort: size');
  assert.deepEqual(poolUsed({ allocated: 1024 * MB, size: 4096 * MB, free: 3072 * MB, approximate: true }), { used: '~1G/~4G', free: '~3G free' });
  const pool = { name: 'tank', health: 'DEGRADED', size: 1, allocated: 0, free: 1, capacity: 0, approximate: false };
  assert.deepEqual(
    healthLines(
      pool,
      { pool: 'tank', state: 'DEGRADED', status: 'One device is faulted.', scan: 'resilvered 1G', errors: 'No known data errors', devices: [] },
      false,
    ),
    ['tank: DEGRADED (One device is faulted.)', 'scan: resilvered 1G', 'errors: No known data errors'],
  );
  assert.deepEqual(healthLines(pool, undefined, true), ['tank: DEGRADED; reading zpool status']);
  assert.deepEqual(healthLines(pool, undefined, false, 'timed out'), ['tank: DEGRADED; zpool status failed: timed out']);
});

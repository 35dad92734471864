import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes } from '../../src/present/units.js';

test('sizes read as zfs prints them; whole numbers keep their zeros', () => {
  const M = 1024 * 1024;
  assert.deepEqual([0, 512, 1536, 100 * M, 140 * M, 10 * M, 1.5 * M, 1024 * M].map(formatBytes), ['0B', '512B', '1.5K', '100M', '140M', '10M', '1.5M', '1G']);
});

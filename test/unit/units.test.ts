import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes } from '../../src/present/units.js';

test('sizes read as zfs prints them; whole numbers keep their zeros', () => {
  const M = 1024 * 1024;
  assert.deepEqual([0, 512, 1536, 100 * M, 140 * M, 10 * M, 1.5 * M, 1024 * M].map(formatBytes), ['0B', '512B', '1.5K', '100M', '140M', '10M', '1.5M', '1G']);
});

test('event times: the time of day today, the day before that, the year when it is another', async () => {
  const { eventTime } = await import('../../src/present/event-lines.js');
  const now = new Date(2026, 10, 24, 15, 0, 0).getTime();
  assert.equal(eventTime(new Date(2026, 10, 24, 9, 5, 7).getTime(), now), '09:05:07');
  assert.equal(eventTime(new Date(2026, 9, 1, 9, 5, 7).getTime(), now), '10-01 09:05');
  assert.equal(eventTime(new Date(2025, 11, 31, 23, 59).getTime(), now), '2025-12-31 23:59');
});

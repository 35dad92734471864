import assert from 'node:assert/strict';
import { test } from 'node:test';
import { windowRows } from '../../components/ScrollHint.js';
import { navigate } from '../../src/app/scroll.js';

test('a window never hides the focused row and spends a row on each hint only when rows are hidden that way', () => {
  for (const total of [1, 5, 9, 10, 11, 30]) {
    for (let focus = 0; focus < total; focus++) {
      const w = windowRows(total, 10, focus);
      const used = w.end - w.start + (w.above ? 1 : 0) + (w.below ? 1 : 0);
      assert.ok(used <= 10, `fits: ${JSON.stringify({ total, focus, w })}`);
      assert.ok(focus >= w.start && focus < w.end, `focus shown: ${JSON.stringify({ total, focus, w })}`);
      assert.equal(w.above, w.start);
      assert.equal(w.below, total - w.end);
      if (total > 10) assert.equal(used, 10, 'no wasted row');
    }
  }
  assert.deepEqual(windowRows(30, 10, 0), { start: 0, end: 9, above: 0, below: 21 });
  assert.deepEqual(windowRows(30, 10, 29), { start: 21, end: 30, above: 21, below: 0 });
});

test('navigation commands move by one, a page, half a page, or to either end, clamped', () => {
  assert.equal(navigate(5, 'down', 10, 4), 6);
  assert.equal(navigate(9, 'down', 10, 4), 9);
  assert.equal(navigate(0, 'up', 10, 4), 0);
  assert.equal(navigate(1, 'page-down', 10, 4), 5);
  assert.equal(navigate(8, 'page-down', 10, 4), 9);
  assert.equal(navigate(8, 'page-up', 10, 4), 4);
  assert.equal(navigate(1, 'half-down', 10, 4), 3);
  assert.equal(navigate(5, 'top', 10, 4), 0);
  assert.equal(navigate(5, 'bottom', 10, 4), 9);
  assert.equal(navigate(5, 'quit', 10, 4), undefined);
});

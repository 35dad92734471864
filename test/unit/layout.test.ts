import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NARROW_LEFT, paneRows, screenLayout, treeLinesAbove } from '../../src/app/layout.js';
import { PANES } from '../../src/app/ui-store.js';
import { containerColumns, containerHeader, containerLine } from '../../src/present/container-row.js';

test('80x24: the container list is wide while it has the focus; once the focus moves on, the tree takes its room and details keeps its own', () => {
  const list = screenLayout(80, 24, 'containers');
  assert.deepEqual(list.width, { containers: 44, tree: 36, details: 44, events: 36 });
  for (const focus of ['tree', 'details', 'events'] as const) {
    const l = screenLayout(80, 24, focus);
    assert.equal(l.width.containers, NARROW_LEFT, focus);
    assert.equal(l.width.tree, 80 - NARROW_LEFT, focus);
    assert.ok(l.width.tree >= 48, 'room for the date, the age, the space and a label');
    assert.deepEqual([l.width.details, l.width.events], [44, 36], 'the bottom row keeps its split');
    // Only widths change: the rows (and so the page sizes) are the same whatever has the focus.
    assert.deepEqual([l.top, l.bottom, l.body, l.height], [list.top, list.bottom, list.body, list.height]);
  }
});

test('wide terminals: the layout does not follow the focus; every size: each row of panes is exactly the screen wide', () => {
  for (const [columns, rows] of [
    [120, 40],
    [160, 40],
    [200, 50],
  ] as const) {
    const base = screenLayout(columns, rows);
    for (const focus of PANES) assert.deepEqual(screenLayout(columns, rows, focus), base, `${columns}x${rows} ${focus}`);
    assert.equal(base.width.containers, Math.floor(columns * 0.38));
  }
  for (const [columns, rows] of [
    [80, 24],
    [100, 30],
    [119, 30],
    [120, 40],
    [200, 50],
  ] as const)
    for (const focus of PANES) {
      const l = screenLayout(columns, rows, focus);
      assert.equal(l.width.containers + l.width.tree, columns, `${columns} ${focus}: top row`);
      assert.equal(l.width.details + l.width.events, columns, `${columns} ${focus}: bottom row`);
      assert.equal(l.top + l.bottom, l.body);
    }
});

test('page sizes count the lines over the list: the tree header, a search line, a marks line', () => {
  const l = screenLayout(80, 24, 'tree');
  const plainTree = paneRows(l, 'tree');
  assert.equal(plainTree, l.top - 4);
  assert.equal(paneRows(l, 'tree', treeLinesAbove({ searching: false, search: '', marked: 0, tree: true })), plainTree);
  assert.equal(paneRows(l, 'tree', treeLinesAbove({ searching: false, search: 'x', marked: 2, tree: true })), plainTree - 2);
  assert.equal(paneRows(l, 'details'), l.bottom - 3);
});

test('the container list in the narrow pane keeps id, name, status and flag; the counts come back when there is room', () => {
  const list = [
    { id: '100', name: 'web', status: 'running', checkpoints: 7, usedBySnapshots: 1024 },
    { id: '102', name: 'ci-runner', status: 'stopped', checkpoints: 0, usedBySnapshots: 0, lock: 'backup' },
  ] as never[];
  // Inside the border of the narrow pane.
  const narrow = containerColumns(list, NARROW_LEFT - 2);
  assert.equal(narrow.counts, false);
  assert.match(containerHeader(narrow), /^ ID +NAME +STATUS +FLAG$/);
  assert.match(containerLine(list[1]!, narrow), /^102 ci-runner stopped backup$/, 'the whole name');
  for (const c of list) assert.ok(containerLine(c, narrow).length + 1 <= NARROW_LEFT - 2, 'fits beside the cursor column');
  const full = containerColumns(list, 42);
  assert.equal(full.counts, true);
  assert.match(containerHeader(full), /FLAG +CKP +SNAPS$/);
});

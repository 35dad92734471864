import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandLogRows } from '../../src/present/command-log-rows.js';

const group = {
  seq: 1,
  argv: [
    'zfs',
    'snapshot',
    '-o',
    'lxcri:label=grp 9',
    'rpool/data/subvol-100-disk-0@checkpoint-1795513185',
    'rpool/data/subvol-101-disk-0@checkpoint-1795513185',
  ],
  mutates: true,
  at: Date.parse('2026-11-24T09:39:45Z'),
  exitCode: 0,
  durationMs: 12,
};

test('the command log shows a command whole: a group checkpoint names every dataset, wrapped, never cut, at 80 columns', () => {
  const rows = commandLogRows([group], 76);
  assert.ok(rows.length > 1, 'wrapped onto more rows');
  for (const r of rows) assert.ok([...r.text].length <= 76, r.text);
  const text = rows.map((r, i) => (i ? r.text.slice(2) : r.text)).join('');
  assert.match(
    text,
    /\] zfs snapshot -o 'lxcri:label=grp 9' rpool\/data\/subvol-100-disk-0@checkpoint-1795513185 rpool\/data\/subvol-101-disk-0@checkpoint-1795513185$/,
    'the rows joined are the command as it ran',
  );
  for (const r of rows.slice(1)) assert.match(r.text, /^ {2}/, 'continuation rows are indented');
  for (const r of rows) assert.doesNotMatch(r.text, / $/, 'no row ends with a space a terminal would drop');
  for (const word of ["'lxcri:label=grp 9'", 'rpool/data/subvol-100-disk-0@checkpoint-1795513185', 'rpool/data/subvol-101-disk-0@checkpoint-1795513185'])
    assert.ok(text.includes(word), `${word} in ${text}`);
  assert.ok(rows.every((r) => r.tone === 'change'));
  assert.match(rows[0]!.text, /^\d\d:\d\d:\d\d \* \[exit 0 {3}12 ms\] zfs snapshot/);
});

test('a running command and a failed one read apart from a read that worked', () => {
  const rows = commandLogRows(
    [
      { seq: 1, argv: ['zfs', 'list'], mutates: false, at: 0 },
      { seq: 2, argv: ['zfs', 'destroy', 'p/a@b'], mutates: true, at: 0, exitCode: 1, durationMs: 3, error: 'dataset is busy' },
      { seq: 3, argv: ['zfs', 'get', 'all'], mutates: false, at: 0, exitCode: 0, durationMs: 2 },
    ],
    200,
  );
  assert.deepEqual(
    rows.map((r) => r.tone),
    ['running', 'failed', 'read'],
  );
  assert.match(rows[0]!.text, /\[running\] zfs list$/);
  assert.match(rows[1]!.text, /\* \[exit 1 {4}3 ms\] zfs destroy p\/a@b {2}dataset is busy$/);
});

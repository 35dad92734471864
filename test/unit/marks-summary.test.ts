import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CheckpointNode } from '../../src/core/model/tree.js';
import { marksSummary } from '../../src/present/delete-plans.js';

const M = 1024 ** 2;
const node = (name: string, used: number, extra: Partial<CheckpointNode> = {}): CheckpointNode => ({
  id: name,
  kind: 'snapshot',
  dataset: 'p/c/web',
  name,
  fullName: `p/c/web@${name}`,
  class: 'checkpoint',
  createtxg: 1,
  creation: 1,
  used,
  referenced: used,
  holds: 0,
  clones: [],
  foreignClones: [],
  active: false,
  onActiveLine: true,
  children: [],
  ...extra,
});

test('the marks line counts only what D would delete: a held checkpoint and one a branch grew from stay, and say so', () => {
  const marked = [node('a', 3 * M), node('held', 40 * M, { holds: 1 }), node('origin', 50 * M, { clones: ['p/c/br'] }), node('b', 4 * M)];
  assert.equal(marksSummary(marked), '4 marked, frees at least 7M (2 would stay: held, or a branch grew from it)');
  assert.equal(marksSummary([node('a', 3 * M)]), '1 marked, frees at least 3M');
});

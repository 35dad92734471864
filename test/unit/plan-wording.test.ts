import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RestorePlan, UndoRestorePlan } from '../../src/core/core.js';
import type { DeletePlan } from '../../src/core/ops/delete.js';
import { applyPrunePicks, pruneRefusal } from '../../src/core/ops/prune-edit.js';
import type { PruneItem, PrunePlan } from '../../src/core/ops/prune.js';
import type { CheckpointNode } from '../../src/core/model/tree.js';
import type { DeleteBranchPlan } from '../../src/core/ops/delete-branch.js';
import type { DeleteSetPlan } from '../../src/core/ops/delete-set.js';
import { deleteBranchLines, deletePreviewText, deleteSetLines } from '../../src/present/delete-plans.js';
import { deleteSummary, pruneItemRow, prunePlanLines, pruneTotals, restoreSummary, undoSummary } from '../../src/present/plans.js';
import { shortDate } from '../../src/present/tree-columns.js';

const NOW = 1_763_900_000;
const DAY = 86_400;
const M = 1024 * 1024;
const LONG = 'a label far longer than any line of a preview could hold, typed by someone in a hurry at night';
const service = { name: 'db', status: 'running' as const, running: true, shutdownSeconds: 60 };
const target = {
  name: 'checkpoint-1760900000',
  fullName: 'tank/ct/db@checkpoint-1760900000',
  label: 'before migration 42',
  creation: NOW - 35 * DAY,
  used: 3 * M,
  referenced: 46 * M,
};

const fits = (lines: string[]) => {
  for (const l of lines) assert.ok([...l].length <= 80, `${[...l].length} columns: ${l}`);
};

test('short dates read "24 Nov 01:13" in local time; the branch a preview names reads as the tree titles it', () => {
  const at = new Date(2025, 10, 24, 1, 13, 59).getTime() / 1000;
  assert.equal(shortDate(at, at), '24 Nov 01:13');
  // A day below 10: the preview and the tree (lineTitle, the date column) write it the same way.
  const early = new Date(2025, 10, 4, 9, 5).getTime() / 1000;
  const plan = { mode: 'branch', container: '101', dataset: 'tank/ct/db', target, seconds: early, steps: ['x'], service } as unknown as RestorePlan;
  assert.equal(restoreSummary(plan, early)[2], `-> today's state kept as branch 'db @ 04 Nov 09:05'`);
});

test('branch restore: the service shuts down (how), the disk switches to the labelled checkpoint (age, size), today is kept, it starts', () => {
  const plan = { mode: 'branch', container: '101', dataset: 'tank/ct/db', target, seconds: NOW, steps: ['x'], service } as unknown as RestorePlan;
  const lines = restoreSummary(plan, NOW);
  assert.deepEqual(lines, [
    'db (running) shuts down (graceful up to 60 s, then hard)',
    "-> disk switches to 'before migration 42' (5w ago, 46M)",
    `-> today's state kept as branch 'db @ ${shortDate(NOW, NOW)}'`,
    '-> db starts',
    'nothing is destroyed: every checkpoint is kept',
  ]);
  const stopped = restoreSummary({ ...plan, service: { ...service, status: 'stopped', running: false } } as RestorePlan, NOW);
  assert.equal(stopped[0], 'db (stopped) is not started');
  assert.ok(!stopped.some((l) => l.includes('starts')), 'a stopped container is not started');
  assert.equal(restoreSummary(plan, NOW, { noStart: true }).at(-2), '-> db stays stopped (no start asked)');
});

test('rollback: lists every checkpoint it destroys with label, age and size, and the branches with them', () => {
  const destroyed = [
    { fullName: 'tank/ct/db@checkpoint-1', name: 'checkpoint-1', label: 'fresh install', creation: NOW - 2 * DAY, used: 12 * M, referenced: 0 },
    { fullName: 'tank/ct/db@checkpoint-2', name: 'checkpoint-2', creation: NOW - 3 * 3600, used: 1536, referenced: 0 },
  ];
  const plan = {
    mode: 'rollback',
    container: '101',
    dataset: 'tank/ct/db',
    target,
    destroysSnapshots: destroyed.map((d) => d.fullName),
    destroysDatasets: ['tank/ct/lxcri-br-db-1763000000'],
    needsClones: true,
    destroyed,
    service,
  } as unknown as RestorePlan;
  const lines = restoreSummary(plan, NOW);
  assert.deepEqual(lines, [
    'db (running) shuts down (graceful up to 60 s, then hard)',
    "-> disk goes back to 'before migration 42' (5w ago, 46M)",
    "-> today's state is discarded (a rollback has no undo)",
    '-> destroys 2 newer checkpoints (frees at least 12M):',
    "     'fresh install' checkpoint-1 (2d ago, 12M)",
    '     checkpoint-2 (3h ago, 1.5K)',
    '-> destroys 1 branch with them:',
    '     lxcri-br-db-1763000000',
    '-> db starts',
  ]);
});

test('every preview line fits 80 columns, whatever the labels, names and datasets', () => {
  const long = { ...target, label: LONG, name: `checkpoint-${'9'.repeat(90)}` };
  const svc = { ...service, name: 'a-container-name-that-goes-on-and-on' };
  const brief = { fullName: 'x@y', name: long.name, label: LONG, creation: NOW - 400 * DAY, used: 1023 * 1024 * M, referenced: 0 };
  const branch = { mode: 'branch', container: '101', target: long, seconds: NOW, service: svc } as unknown as RestorePlan;
  const rollback = {
    mode: 'rollback',
    container: '101',
    target: long,
    destroysSnapshots: ['x@y'],
    destroysDatasets: [`tank/${'deep/'.repeat(10)}lxcri-br-${'x'.repeat(100)}`],
    destroyed: [brief],
    service: { ...svc, shutdownSeconds: 86_400 },
  } as unknown as RestorePlan;
  const undo = {
    container: '101',
    branch: `tank/ct/lxcri-br-${'y'.repeat(100)}`,
    chosen: 'newest-restore',
    restoredFrom: long.name,
    restoredFromLabel: LONG,
    branchedAt: NOW - 9 * DAY,
    running: true,
    today: 'keep',
    todayChanged: 'unknown',
    todayCheckpoints: [],
    seconds: NOW,
    steps: [],
    service: svc,
  } as unknown as UndoRestorePlan;
  const del = {
    container: 'a-container-id-that-is-long',
    target: long,
    subtree: true,
    actions: [{ kind: 'reset-branch', dataset: `tank/ct/lxcri-br-${'z'.repeat(100)}`, to: `tank/ct/x@${'w'.repeat(100)}`, destroys: [] }],
    snapshots: ['x@y'],
    datasets: [`tank/ct/lxcri-br-${'v'.repeat(100)}`],
    usedBytes: 5 * M,
    destroyed: [brief],
  } as unknown as DeletePlan;
  const item = {
    snapshot: 'x@y',
    name: long.name,
    label: LONG,
    creation: NOW - 400 * DAY,
    used: 1023 * M,
    action: 'prune',
    rule: 'beyond-max',
    reason: 'r'.repeat(200),
  } as PruneItem;
  fits(restoreSummary(branch, NOW));
  fits(restoreSummary(rollback, NOW));
  fits(undoSummary(undo, NOW));
  fits(undoSummary({ ...undo, chosen: 'explicit', today: 'discard', todayCheckpoints: Array(120).fill('s') }, NOW));
  fits(deleteSummary(del, NOW));
  // The CLI's delete --branch and marked-set previews, the zfs steps (full dataset names) included.
  const node = { kind: 'snapshot', name: long.name, fullName: `tank/ct/db@${long.name}`, label: LONG, creation: NOW - 9 * DAY, used: 5 * M } as CheckpointNode;
  const deepBranch = `tank/${'deep/'.repeat(10)}lxcri-br-${'x'.repeat(100)}`;
  const branchPlan = {
    container: 'a-container-id-that-is-long',
    branch: { dataset: deepBranch, active: false, origin: node.fullName, branchedAt: NOW - DAY, used: 9 * M, usedbysnapshots: 0 },
    origin: node,
    snapshots: [node, node],
    actions: [{ kind: 'destroy-dataset', dataset: deepBranch, snapshots: [`${deepBranch}@${long.name}`] }],
    usedBytes: 9 * M,
  } as unknown as DeleteBranchPlan;
  const setPlan = {
    container: 'a-container-id-that-is-long',
    deletes: [node, node],
    kept: [{ node, reason: `held (1 hold(s)) ${'and more '.repeat(12)}` }],
    actions: [{ kind: 'destroy-snapshot', snapshot: `${deepBranch}@${long.name}` }],
    freedBytes: 10 * M,
    accuracy: 'lower-bound',
  } as unknown as DeleteSetPlan;
  const branchText = deletePreviewText(deleteBranchLines(branchPlan, NOW), branchPlan.actions);
  const setText = deletePreviewText(deleteSetLines(setPlan, NOW), setPlan.actions);
  fits(branchText);
  fits(setText);
  // Wrapped, not cut: every word of the title and of the steps is still there.
  assert.ok(branchText.join('').replace(/\s+/g, '').includes(`destroybranch${deepBranch}`));
  assert.ok(setText.join(' ').replace(/\s+/g, ' ').includes('held (1 hold(s)) and more'));
  // The prune plan: full names of deep datasets, long reasons.
  const pruneItem = { ...item, snapshot: `${deepBranch}@${long.name}`, dataset: deepBranch } as PruneItem;
  fits(
    prunePlanLines(
      {
        container: 'a-container-id-that-is-long',
        items: [pruneItem, { ...pruneItem, action: 'keep' }],
        reclaimBytes: 1e15,
        reclaimAccuracy: 'estimate',
      } as unknown as PrunePlan,
      NOW,
    ),
  );
  fits([
    pruneItemRow(item, NOW),
    pruneTotals([{ container: '1', items: Array(1000).fill(item), reclaimBytes: 1e15, reclaimAccuracy: 'estimate' } as unknown as PrunePlan]),
  ]);
  assert.match(restoreSummary(branch, NOW)[1]!, /^-> disk switches to 'a label far longer .*\.\.\.' \(\d+w ago, 46M\)$/);
});

test('undo: the service, the line it switches back to (when set aside, before which checkpoint), what becomes of today', () => {
  const plan = {
    container: '101',
    branch: 'tank/ct/lxcri-br-db-1763000000',
    chosen: 'newest-restore',
    restoredFrom: 'checkpoint-1760900000',
    restoredFromLabel: 'schema v1',
    branchedAt: NOW - 3 * DAY,
    running: true,
    today: 'discard',
    todayChanged: false,
    todayCheckpoints: [],
    seconds: NOW,
    steps: [],
    service,
  } as unknown as UndoRestorePlan;
  assert.deepEqual(undoSummary(plan, NOW), [
    'db (running) shuts down (graceful up to 60 s, then hard)',
    '-> disk switches back to the line set aside 3d ago',
    "   (as it was before the restore to 'schema v1')",
    "-> today's state is discarded: no branch is left",
    '   (unchanged since the restore)',
    '-> db starts',
  ]);
  assert.equal(undoSummary({ ...plan, today: 'keep' }, NOW)[3], `-> today's state kept as branch 'db @ ${shortDate(NOW, NOW)}'`);
});

test('prune plan at 80 columns: short names, the reason on its own line below its row; the whole table where it fits', () => {
  const plan = {
    container: 'db',
    items: [
      item('checkpoint-1760000000', 'prune', 'beyond-max', 12 * M, 'fresh install'),
      item('autosnap_2025-10-01_00:00:01_daily', 'keep', 'not-candidate', 1 * M),
    ].map((i) => ({
      ...i,
      reason: i.action === 'prune' ? 'over max_snapshots (10): the oldest beyond it go' : 'not ours (sanoid): pass --include foreign to prune it',
    })),
    reclaimBytes: 12 * M,
    reclaimAccuracy: 'estimate',
  } as unknown as PrunePlan;
  const narrow = prunePlanLines(plan, NOW);
  fits(narrow);
  assert.deepEqual(narrow, [
    "db: prune 1 of 2, reclaims 12M (estimate: sum of each snapshot's own space, a",
    '  lower bound)',
    '         CHECKPOINT                          LABEL            AGE  USED',
    "  PRUNE  checkpoint-1760000000               'fresh install'   5w   12M",
    '         over max_snapshots (10): the oldest beyond it go',
    '  keep   autosnap_2025-10-01_00:00:01_daily                    5w    1M',
    '         not ours (sanoid): pass --include foreign to prune it',
  ]);
  // A wide terminal keeps the one table, with the full snapshot names and a WHY column.
  const wide = prunePlanLines(plan, NOW, 200);
  assert.equal(wide.length, 4);
  assert.match(wide[1]!, /^ {9}SNAPSHOT +LABEL +AGE +USED +WHY$/);
  assert.match(wide[2]!, /^ {2}PRUNE {2}tank\/ct\/db@checkpoint-1760000000 +'fresh install' +5w +12M {2}over max_snapshots/);
});

test('switch to a branch: the preview names it as the tree titles it (what set it aside, when), never by its dataset', () => {
  const at = NOW - 3 * DAY;
  const plan = {
    container: '101',
    branch: 'tank/ct/lxcri-br-subvol-101-disk-0-1792434073',
    chosen: 'explicit',
    branchedAt: at,
    line: {
      dataset: 'tank/ct/lxcri-br-subvol-101-disk-0-1792434073',
      active: false,
      branchedAt: at,
      setAsideBy: 'restore',
      setAsideTo: target,
      used: 0,
      usedbysnapshots: 0,
    },
    running: true,
    today: 'keep',
    todayChanged: true,
    todayCheckpoints: [],
    seconds: NOW,
    steps: [],
    service,
  } as unknown as UndoRestorePlan;
  const lines = undoSummary(plan, NOW);
  // Wrapped to 80 columns, the continuation indented.
  assert.deepEqual(lines.slice(1, 3), ['-> disk switches to the branch set aside by the restore to "before migration 42"', `  at ${shortDate(at, NOW)}`]);
  assert.ok(!lines.join('\n').includes('lxcri-br-'), lines.join('\n'));
  // A long label wraps onto an indented line; nothing is cut and every line fits.
  const long = undoSummary({ ...plan, line: { ...plan.line!, setAsideTo: { ...target, label: LONG } } }, NOW);
  fits(long);
  assert.ok(
    long
      .join(' ')
      .replace(/\s+/g, ' ')
      .includes(`"${LONG}" at ${shortDate(at, NOW)}`),
  );
});

test('delete: the service is left alone; each checkpoint it destroys by label, age and size; the space freed', () => {
  const plan = {
    container: '101',
    subtree: false,
    actions: [{ kind: 'destroy-snapshot', snapshot: target.fullName }],
    snapshots: [target.fullName],
    datasets: [],
    usedBytes: 3 * M,
    destroyed: [target],
  } as unknown as DeletePlan;
  assert.deepEqual(deleteSummary(plan, NOW), [
    '101: the service and its live state are left alone',
    'destroys 1 checkpoint:',
    "     'before migration 42' checkpoint-1760900000 (5w ago, 3M)",
    'frees at least 3M',
  ]);
});

const item = (name: string, action: 'keep' | 'prune', rule: PruneItem['rule'], used: number, label?: string): PruneItem => ({
  snapshot: `tank/ct/db@${name}`,
  name,
  dataset: 'tank/ct/db',
  class: 'checkpoint',
  creation: NOW - 40 * DAY,
  used,
  action,
  rule,
  reason: rule,
  ...(label ? { label } : {}),
});

test('prune picks: a pruned one may be kept; a protected one never pruned; the floor holds; the reclaim becomes a lower bound', () => {
  const plan: PrunePlan = {
    container: '101',
    policy: { maxSnapshots: 1, retentionDays: 30, minKeep: 2, include: [] },
    items: [
      item('a', 'prune', 'beyond-retention', 10 * M, 'fresh install'),
      item('b', 'prune', 'beyond-max', 20 * M),
      item('c', 'keep', 'clone-origin', 5 * M),
      item('d', 'keep', 'newest-on-active-line', 1 * M),
      item('s', 'keep', 'not-candidate', 1 * M),
    ],
    reclaimBytes: 31 * M,
    reclaimAccuracy: 'exact',
    imageBytes: 0,
  };
  assert.equal(applyPrunePicks(plan, {}), plan, 'no pick: the exact plan as it was');
  const kept = applyPrunePicks(plan, { 'tank/ct/db@a': 'keep' });
  assert.deepEqual(
    kept.items.map((i) => i.action),
    ['keep', 'prune', 'keep', 'keep', 'keep'],
  );
  assert.equal(kept.reclaimBytes, 20 * M);
  assert.equal(kept.reclaimAccuracy, 'estimate');
  assert.match(pruneTotals([kept]), /^1 of 5 to destroy, frees at least 20M \(their own space: a lower bound\)$/);
  assert.match(pruneTotals([plan]), /^2 of 5 to destroy, frees 31M \(exact, zfs destroy -nvp\)$/);
  assert.match(pruneRefusal(plan, plan.items[2]!, {})!, /is kept: clone-origin/);
  assert.match(pruneRefusal(plan, plan.items[3]!, {})!, /is kept: newest-on-active-line/);
  assert.match(pruneRefusal(plan, plan.items[4]!, {})!, /is kept/);
  // Kept: a, c, d (3 candidates); min_keep 2 lets one of them go (a, back to prune) but not two.
  assert.equal(pruneRefusal(plan, plan.items[0]!, { 'tank/ct/db@a': 'keep' }), undefined);
  assert.match(pruneItemRow(kept.items[0]!, NOW), /^\[ \] 'fresh install' +5w +10M  kept by the operator$/);
  assert.match(pruneItemRow(plan.items[1]!, NOW), /^\[x\] b +5w +20M  beyond-max$/);
});

test('prune floor: with min_keep reached no kept candidate may be switched to prune', () => {
  const plan: PrunePlan = {
    container: '101',
    policy: { maxSnapshots: 5, retentionDays: 0, minKeep: 2, include: [] },
    items: [item('a', 'keep', 'within-max', M), item('b', 'keep', 'within-max', M)],
    reclaimBytes: 0,
    reclaimAccuracy: 'exact',
    imageBytes: 0,
  };
  assert.match(pruneRefusal(plan, plan.items[0]!, {})!, /kept so at least 2 checkpoint\(s\) remain/);
  const three = { ...plan, items: [...plan.items, item('c', 'keep', 'within-max', M)] };
  assert.equal(pruneRefusal(three, three.items[0]!, {}), undefined, 'a within-max one may go while the floor holds');
});

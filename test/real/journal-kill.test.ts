import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli-process.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

let pool: TestPool;
before(() => {
  pool = createTestPool('kill', '512M');
});
after(() => pool?.destroy());

/** Every snapshot guid in the pool: the measure of "no checkpoint lost". */
function guids(): Map<string, string> {
  const out = sh('zfs', ['get', '-H', '-r', '-o', 'name,value', 'guid', pool.pool]);
  return new Map(
    out
      .trim()
      .split('\n')
      .filter((l) => l.includes('@'))
      .map((l) => l.split('\t') as [string, string])
      .map(([n, g]) => [g, n]),
  );
}

function interrupted(): Array<{ id: string; operation: string }> {
  const r = runCli(['recover', '--json', '--config', pool.configFile]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).interrupted;
}

function recover(mode: 'finish' | 'undo') {
  const [entry, ...more] = interrupted();
  assert.ok(entry, 'the killed operation is reported as interrupted');
  assert.equal(more.length, 0);
  const r = runCli(['recover', entry.id, `--${mode}`, '--yes', '--config', pool.configFile]);
  assert.equal(r.status, 0, `recover --${mode}: ${r.stderr}`);
  assert.deepEqual(interrupted(), []);
}

const BRANCH_RESTORE_STEPS = 10;

test('branch restore killed (SIGKILL) at every step, then finished or undone: zero checkpoints lost, nothing orphaned', async () => {
  for (let step = 0; step < BRANCH_RESTORE_STEPS; step++) {
    for (const when of ['before', 'after'] as const) {
      const id = `k${step}${when[0]}`;
      pool.container(id, 'old');
      const { core } = pool.core();
      const cp = (await core.checkpoint([id])).checkpoints[0]!.name;
      pool.write(id, 'live');
      const snapsBefore = guids();
      const killed = runCli(['restore', id, '--snapshot', cp, '--config', pool.configFile], { LXCRI_FAILPOINT: `branch-restore:${step}:${when}` });
      assert.equal(killed.signal, 'SIGKILL', `${id}: the failpoint killed the restore (${killed.stderr})`);
      // The next start reports it.
      const listed = runCli(['list', '--config', pool.configFile]);
      assert.match(listed.stderr, /warning: interrupted branch-restore of k/);

      const mode = (step + (when === 'after' ? 1 : 0)) % 2 === 0 ? 'undo' : 'finish';
      recover(mode);
      const snapsAfter = guids();
      for (const [guid, name] of snapsBefore) assert.ok(snapsAfter.has(guid), `${id} (${mode}): ${name} was lost`);
      assert.ok(!pool.datasets().some((d) => d.includes('lxcri-restore-')), `${id} (${mode}): a restore clone was left behind`);
      const tree = await core.tree(id);
      const branch = tree.branches.find((b) => !b.active);
      if (mode === 'undo') {
        assert.equal(pool.read(id), 'live', `${id}: undo brings the live state back`);
        assert.equal(tree.branches.length, 1, `${id}: undo leaves no branch`);
        assert.equal(snapsAfter.size, snapsBefore.size, `${id}: undo leaves no safety snapshot`);
      } else {
        assert.equal(pool.read(id), 'old', `${id}: finish completes the restore`);
        assert.ok(branch, `${id}: finish keeps the former line as a branch`);
        assert.equal(pool.read(branch!.dataset), 'live');
      }
    }
  }
});

test('prune killed at each item, then finished: exactly the planned checkpoints go; undo keeps the rest', async () => {
  for (let step = 0; step < 3; step++) {
    const id = `p${step}`;
    pool.container(id, 'x');
    const { core } = pool.core();
    for (let i = 0; i < 4; i++) await core.checkpoint([id]);
    const [plan] = await core.planPrune([id], { maxSnapshots: 1 });
    const planned = plan!.items.filter((i) => i.action === 'prune').map((i) => i.snapshot);
    const kept = plan!.items.filter((i) => i.action === 'keep').map((i) => i.snapshot);
    const killed = runCli(['prune', id, '--max-snapshots', '1', '--yes', '--config', pool.configFile], { LXCRI_FAILPOINT: `prune:${step}:after` });
    assert.equal(killed.signal, 'SIGKILL');
    const mode = step === 1 ? 'undo' : 'finish';
    recover(mode);
    const left = pool.snapshots().filter((s) => s.includes(`/${id}@`));
    for (const k of kept) assert.ok(left.includes(k), `${k} must survive`);
    if (mode === 'finish') assert.deepEqual(left, [...kept].sort());
    else
      assert.deepEqual(
        left.filter((s) => planned.includes(s)),
        planned.slice(step + 1).sort(),
        'undo stops the prune where it was',
      );
  }
});

test('group checkpoint on zfs-fuse (one snapshot per call) killed midway, then undone or finished: all or nothing', async () => {
  const base = `${pool.pool}/grp`;
  sh('zfs', ['create', base]);
  for (const d of ['a', 'b', 'c', 'other']) sh('zfs', ['create', `${base}/${d}`]);
  const cfg = JSON.parse(readFileSync(pool.configFile, 'utf8'));
  cfg.zfs.base_dataset = base;
  const file = `${pool.dir}/group.json`;
  writeFileSync(file, JSON.stringify(cfg));
  for (const mode of ['undo', 'finish'] as const) {
    const killed = runCli(['checkpoint', 'a', 'b', 'c', '--config', file], { LXCRI_FAILPOINT: 'group-checkpoint:1:after' });
    assert.equal(killed.signal, 'SIGKILL');
    const [entry] = interrupted();
    const r = runCli(['recover', entry!.id, `--${mode}`, '--yes', '--config', pool.configFile]);
    assert.equal(r.status, 0, r.stderr);
    const names = ['a', 'b', 'c'].map((d) => pool.snapshots().filter((s) => s.startsWith(`${base}/${d}@`)).length);
    assert.deepEqual(names, mode === 'undo' ? [0, 0, 0] : [1, 1, 1]);
  }
});

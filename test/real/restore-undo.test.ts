import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import type { UndoRestorePlan } from '../../src/core/core.js';
import { runCli } from '../support/cli-process.js';
import { createLxcContainer, destroyLxc, lxcState } from '../support/lxc.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

/**
 * Undo of a branch restore (switching the live line back) on real zfs-fuse: file contents on the mountpoints and
 * `zfs list -t all` are the ground truth, not the core's model.
 */
let pool: TestPool;
before(() => {
  pool = createTestPool('undo', '512M');
});
const lxcNames: string[] = [];
after(() => {
  for (const n of lxcNames) destroyLxc(`${pool.dir}/lxc-undo`, n);
  pool?.destroy();
});

/** Every dataset and snapshot of one container (its dataset and the branches beside it), straight from zfs. */
function world(id: string): string[] {
  const own = new RegExp(`^${pool.base}/(?:${id}|lxcri-(?:br|restore)-${id}-\\d+(?:-\\d+)?)(?:@.*)?$`);
  return sh('zfs', ['list', '-H', '-o', 'name', '-t', 'all', '-r', pool.pool])
    .split('\n')
    .filter((n) => own.test(n))
    .sort();
}
const get = (prop: string, name: string) => sh('zfs', ['get', '-H', '-o', 'value', prop, name]).trim();
const localProps = (ds: string) => sh('zfs', ['get', '-H', '-s', 'local', '-o', 'property,value', 'all', ds]).trim();
const mountpoint = (ds: string) => get('mountpoint', ds);
const fileOn = (ds: string, file: string) => `${mountpoint(ds)}/${file}`;

/** A container with two checkpoints and a live state after them; returns the checkpoint names. */
async function line(id: string): Promise<{ cp1: string; cp2: string }> {
  pool.container(id, 'v1');
  const { core } = pool.core();
  const cp1 = (await core.checkpoint([id])).checkpoints[0]!.name;
  pool.write(id, 'v2');
  const cp2 = (await core.checkpoint([id])).checkpoints[0]!.name;
  pool.write(id, 'v3-live');
  return { cp1, cp2 };
}

async function restoreTo(id: string, snapshot: string) {
  const r = await pool.core().core.restore(id, { snapshot });
  assert.equal(r.mode, 'branch');
  if (r.mode !== 'branch') throw new Error('expected a branch restore');
  return r;
}

test('undo keep: the pre-restore line is live again with every checkpoint, today is a marked branch holding what was written', async () => {
  const { cp1, cp2 } = await line('web');
  const D = `${pool.base}/web`;
  const before = world('web');
  const r = await restoreTo('web', cp1);
  const safety = r.safetySnapshot.split('@')[1]!;
  pool.write('web', 'written after the restore', 'new.txt');
  const restored = world('web');
  assert.deepEqual(
    restored,
    [...before, `${r.branchDataset}@${cp2}`, `${r.branchDataset}@${safety}`, r.branchDataset].filter((n) => n !== `${D}@${cp2}`).sort(),
  );

  const { core } = pool.core();
  const plan = await core.planUndoRestore('web');
  assert.equal(plan.branch, r.branchDataset, 'the line the restore set aside');
  assert.deepEqual(
    [plan.chosen, plan.restoredFrom, plan.running, plan.today, plan.todayChanged, plan.todayCheckpoints],
    ['newest-restore', cp1, false, 'keep', 'unknown', []],
    'zfs-fuse has no `written`: unknown, so today is kept',
  );
  assert.match(plan.todayBranch!, new RegExp(`^${pool.base}/lxcri-br-web-\\d+(-\\d+)?$`));
  assert.deepEqual(world('web'), restored, 'planning changed nothing');

  const result = await core.undoRestore('web', { plan });
  assert.deepEqual([result.branch, result.todayBranch, result.stopped, result.started], [r.branchDataset, plan.todayBranch, false, false]);
  const T = plan.todayBranch!;
  // Files: D is the pre-restore live state again; today's state (restored checkpoint + the new file) is the branch.
  assert.equal(pool.read('web'), 'v3-live');
  assert.equal(existsSync(fileOn(D, 'new.txt')), false);
  assert.equal(pool.read(T), 'v1');
  assert.equal(pool.read(T, 'new.txt'), 'written after the restore');
  // zfs list: every checkpoint is back on D's own line (D owns them, no origin), the safety snapshot with them.
  assert.deepEqual(world('web'), [...before, `${D}@${safety}`, T].sort(), 'the datasets before the restore, the safety snapshot, and today as one branch');
  for (const s of [cp1, cp2, safety]) assert.ok(world('web').includes(`${D}@${s}`), `${s} is on ${D}`);
  assert.equal(get('origin', D), '-');
  assert.equal(get('origin', T), `${D}@${cp1}`);
  assert.equal(get('lxcri:branch', D), '-', 'the live line carries no branch mark');
  // When, and what set it aside: the undo of the restore to cp1 (by that checkpoint's guid).
  assert.equal(get('lxcri:branch', T), `web@${plan.seconds}:undo:${sh('zfs', ['get', '-Hp', '-o', 'value', 'guid', `${D}@${cp1}`]).trim()}`);
  assert.equal(get('mounted', T), 'yes');
  // The model agrees: NOW follows the safety snapshot on D.
  const tree = await core.tree('web');
  const active = [...tree.nodes.values()].find((n) => n.active)!;
  assert.equal(tree.nodes.get(active.parent!)!.name, safety);
  assert.equal(tree.branches.length, 2);
});

test('undo discard: zero leftovers (the datasets and snapshots from before the restore plus only the safety snapshot), local properties as before', async () => {
  await line('dis');
  const D = `${pool.base}/dis`;
  // An own mountpoint, which a restore moves from dataset to dataset: it must end on D exactly as it was.
  sh('zfs', ['set', `mountpoint=${pool.dir}/mnt-dis`, D]);
  const { cp1 } = {
    cp1: world('dis')
      .find((n) => n.includes('@checkpoint-'))!
      .split('@')[1]!,
  };
  const before = world('dis');
  const propsBefore = localProps(D);
  const r = await restoreTo('dis', cp1);
  const safety = r.safetySnapshot.split('@')[1]!;
  pool.write('dis', 'changed', 'new.txt');

  const { core } = pool.core();
  const plan = await core.planUndoRestore('dis', { today: 'discard' });
  assert.deepEqual([plan.today, plan.todayBranch, plan.todayChanged], ['discard', undefined, 'unknown']);
  const worldAfterRestore = world('dis');
  await assert.rejects(core.undoRestore('dis', { plan }), (e: Error) => {
    assert.match(e.message, /^discarding today's state of dis loses whatever changed since the restore .*; not confirmed$/);
    return true;
  });
  assert.deepEqual(world('dis'), worldAfterRestore, 'refused: nothing changed');

  const result = await core.undoRestore('dis', { plan, confirmed: true });
  assert.deepEqual([result.today, result.discarded, result.leftover], ['discard', plan.aside, undefined]);
  assert.deepEqual(world('dis'), [...before, `${D}@${safety}`].sort(), 'zero leftovers');
  assert.equal(pool.read('dis'), 'v3-live');
  assert.equal(mountpoint(D), `${pool.dir}/mnt-dis`);
  assert.equal(localProps(D), propsBefore, 'the same local properties (mountpoint; no branch mark)');
  assert.equal(get('mounted', D), 'yes');
});

test('undo with no branch restore says so (a rollback cannot be undone); undo twice toggles between the two lines', async () => {
  pool.container('none', 'n1');
  const { core } = pool.core();
  const cp = (await core.checkpoint(['none'])).checkpoints[0]!.name;
  const noRestore = (e: Error & { hint?: string; code?: string }) => {
    assert.equal(e.message, 'none: no branch restore to undo (a rollback cannot be undone: it destroyed the later state)');
    assert.equal(e.code, 'not-found');
    assert.match(e.hint!, /--branch DATASET/);
    return true;
  };
  await assert.rejects(core.planUndoRestore('none'), noRestore);
  pool.write('none', 'n2');
  await core.restore('none', { snapshot: cp, mode: 'rollback', confirmed: true });
  await assert.rejects(core.undoRestore('none'), noRestore);
  assert.equal(pool.read('none'), 'n1');

  // Each operation in its own second (as people run them), so the marks order the branches.
  const clock = { ms: Date.now() };
  const { core: tc } = pool.core({ ctx: { now: () => (clock.ms += 1000) } });
  const { cp1 } = await line('tog');
  await tc.restore('tog', { snapshot: cp1 });
  pool.write('tog', 'x', 'new.txt');
  const datasets = () => world('tog').filter((n) => !n.includes('@'));
  assert.equal(datasets().length, 2);
  const snapshots = world('tog').filter((n) => n.includes('@')).length;

  const first = await tc.undoRestore('tog');
  assert.equal(pool.read('tog'), 'v3-live');
  const second = await tc.undoRestore('tog');
  assert.equal(second.branch, first.todayBranch, 'the undo of the undo returns to the line the undo set aside');
  assert.equal(pool.read('tog'), 'v1');
  assert.equal(pool.read('tog', 'new.txt'), 'x');
  assert.equal(pool.read(second.todayBranch!), 'v3-live');
  const third = await tc.undoRestore('tog');
  assert.equal(third.branch, second.todayBranch);
  assert.equal(pool.read('tog'), 'v3-live');
  assert.equal(datasets().length, 2, 'each switch renames: no branch piles up');
  assert.equal(world('tog').filter((n) => n.includes('@')).length, snapshots, 'and no snapshot either');

  // Switching to a named branch is the same operation; naming the one the newest restore set aside is that undo.
  const named = await tc.planUndoRestore('tog', { branch: third.todayBranch! });
  assert.deepEqual([named.chosen, named.branch], ['newest-restore', third.todayBranch]);
  const older = await tc.restore('tog', { snapshot: cp1 });
  if (older.mode !== 'branch') throw new Error('expected a branch restore');
  const other = await tc.planUndoRestore('tog', { branch: third.todayBranch! });
  assert.deepEqual([other.chosen, other.branch], ['explicit', third.todayBranch]);
  assert.equal((await tc.planUndoRestore('tog')).branch, older.branchDataset);
  await assert.rejects(core.planUndoRestore('tog', { branch: `${pool.base}/none` }), /is not a branch of tog/);

  // Carried out: the switch to that branch, which is not the newest. Ground truth is the files on the mountpoints
  // and `zfs list`: the live dataset holds the branch's data, today's state is kept as a branch with its own, the
  // newest restore's branch is left as it was, and no snapshot is lost or added.
  const D = `${pool.base}/tog`;
  pool.write('tog', 'today after the restore', 'today.txt');
  pool.write(third.todayBranch!, 'on the branch', 'branch.txt');
  const snapshotsBefore = world('tog')
    .filter((n) => n.includes('@'))
    .map((n) => n.slice(n.indexOf('@')));
  const switchPlan = await tc.planUndoRestore('tog', { branch: third.todayBranch!, today: 'keep' });
  assert.equal(switchPlan.chosen, 'explicit');
  const switched = await tc.undoRestore('tog', { plan: switchPlan });
  assert.deepEqual([switched.branch, switched.todayBranch], [third.todayBranch, switchPlan.todayBranch]);
  const A = switched.todayBranch!;
  // The live line is the branch: its state, its files.
  assert.equal(pool.read('tog'), 'v1');
  assert.equal(pool.read('tog', 'new.txt'), 'x');
  assert.equal(pool.read('tog', 'branch.txt'), 'on the branch');
  assert.ok(!existsSync(fileOn(D, 'today.txt')), 'what today wrote is not on the live line');
  // Today's state kept as the new branch, mounted with its files; the newest restore's branch untouched.
  assert.equal(get('mounted', A), 'yes');
  assert.equal(pool.read(A), 'v1');
  assert.equal(pool.read(A, 'today.txt'), 'today after the restore');
  assert.equal(pool.read(older.branchDataset), 'v3-live');
  // zfs list: exactly the live dataset, the newest restore's branch and today's; the chosen branch's name is gone.
  assert.deepEqual(datasets(), [D, A, older.branchDataset].sort());
  assert.ok(!world('tog').some((n) => n === third.todayBranch || n.startsWith(`${third.todayBranch}@`)));
  assert.deepEqual(
    world('tog')
      .filter((n) => n.includes('@'))
      .map((n) => n.slice(n.indexOf('@')))
      .sort(),
    snapshotsBefore.sort(),
    'every snapshot is still there, none added',
  );
  assert.equal(get('lxcri:branch', D), '-', 'the live line carries no branch mark');
  assert.equal(get('lxcri:branch', A), `tog@${switchPlan.seconds}:switch`);
  assert.equal(get('mounted', D), 'yes');
});

test('the CLI: --dry-run prints the plan and changes nothing; --discard of an unknown change is refused without --yes', async () => {
  const { cp1 } = await line('cli');
  const r = await restoreTo('cli', cp1);
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main([...argv, '--config', pool.configFile], { out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const worldBefore = world('cli');
  const dry = await run('undo', 'cli', '--dry-run');
  assert.equal(dry.code, 0, dry.err);
  // The operator's summary first (the service, the line, today's state), then the plan with its zfs steps.
  assert.match(dry.out.split('\n')[0]!, /^cli \(status unknown\) is neither stopped nor started$/);
  assert.match(dry.out, /^-> today's state kept as branch 'cli @ \d+ \w{3} \d\d:\d\d'$/m);
  const lines = dry.out.split('\n').slice(dry.out.split('\n').indexOf('') + 1);
  assert.match(
    lines[0]!,
    new RegExp(
      `^undo the restore of cli to ${cp1}; today's state is kept as the branch ${pool.base}/lxcri-br-cli-\\d+(-\\d+)?; whether it changed since the restore is unknown on this ZFS:$`,
    ),
  );
  assert.match(lines[1]!, new RegExp(`^  back to ${r.branchDataset} \\(set aside at \\d{4}-`));
  assert.match(dry.out, new RegExp(`^  \\d\\. rename ${r.branchDataset} to ${pool.base}/cli and drop its branch mark`, 'm'));
  const json = await run('undo', 'cli', '--dry-run', '--json');
  const parsed = JSON.parse(json.out) as { plan: UndoRestorePlan; executed: boolean };
  assert.deepEqual([parsed.executed, parsed.plan.branch, parsed.plan.todayChanged, parsed.plan.today], [false, r.branchDataset, 'unknown', 'keep']);
  assert.deepEqual(world('cli'), worldBefore);

  const refused = await run('undo', 'cli', '--discard');
  assert.equal(refused.code, 1);
  assert.match(refused.err, /^error: not confirmed: did not discard today's state of cli \(whether it changed since the restore is unknown on this ZFS\)$/m);
  assert.match(refused.err, /^hint: .*--yes/m);
  assert.deepEqual(world('cli'), worldBefore, 'refused: nothing changed');

  const done = await run('undo', 'cli', '--discard', '--yes');
  assert.equal(done.code, 0, done.err);
  assert.match(done.out, /cli is back on .*; today's state was discarded$/m);
  assert.equal(pool.read('cli'), 'v3-live');
  const none = await run('undo', 'cli');
  assert.equal(none.code, 1);
  assert.match(none.err, /^error: cli: no branch restore to undo/m);
});

const journalFiles = () => (existsSync(`${pool.dir}/journal`) ? readdirSync(`${pool.dir}/journal`).filter((f) => f.endsWith('.json')) : []);

function recoverOne(mode: 'finish' | 'undo') {
  const listed = runCli(['recover', '--json', '--config', pool.configFile]);
  const entries = JSON.parse(listed.stdout).interrupted as Array<{ id: string; operation: string }>;
  assert.equal(entries.length, 1, listed.stdout);
  assert.equal(entries[0]!.operation, 'restore-undo');
  const r = runCli(['recover', entries[0]!.id, `--${mode}`, '--yes', '--config', pool.configFile]);
  assert.equal(r.status, 0, `recover --${mode}: ${r.stdout}\n${r.stderr}`);
  assert.deepEqual(journalFiles(), []);
}

const UNDO_KEEP_STEPS = 9;

test('undo killed (SIGKILL) at every step, then finished or undone: either the switch or the restored state, nothing lost or left over', async () => {
  for (let step = 0; step < UNDO_KEEP_STEPS; step++) {
    for (const when of ['before', 'after'] as const) {
      const id = `u${step}${when[0]}`;
      const { cp1 } = await line(id);
      const r = await restoreTo(id, cp1);
      pool.write(id, 'today', 'new.txt');
      const restored = world(id);
      const killed = runCli(['undo', id, '--yes', '--config', pool.configFile], { LXCRI_FAILPOINT: `restore-undo:${step}:${when}` });
      assert.equal(killed.signal, 'SIGKILL', `${id}: the failpoint killed the undo (${killed.status}: ${killed.stderr})`);
      const mode = (step + (when === 'after' ? 1 : 0)) % 2 === 0 ? 'undo' : 'finish';
      recoverOne(mode);
      const D = `${pool.base}/${id}`;
      if (mode === 'undo') {
        assert.deepEqual(world(id), restored, `${id}: undone, the restored state as it was`);
        assert.equal(pool.read(id), 'v1');
        assert.equal(pool.read(id, 'new.txt'), 'today');
        assert.equal(pool.read(r.branchDataset), 'v3-live');
        assert.match(get('lxcri:branch', r.branchDataset), new RegExp(`^${id}@\\d+:restore:\\d+$`));
        assert.equal(get('origin', r.branchDataset), `${D}@${cp1}`, `${id}: the restored line owns the checkpoints again`);
      } else {
        const now = world(id);
        const T = now.find((n) => !n.includes('@') && n !== D)!;
        assert.deepEqual(
          now,
          [
            ...restored.filter((n) => !n.startsWith(r.branchDataset)),
            T,
            ...restored.filter((n) => n.startsWith(`${r.branchDataset}@`)).map((n) => n.replace(r.branchDataset, D)),
          ].sort(),
        );
        assert.equal(pool.read(id), 'v3-live');
        assert.equal(pool.read(T, 'new.txt'), 'today');
        assert.equal(get('lxcri:branch', D), '-');
        assert.equal(get('origin', D), '-');
      }
      assert.equal(get('mounted', D), 'yes');
    }
  }
});

test('a discarding undo killed around its destroy: before it, finish destroys today and undo brings it back; after it, the switch is final', async () => {
  for (const [mode, when] of [
    ['finish', 'before'],
    ['undo', 'before'],
    ['undo', 'after'],
  ] as const) {
    const id = `kd${mode[0]}${when[0]}`;
    const { cp1 } = await line(id);
    const before = world(id);
    const r = await restoreTo(id, cp1);
    const restored = world(id);
    // unmount D, unmount B, promote B, rename D aside, drop B's mark, rename B to D, mount D, then the destroy.
    const killed = runCli(['undo', id, '--discard', '--yes', '--config', pool.configFile], { LXCRI_FAILPOINT: `restore-undo:7:${when}` });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    recoverOne(mode);
    if (mode === 'finish' || when === 'after') {
      assert.deepEqual(world(id), [...before, `${pool.base}/${id}@${r.safetySnapshot.split('@')[1]}`].sort());
      assert.equal(pool.read(id), 'v3-live');
    } else {
      assert.deepEqual(world(id), restored);
      assert.equal(pool.read(id), 'v1');
    }
  }
});

test('a running LXC container: the plan says it is stopped and started, the undo does so, and it runs on the former line', async () => {
  const lxcpath = `${pool.dir}/lxc-undo`;
  const cfg = JSON.parse(readFileSync(pool.configFile, 'utf8'));
  cfg.lxc = { path: lxcpath };
  cfg.container = { shutdown_timeout_seconds: 2 };
  const config = `${pool.dir}/lxc-undo.json`;
  writeFileSync(config, JSON.stringify(cfg));
  const name = 'runner';
  lxcNames.push(name);
  const dataset = `${pool.pool}/lxc/${name}`;
  const rootfs = createLxcContainer(lxcpath, name, dataset, true);
  writeFileSync(`${rootfs}/data.txt`, 'cp');
  const cp = runCli(['checkpoint', name, '--json', '--config', config]);
  assert.equal(cp.status, 0, cp.stderr);
  writeFileSync(`${rootfs}/data.txt`, 'live');
  const restored = runCli(['restore', name, '--snapshot', JSON.parse(cp.stdout).checkpoints[0].name, '--config', config]);
  assert.equal(restored.status, 0, restored.stderr);
  assert.equal(lxcState(lxcpath, name), 'RUNNING');
  assert.equal(readFileSync(`${rootfs}/data.txt`, 'utf8'), 'cp');

  const dry = runCli(['undo', name, '--dry-run', '--json', '--config', config]);
  assert.equal(dry.status, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout).plan as UndoRestorePlan;
  assert.equal(plan.running, true);
  assert.equal(plan.steps[0], `shut down ${name}`);
  assert.equal(plan.steps.at(-1), `start ${name} again`);
  const text = runCli(['undo', name, '--dry-run', '--config', config]);
  assert.match(text.stdout.split('\n')[0]!, /^runner \(running\) shuts down \(graceful up to \d+ s, then hard\)$/);
  assert.match(text.stdout, /^-> runner starts$/m);
  const textLines = text.stdout.split('\n');
  assert.match(
    textLines[textLines.indexOf('') + 1]!,
    /^undo the restore of runner to checkpoint-\d+ \(running: it is stopped and started again\); today's state is kept as the branch /,
  );

  const undone = runCli(['undo', name, '--config', config]);
  assert.equal(undone.status, 0, undone.stderr);
  assert.match(undone.stdout, /^runner was running: shut down for the switch and started again$/m);
  assert.equal(lxcState(lxcpath, name), 'RUNNING');
  assert.equal(readFileSync(`${rootfs}/data.txt`, 'utf8'), 'live');
});

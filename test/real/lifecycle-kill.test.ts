import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli-process.js';
import { createLxcContainer, destroyLxc, lxcState } from '../support/lxc.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

/**
 * Issue finding 6: a kill -9 during the shutdown phase of restoring a running LXC container left it STOPPED with
 * no journal and no warning. The shutdown is now the restore's first journaled step (undone by a start): a kill
 * around it leaves a journal, every start warns, and `recover` brings the container back or finishes the restore.
 */
let pool: TestPool;
let lxcpath: string;
let config: string;
const names: string[] = [];

before(() => {
  pool = createTestPool('lck', '512M');
  lxcpath = `${pool.dir}/lxc`;
  const cfg = JSON.parse(readFileSync(pool.configFile, 'utf8'));
  cfg.lxc = { path: lxcpath };
  cfg.container = { shutdown_timeout_seconds: 2 };
  config = `${pool.dir}/lxc-config.json`;
  writeFileSync(config, JSON.stringify(cfg));
});
after(() => {
  for (const n of names) destroyLxc(lxcpath, n);
  pool?.destroy();
});

const mountpoint = (ds: string) => sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', ds]).trim();
const readData = (ds: string) => readFileSync(`${mountpoint(ds)}/rootfs/data.txt`, 'utf8');
/** The journal files of this container's operations (another test's kept journal must not count). */
const journalFiles = (name: string) =>
  readdirSync(`${pool.dir}/journal`)
    .filter((f) => f.endsWith('.json'))
    .filter((f) => (JSON.parse(readFileSync(`${pool.dir}/journal/${f}`, 'utf8')) as { container: string }).container === name);
/** The container's lxcri-* datasets (restore clones, branches): named after its dataset's leaf. */
const reserved = (name: string) => pool.datasets().filter((d) => new RegExp(`/lxcri-(br|restore)-${name}-\\d+(-\\d+)?$`).test(d));
const snapshotsOf = (ds: string) => pool.snapshots().filter((s) => s.startsWith(`${ds}@`));

/** A running busybox container on its own dataset, with data.txt = 'cp' in a checkpoint and 'live' now. */
function setup(name: string): { dataset: string; cp: string } {
  names.push(name);
  const dataset = `${pool.pool}/lxc/${name}`;
  const rootfs = createLxcContainer(lxcpath, name, dataset, true);
  assert.equal(lxcState(lxcpath, name), 'RUNNING');
  writeFileSync(`${rootfs}/data.txt`, 'cp');
  const r = runCli(['checkpoint', name, '--json', '--config', config]);
  assert.equal(r.status, 0, r.stderr);
  const cp = JSON.parse(r.stdout).checkpoints[0].name as string;
  writeFileSync(`${rootfs}/data.txt`, 'live');
  return { dataset, cp };
}

function killedRestore(name: string, cp: string, failpoint: string): void {
  const r = runCli(['restore', name, '--snapshot', cp, '--config', config], { LXCRI_FAILPOINT: failpoint });
  assert.equal(r.signal, 'SIGKILL', `the failpoint ${failpoint} killed the restore (status ${r.status}: ${r.stderr})`);
}

/** The next start warns, naming the operation and the container; returns the journal id. */
function warnedId(name: string): string {
  const listed = runCli(['list', '--config', config]);
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stderr, new RegExp(`^warning: interrupted branch-restore of ${name} \\(\\d+ of \\d+ steps done\\)`, 'm'));
  const r = runCli(['recover', '--json', '--config', config]);
  assert.equal(r.status, 0, r.stderr);
  const list = (JSON.parse(r.stdout).interrupted as Array<{ id: string; operation: string; container: string }>).filter((e) => e.container === name);
  assert.equal(list.length, 1, JSON.stringify(list));
  assert.equal(list[0]!.operation, 'branch-restore');
  assert.deepEqual(journalFiles(name), [`${list[0]!.id}.json`], 'the journal file is on disk');
  return list[0]!.id;
}

function recover(name: string, id: string, mode: 'finish' | 'undo'): void {
  const r = runCli(['recover', id, `--${mode}`, '--yes', '--config', config]);
  assert.equal(r.status, 0, `recover --${mode}: ${r.stdout}\n${r.stderr}`);
  assert.deepEqual(journalFiles(name), [], 'the journal is removed once recovered');
  const again = runCli(['list', '--config', config]);
  assert.doesNotMatch(again.stderr, new RegExp(`interrupted branch-restore of ${name} `), 'no more warning');
}

function assertUndone(name: string, dataset: string, cp: string): void {
  assert.equal(lxcState(lxcpath, name), 'RUNNING', 'undo starts the container again');
  assert.equal(readData(dataset), 'live', 'the live data is unchanged');
  assert.deepEqual(reserved(name), [], 'no lxcri-* dataset left');
  assert.deepEqual(snapshotsOf(dataset), [`${dataset}@${cp}`], 'no safety snapshot left');
  assert.equal(sh('zfs', ['get', '-H', '-o', 'value', 'origin', dataset]).trim(), '-', 'the dataset is not a clone');
}

test('killed right after the shutdown step: STOPPED, warned, and recover --undo starts it again with the live data', () => {
  const { dataset, cp } = setup('ua');
  killedRestore('ua', cp, 'branch-restore:0:after');
  assert.equal(lxcState(lxcpath, 'ua'), 'STOPPED', 'the kill came after the shutdown');
  assert.equal(readData(dataset), 'live');
  const id = warnedId('ua');
  recover('ua', id, 'undo');
  assertUndone('ua', dataset, cp);
});

test('killed right after the shutdown step, then recover --finish: restored to the checkpoint, former line kept, RUNNING', () => {
  const { dataset, cp } = setup('fa');
  killedRestore('fa', cp, 'branch-restore:0:after');
  assert.equal(lxcState(lxcpath, 'fa'), 'STOPPED');
  const id = warnedId('fa');
  recover('fa', id, 'finish');
  assert.equal(lxcState(lxcpath, 'fa'), 'RUNNING', 'finish ends with the start step');
  assert.equal(readData(dataset), 'cp', 'the checkpoint is restored');
  const branches = reserved('fa');
  assert.equal(branches.length, 1, `one branch, no restore clone: ${branches.join(', ')}`);
  assert.match(branches[0]!, new RegExp(`^${pool.pool}/lxc/lxcri-br-fa-\\d+$`));
  assert.equal(sh('zfs', ['get', '-H', '-o', 'value', 'lxcri:branch', branches[0]!]).trim().split('@')[0], 'fa');
  assert.equal(readData(branches[0]!), 'live', 'the former line keeps the live data');
  assert.ok(
    snapshotsOf(branches[0]!).some((s) => s.includes('@pre-restore-')),
    'the safety snapshot is on the branch',
  );
  assert.deepEqual(snapshotsOf(dataset), [`${dataset}@${cp}`], 'the promoted clone owns the checkpoint');
  assert.equal(sh('zfs', ['get', '-H', '-o', 'value', 'origin', branches[0]!]).trim(), `${dataset}@${cp}`, 'the branch is the clone after the promote');
});

test('killed before the shutdown step ran: still RUNNING, warned; undo and finish both end RUNNING', () => {
  const { dataset, cp } = setup('ub');
  killedRestore('ub', cp, 'branch-restore:0:before');
  assert.equal(lxcState(lxcpath, 'ub'), 'RUNNING', 'nothing was stopped');
  recover('ub', warnedId('ub'), 'undo');
  assertUndone('ub', dataset, cp);

  killedRestore('ub', cp, 'branch-restore:0:before');
  assert.equal(lxcState(lxcpath, 'ub'), 'RUNNING');
  recover('ub', warnedId('ub'), 'finish');
  assert.equal(lxcState(lxcpath, 'ub'), 'RUNNING');
  assert.equal(readData(dataset), 'cp');
  const branches = reserved('ub');
  assert.equal(branches.length, 1, branches.join(', '));
  assert.equal(readData(branches[0]!), 'live');
});

test('killed after the last swap step, before the start: STOPPED; recover --finish only starts it', () => {
  const { dataset, cp } = setup('ul');
  // The journal's step list: shut down first, start last.
  killedRestore('ul', cp, 'branch-restore:0:after');
  const id = warnedId('ul');
  const entry = JSON.parse(readFileSync(`${pool.dir}/journal/${id}.json`, 'utf8')) as { steps: Array<{ title: string; status: string }> };
  assert.match(entry.steps[0]!.title, /^shut down ul /);
  // Killed between the step and its mark: the journal says it was in flight ("unsure").
  assert.equal(entry.steps[0]!.status, 'running');
  assert.equal(entry.steps.at(-1)!.title, 'start ul');
  const last = entry.steps.length - 1;
  recover('ul', id, 'undo');
  assert.equal(lxcState(lxcpath, 'ul'), 'RUNNING');

  killedRestore('ul', cp, `branch-restore:${last - 1}:after`);
  assert.equal(lxcState(lxcpath, 'ul'), 'STOPPED', 'the swap is done, the start is not');
  assert.equal(readData(dataset), 'cp');
  recover('ul', warnedId('ul'), 'finish');
  assert.equal(lxcState(lxcpath, 'ul'), 'RUNNING');
  assert.equal(readData(dataset), 'cp');
});

test('journal write failing while restoring a running container: one error line, the restore undone, RUNNING again; failing only after the last step, the restore stands', () => {
  const { dataset, cp } = setup('jw');
  // Writes: 1 = the plan, 2k+2 = step k running, 2k+3 = step k done; 12 steps, the last (11) is the start.
  for (const n of [3, 24]) {
    const tag = `journal-write:${n}`;
    const r = runCli(['restore', 'jw', '--snapshot', cp, '--config', config], { LXCRI_FAILPOINT: tag });
    assert.equal(r.signal, null, tag);
    assert.notEqual(r.status, 0, `${tag}: exits non-zero (${r.stdout})`);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    assert.equal(errors.length, 1, `${tag}: ${r.stderr}`);
    assert.match(errors[0]!, /could not write the journal .*\(EROFS\)/, tag);
    assert.equal(lxcState(lxcpath, 'jw'), 'RUNNING', `${tag}: running again`);
    assert.equal(readData(dataset), 'live', `${tag}: the live data is back`);
    assertUndone('jw', dataset, cp);
    assert.deepEqual(journalFiles('jw'), [], `${tag}: no journal left`);
  }
  // Write 25 is the last step's "done": every step ran, so the restore stands and nothing is left to recover.
  const done = runCli(['restore', 'jw', '--snapshot', cp, '--config', config], { LXCRI_FAILPOINT: 'journal-write:25' });
  assert.equal(done.status, 0, done.stderr);
  assert.equal(lxcState(lxcpath, 'jw'), 'RUNNING');
  assert.equal(readData(dataset), 'cp');
  assert.deepEqual(journalFiles('jw'), []);
});

test('killed right after the start step (before its mark), then recover --undo: the restore is undone and the container RUNNING with the live data', () => {
  const { dataset, cp } = setup('uz');
  killedRestore('uz', cp, 'branch-restore:0:after');
  const id = warnedId('uz');
  const last = (JSON.parse(readFileSync(`${pool.dir}/journal/${id}.json`, 'utf8')) as { steps: unknown[] }).steps.length - 1;
  recover('uz', id, 'undo');
  killedRestore('uz', cp, `branch-restore:${last}:after`);
  assert.equal(lxcState(lxcpath, 'uz'), 'RUNNING', 'the start ran');
  assert.equal(readData(dataset), 'cp');
  recover('uz', warnedId('uz'), 'undo');
  assertUndone('uz', dataset, cp);
});

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalFs } from '../../src/core/nodes/local-fs.js';
import { acquireLocks, ContainerLockedError } from '../../src/core/state/locks.js';
import { Journal } from '../../src/core/state/journal.js';

const acquireLock = async (dir: string, dataset: string, operation: string) =>
  (await acquireLocks(new LocalFs(), dir, [dataset], { container: dataset, operation }))[0]!;
import { NOW_S, expectOpenzfsListing, fakeCore } from '../support/fake-core.js';
import { RecordBuilder } from '../support/records.js';

const HOLDER = `
import { acquireLocks } from './src/core/state/locks.ts';
import { LocalFs } from './src/core/nodes/local-fs.ts';
const [lock] = await acquireLocks(new LocalFs(), process.argv[1], [process.argv[2]], { container: process.argv[2], operation: 'restore' });
console.log('locked');
setTimeout(() => lock.release(), 60000);
`;

function holdInAnotherProcess(dir: string, id: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', HOLDER, dir, id], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise<typeof child>((resolve) => child.stdout.once('data', () => resolve(child)));
}

test('a lock held by another process refuses at once, naming the operation, pid and time; a dead holder is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-locks-'));
  const child = await holdInAnotherProcess(dir, '101');
  const started = Date.now();
  await assert.rejects(
    acquireLock(dir, '101', 'checkpoint'),
    (e: unknown) => e instanceof ContainerLockedError && new RegExp(`^container 101 is locked by restore \\(pid ${child.pid}, since \\d{4}-`).test(e.message),
  );
  assert.ok(Date.now() - started < 1000, 'fails at once');
  const other = await acquireLock(dir, '102', 'checkpoint');
  await other.release();
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const lock = await acquireLock(dir, '101', 'checkpoint');
  assert.equal(lock.tookOverStale?.pid, child.pid);
  assert.equal(lock.tookOverStale?.operation, 'restore');
  await lock.release();
});

/**
 * Runs `n` racer scripts side by side; each prints its wins as one JSON line and stays alive, holding what it won,
 * until every racer has reported (its stdin is closed then): a holder that exited while a slower racer (a loaded
 * machine) was still on that round would leave a dead holder's lock, which is rightly taken over as stale.
 */
async function race(script: string, dir: string, n: number): Promise<number[][]> {
  const racer = `${script}
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;
  const procs = Array.from({ length: n }, () =>
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', racer, dir], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const exited = procs.map((p) => new Promise((resolve) => p.once('exit', resolve)));
  try {
    return await Promise.all(
      procs.map(
        (p) =>
          new Promise<number[]>((resolve, reject) => {
            let s = '';
            p.stdout.on('data', (d) => {
              s += d;
              if (s.includes('\n')) resolve(JSON.parse(s));
            });
            p.once('exit', (code) => reject(new Error(`a racer exited (${code}) before reporting`)));
          }),
      ),
    );
  } finally {
    for (const p of procs) p.stdin.end();
    await Promise.all(exited);
  }
}

test('two processes racing for one lock: exactly one wins each round', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-race-'));
  const racer = `
import { acquireLocks } from './src/core/state/locks.ts';
import { LocalFs } from './src/core/nodes/local-fs.ts';
const wins = [];
for (let round = 0; round < 30; round++) {
  while (Date.now() % 50 !== 0) {}
  try { await acquireLocks(new LocalFs(), process.argv[1], ['r' + round], { container: 'r' + round, operation: 'checkpoint' }); wins.push(round); } catch {}
}
console.log(JSON.stringify(wins));
`;
  const [wa, wb] = (await race(racer, dir, 2)) as [number[], number[]];
  for (let round = 0; round < 30; round++) {
    assert.equal(Number(wa.includes(round)) + Number(wb.includes(round)), 1, `round ${round}: exactly one holder`);
  }
});

/** A pid that no process holds: a child that has exited. */
function deadPid(): number {
  return spawnSync('true').pid!;
}

test('four processes on one stale lock: exactly one takes it over, every round', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-stale-'));
  mkdirSync(join(dir, 'locks'));
  const rounds = 8;
  for (let round = 0; round < rounds; round++) {
    const dataset = `tank/ct/s${round}`;
    writeFileSync(
      join(dir, 'locks', `${encodeURIComponent(dataset)}.lock`),
      JSON.stringify({
        dataset,
        container: `s${round}`,
        operation: 'restore',
        pid: deadPid(),
        host: (await import('node:os')).hostname(),
        since: Date.now() - 1000,
      }),
    );
  }
  const racer = `
import { acquireLocks } from './src/core/state/locks.ts';
import { LocalFs } from './src/core/nodes/local-fs.ts';
const wins = [];
for (let round = 0; round < ${rounds}; round++) {
  while (Date.now() % 100 !== 0) {}
  try { await acquireLocks(new LocalFs(), process.argv[1], ['tank/ct/s' + round], { container: 's' + round, operation: 'checkpoint' }); wins.push(round); } catch {}
}
console.log(JSON.stringify(wins));
`;
  const outs = await race(racer, dir, 4);
  for (let round = 0; round < rounds; round++) {
    assert.equal(outs.filter((w) => w.includes(round)).length, 1, `round ${round}: exactly one process took the stale lock over`);
  }
  assert.deepEqual(
    readdirSync(join(dir, 'locks')).filter((n) => n.includes('.takeover-') || n.includes('.new-')),
    [],
    'no claim or temp file left',
  );
});

test('an empty lock file (a kill between create and write, older versions) and a reused pid do not block for good', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-empty-'));
  mkdirSync(join(dir, 'locks'));
  writeFileSync(join(dir, 'locks', `${encodeURIComponent('tank/ct/e')}.lock`), '');
  const empty = await acquireLock(dir, 'tank/ct/e', 'checkpoint');
  await empty.release();
  // pid 1 is alive, but not the process that wrote this lock: its start time differs.
  writeFileSync(
    join(dir, 'locks', `${encodeURIComponent('tank/ct/r')}.lock`),
    JSON.stringify({
      dataset: 'tank/ct/r',
      container: 'r',
      operation: 'restore',
      pid: 1,
      pidStart: '1',
      host: (await import('node:os')).hostname(),
      since: 1,
    }),
  );
  const reused = await acquireLock(dir, 'tank/ct/r', 'checkpoint');
  assert.equal(reused.tookOverStale?.pid, 1);
  await reused.release();
  // The journal of an operation whose pid now belongs to another process is interrupted, not running.
  const journal = new Journal(join(dir, 'journal'), new LocalFs());
  mkdirSync(journal.dir);
  writeFileSync(
    join(journal.dir, 'x.json'),
    JSON.stringify({
      id: 'x',
      operation: 'prune',
      container: 'r',
      pid: 1,
      pidStart: '1',
      host: (await import('node:os')).hostname(),
      startedAt: 1,
      input: {},
      steps: [],
    }),
  );
  assert.deepEqual(
    (await journal.interrupted()).map((e) => e.id),
    ['x'],
  );
});

test('every operation appends one events.log line: user, SSH_CLIENT, operation, target, result, duration', async () => {
  const { runner, core } = fakeCore();
  process.env.SSH_CLIENT = '10.0.0.9 52100 22';
  runner.expect(['zfs', 'version'], { stdout: 'zfs-2.2.6-pve1\n' });
  runner.expect(['zfs', 'snapshot', '-o', 'lxcri:kind=checkpoint', '-o', 'lxcri:created-by=alice', '-o', 'lxcri:host=pve1', `t/c/web@checkpoint-${NOW_S}`]);
  await core.checkpoint(['web']);
  expectOpenzfsListing(runner, new RecordBuilder().fs('t/c').fs('t/c/web').records);
  await assert.rejects(core.delete('web', 'checkpoint-1', { confirmed: true }));
  delete process.env.SSH_CLIENT;
  const lines = readFileSync(join(core.ctx.config.state_dir, 'runtime', 'events.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  assert.deepEqual(
    [lines[0].user, lines[0].ssh_client, lines[0].operation, lines[0].target, lines[0].result],
    ['alice', '10.0.0.9 52100 22', 'checkpoint', 'web', 'ok'],
  );
  assert.equal(typeof lines[0].duration_ms, 'number');
  assert.deepEqual([lines[1].operation, lines[1].result], ['delete', 'failed']);
  assert.match(lines[1].error, /Snapshot does not exist/);
  assert.equal(spawnSync('true').status, 0);
});

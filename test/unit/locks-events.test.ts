import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireLock, ContainerLockedError } from '../../src/core/state/locks.js';
import { NOW_S, expectOpenzfsListing, fakeCore } from '../support/fake-core.js';
import { RecordBuilder } from '../support/records.js';

const HOLDER = `
import { acquireLock } from './src/core/state/locks.ts';
const lock = await acquireLock(process.argv[1], process.argv[2], 'restore');
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
  await assert.rejects(acquireLock(dir, '101', 'checkpoint'), (e: unknown) =>
    e instanceof ContainerLockedError && new RegExp(`^container 101 is locked by restore \\(pid ${child.pid}, since \\d{4}-`).test(e.message));
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

test('two processes racing for one lock: exactly one wins each round', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-race-'));
  const racer = `
import { acquireLock } from './src/core/state/locks.ts';
const wins = [];
for (let round = 0; round < 30; round++) {
  while (Date.now() % 50 !== 0) {}
  try { const l = await acquireLock(process.argv[1], 'r' + round, 'checkpoint'); wins.push(round); } catch {}
}
console.log(JSON.stringify(wins));
// Stay alive until the other racer is done too: a dead holder's lock is (rightly) taken over as stale.
setTimeout(() => {}, 2500);
`;
  const run = () => spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', racer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const a = run();
  const b = run();
  const out = (p: ReturnType<typeof run>) => new Promise<number[]>((resolve) => {
    let s = '';
    p.stdout.on('data', (d) => (s += d));
    p.on('exit', () => resolve(JSON.parse(s)));
  });
  return Promise.all([out(a), out(b)]).then(([wa, wb]) => {
    for (let round = 0; round < 30; round++) {
      assert.equal(Number(wa.includes(round)) + Number(wb.includes(round)), 1, `round ${round}: exactly one holder`);
    }
  });
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
  const lines = readFileSync(join(core.ctx.config.state_dir, 'runtime', 'events.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  assert.deepEqual([lines[0].user, lines[0].ssh_client, lines[0].operation, lines[0].target, lines[0].result], ['alice', '10.0.0.9 52100 22', 'checkpoint', 'web', 'ok']);
  assert.equal(typeof lines[0].duration_ms, 'number');
  assert.deepEqual([lines[1].operation, lines[1].result], ['delete', 'failed']);
  assert.match(lines[1].error, /Snapshot does not exist/);
  assert.equal(spawnSync('true').status, 0);
});

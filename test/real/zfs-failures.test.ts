import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { LxcriError } from '../../src/core/errors.js';
import { OperationFailedError } from '../../src/core/ops/steps.js';
import { ToolTimeoutError } from '../../src/core/runner/errors.js';
import { sh, createTestPool, type TestPool } from '../support/real-pool.js';

let pool: TestPool;
before(() => {
  pool = createTestPool('fail', '64M');
});
after(() => pool?.destroy());

function daemonPid(): number {
  return Number(execFileSync('pgrep', ['-x', 'zfs-fuse'], { encoding: 'utf8' }).trim().split('\n')[0]);
}

/** Writes into the dataset until ZFS says there is no space left. */
function fillUp(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1 << 20, 7);
  try {
    for (let i = 0; i < 1000; i++) writeSync(fd, chunk);
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    try { closeSync(fd); } catch { /* a full pool may fail the close too */ }
  }
}

test('a full pool: checkpoint and restore fail with a clear out-of-space error and change nothing', async () => {
  pool.container('full', 'f1');
  const { core } = pool.core();
  const cp1 = (await core.checkpoint(['full'])).checkpoints[0]!.name;
  pool.write('full', 'f2');
  const mount = sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', `${pool.base}/full`]).trim();
  fillUp(`${mount}/filler`);
  after(() => rmSync(`${mount}/filler`, { force: true }));
  const snaps = pool.snapshots();
  const datasets = pool.datasets();

  await assert.rejects(core.checkpoint(['full']), (e: unknown) =>
    e instanceof LxcriError && e.code === 'out-of-space' && /^Out of space: cannot create snapshot/.test(e.message) && /prune/.test(e.hint));
  await assert.rejects(core.restore('full', { snapshot: cp1 }), (e: unknown) => {
    assert.ok(e instanceof OperationFailedError, String(e));
    assert.match(e.message, /failed at "snapshot .*@pre-restore-\d+": Out of space/);
    assert.deepEqual(e.steps.map((s) => s.status), ['failed']);
    return true;
  });
  assert.deepEqual(pool.snapshots(), snaps, 'no snapshot was added or lost');
  assert.deepEqual(pool.datasets(), datasets, 'no dataset was added or lost');
  assert.equal(pool.read('full'), 'f2', 'the live data is untouched and still mounted');
});

test('the zfs-fuse daemon stopped mid-run: a clear timeout error within the configured timeout, nothing changed', async () => {
  pool.container('stopped', 's1');
  const { core } = pool.core({ config: (c) => { c.runner.timeout_seconds = 1; } });
  await core.checkpoint(['stopped']);
  const snaps = pool.snapshots();
  const pid = daemonPid();
  process.kill(pid, 'SIGSTOP');
  const started = Date.now();
  try {
    await assert.rejects(core.checkpoint(['stopped']), (e: unknown) =>
      e instanceof ToolTimeoutError && /timed out after 1\.0 s/.test(e.message) && /ZFS is not answering/.test(e.hint));
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 5000, `gave up after ${elapsed} ms`);
  assert.deepEqual(pool.snapshots(), snaps);
});

test('the zfs-fuse daemon not running: "ZFS not available" and what to do; it comes back with the pool intact', async () => {
  pool.container('gone', 'g1');
  const { core } = pool.core();
  await core.checkpoint(['gone']);
  const snaps = pool.snapshots();
  // zfs-fuse unmounts everything on SIGTERM and cannot exit while a running container holds a mount.
  const running = execFileSync('lxc-ls', ['--running'], { encoding: 'utf8' }).trim();
  assert.equal(running, '', `stop these LXC containers first, the daemon cannot exit under them: ${running}`);
  process.kill(daemonPid(), 'SIGTERM');
  for (let i = 0; i < 300 && spawnSync('pgrep', ['-x', 'zfs-fuse']).status === 0; i++) execFileSync('sleep', ['0.1']);
  assert.notEqual(spawnSync('pgrep', ['-x', 'zfs-fuse']).status, 0, 'zfs-fuse did not exit within 30 s of SIGTERM');
  try {
    await assert.rejects(core.refresh(), (e: unknown) =>
      e instanceof LxcriError && e.code === 'zfs-unavailable' && e.message.startsWith('ZFS not available') && /zfs-fuse/.test(e.hint));
  } finally {
    const setup = spawnSync('bash', ['scripts/setup-host.sh'], { encoding: 'utf8' });
    assert.equal(setup.status, 0, setup.stderr);
    spawnSync('zfs', ['mount', '-a']);
  }
  assert.deepEqual(pool.snapshots(), snaps);
  assert.equal(pool.read('gone'), 'g1');
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { createLxcContainer, destroyLxc, lxcState } from '../support/lxc.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';
import { TmuxSession } from '../support/tmux.js';
import { runCli } from '../support/cli-process.js';

let pool: TestPool;
let config: string;
let lxcpath: string;

before(() => {
  execFileSync('npm', ['run', 'build'], { stdio: 'pipe' });
  pool = createTestPool('tui', '512M');
  lxcpath = `${pool.dir}/lxc`;
  const cfg = JSON.parse(readFileSync(pool.configFile, 'utf8'));
  cfg.lxc = { path: lxcpath };
  cfg.container = { shutdown_timeout_seconds: 2 };
  cfg.ui = { refresh_seconds: 1, theme: 'dark' };
  config = `${pool.dir}/tui.json`;
  writeFileSync(config, JSON.stringify(cfg));
});
after(() => {
  destroyLxc(lxcpath, 'app');
  pool?.destroy();
});

test('the built console on real zfs-fuse and a real LXC container: checkpoint, branch restore, prune, another process', async () => {
  const rootfs = createLxcContainer(lxcpath, 'app', `${pool.pool}/lxc/app`, true);
  writeFileSync(`${rootfs}/data.txt`, 'v1');
  assert.equal(runCli(['checkpoint', 'app', '--label', 'v1', '--config', config]).status, 0);
  writeFileSync(`${rootfs}/data.txt`, 'v2');
  const t = TmuxSession.start('lxcri-e2e-real', `node dist/bundle/bin.js --config ${config}`, 110, 30);
  try {
    await t.waitFor(/Checkpoints of app[\s\S]*◉ +NOW .*<- you are here[\s\S]*"v1"/);
    await t.waitFor(/zfs-fuse pool v23/);
    t.keys('c');
    await t.waitFor(/Checkpoint of app/);
    t.text('from the console');
    t.keys('Enter');
    await t.waitFor(/"from the console"/);

    // Branch-restore the first checkpoint (newest first: two rows below NOW): the running container is stopped,
    // restored and started again.
    t.keys('Tab', 'j', 'j');
    await t.waitFor(/label\s+v1/);
    t.keys('r');
    await t.waitFor(/\[\*\] branch restore/);
    t.keys('Enter');
    await t.waitFor(/restore of app: done/, 60_000);
    await t.waitFor(/\(2 lines\)/);
    assert.equal(readFileSync(`${rootfs}/data.txt`, 'utf8'), 'v1');
    assert.equal(lxcState(lxcpath, 'app'), 'RUNNING');

    // Another process (the CLI) checkpoints: the console shows its event and the new checkpoint.
    assert.equal(runCli(['checkpoint', 'app', '--label', 'from-the-cli', '--config', config]).status, 0);
    await t.waitFor(/checkpoint app ok/, 5000);
    await t.waitFor(/"from-the-cli"/, 5000);

    t.keys('p');
    await t.waitFor(/Prune plan/);
    t.keys('Escape');
    await t.waitFor(/Containers \(1\)/);
    t.keys('q');
    await t.waitFor(/EXITED 0/);
  } finally {
    t.kill();
  }
  assert.ok(sh('zfs', ['list', '-H', '-o', 'name', '-t', 'snapshot', '-r', pool.pool]).includes('@pre-restore-'));
});

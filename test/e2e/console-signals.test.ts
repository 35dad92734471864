import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli-process.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';
import { TmuxSession } from '../support/tmux.js';

const BIN = 'node dist/bundle/bin.js';

/** 1 while the pane shows the alternate screen (the console), 0 once the shell's screen is back. */
const alternateOn = (t: TmuxSession) => execFileSync('tmux', ['display-message', '-p', '-t', t.name, '#{alternate_on}'], { encoding: 'utf8' }).trim();
const consolePid = (t: TmuxSession) =>
  Number(
    execFileSync('pgrep', ['-P', String(t.pid()), '-f', 'bin.js'], { encoding: 'utf8' })
      .trim()
      .split('\n')[0],
  );

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let pool: TestPool;
before(() => {
  execFileSync('npm', ['run', 'build'], { stdio: 'pipe' });
  pool = createTestPool('sig');
});
after(() => pool?.destroy());

test('kill -INT: the console leaves the alternate screen and ends', async () => {
  const t = TmuxSession.start('lxcri-e2e-sigint', `${BIN} --demo`, 100, 30);
  try {
    await t.waitFor(/Containers \(8\)/);
    assert.equal(alternateOn(t), '1');
    process.kill(consolePid(t), 'SIGINT');
    await t.waitFor(/EXITED 130/);
    assert.equal(alternateOn(t), '0');
    assert.doesNotMatch(t.screen(), /Containers \(8\)/);
  } finally {
    t.kill();
  }
});

/** A zfs that takes 2 s to rename, marking when it starts, so a signal lands in the middle of a restore. */
function slowZfs(dir: string) {
  const bin = `${dir}/bin`;
  mkdirSync(bin, { recursive: true });
  const real = execFileSync('sh', ['-c', 'command -v zfs'], { encoding: 'utf8' }).trim();
  writeFileSync(`${bin}/zfs`, `#!/bin/sh\nif [ "$1" = rename ]; then touch '${dir}/renaming'; sleep 2; fi\nexec ${real} "$@"\n`);
  chmodSync(`${bin}/zfs`, 0o755);
  return { PATH: `${bin}:${process.env.PATH}`, renaming: () => existsSync(`${dir}/renaming`) };
}

/**
 * The console on the pool with a slow zfs and a branch restore of the `nth` container's first checkpoint started
 * from the keys (containers are listed by id; each test adds one).
 */
async function restoreInConsole(id: string, nth: number, session: string) {
  pool.container(id);
  assert.equal(runCli(['checkpoint', id, '--label', 'first', '--config', pool.configFile]).status, 0);
  const zfs = slowZfs(`${pool.dir}/${session}`);
  const cfg = JSON.parse(readFileSync(pool.configFile, 'utf8'));
  cfg.ui = { refresh_seconds: 60, theme: 'dark' };
  writeFileSync(`${pool.dir}/tui.json`, JSON.stringify(cfg));
  const t = TmuxSession.start(session, `${BIN} --config ${pool.dir}/tui.json`, 110, 30, { PATH: zfs.PATH });
  try {
    await t.waitFor(new RegExp(`Containers \\(${nth + 1}\\)[\\s\\S]*<- you are here`));
    for (let i = 0; i < nth; i++) t.keys('j');
    await t.waitFor(new RegExp(`Checkpoints of ${id}[\\s\\S]*<- you are here[\\s\\S]*"first"`));
    t.keys('Tab', 'j');
    await t.waitFor(/label\s+first/);
    t.keys('r');
    await t.waitFor(/\[\*\] branch restore/);
    t.keys('Enter');
    await until('the restore reaches its first rename', zfs.renaming);
    return t;
  } catch (error) {
    t.kill();
    throw error;
  }
}

test('a signal during a branch restore: the terminal is restored at once, the restore finishes, then the console ends', async () => {
  const t = await restoreInConsole('ct', 0, 'lxcri-e2e-sigint-busy');
  try {
    process.kill(consolePid(t), 'SIGINT');
    await until('the alternate screen is left while the restore still runs', () => alternateOn(t) === '0', 1500);
    assert.match(await t.waitFor(/waiting for the running operation to finish/, 1500), /restore ct/);
    assert.doesNotMatch(t.screen(), /EXITED/, 'still running: it waits for the restore');
    await t.waitFor(/EXITED 130/, 30_000);
  } finally {
    t.kill();
  }
  // Nothing half-done: no interrupted operation, and the former line lives on as a branch.
  const recover = runCli(['recover', '--json', '--config', pool.configFile]);
  assert.deepEqual(JSON.parse(recover.stdout), { interrupted: [] });
  assert.ok(sh('zfs', ['list', '-H', '-o', 'name', '-r', pool.base]).includes(`${pool.base}/lxcri-br-ct-`));
});

test('a second signal (Ctrl-C) while it waits exits at once; the restore left half-done is listed and recover finishes it', async () => {
  const t = await restoreInConsole('cu', 1, 'lxcri-e2e-sigint-force');
  try {
    process.kill(consolePid(t), 'SIGINT');
    await t.waitFor(/waiting for the running operation to finish/, 1500);
    t.keys('C-c');
    await t.waitFor(/EXITED 130/, 1500);
  } finally {
    t.kill();
  }
  const listed = JSON.parse(runCli(['recover', '--json', '--config', pool.configFile]).stdout) as {
    interrupted: Array<{ id: string; operation: string; container: string }>;
  };
  assert.deepEqual(
    listed.interrupted.map((e) => [e.operation, e.container]),
    [['branch-restore', 'cu']],
  );
  assert.equal(runCli(['recover', listed.interrupted[0]!.id, '--finish', '--yes', '--config', pool.configFile]).status, 0);
  assert.ok(sh('zfs', ['list', '-H', '-o', 'name', '-r', pool.base]).includes(`${pool.base}/lxcri-br-cu-`));
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { TmuxSession } from '../support/tmux.js';

const BIN = 'node dist/bundle/bin.js';

before(() => {
  execFileSync('npm', ['run', 'build'], { stdio: 'pipe' });
});

test("the built console on the demo host: checkpoint, undo dialog, tree search, branch restore, prune, another console's event, quit restores the terminal", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-e2e-demo-'));
  // 200x50: the wide screenshots (scripts/screenshots.sh) come from this run.
  const t = TmuxSession.start('lxcri-e2e-demo', `${BIN} --demo`, 200, 50, { LXCRI_DEMO_DIR: dir });
  try {
    // The first screen once everything is in: the tree of the selected container and the events of the seeded weeks.
    await t.shot('main-wide', /Containers \(8\)[\s\S]*◉ +NOW .*<- you are here[\s\S]*root checkpoint \d+ ok/);
    t.keys('c');
    await t.shot('checkpoint-dialog', /Checkpoint of 100 web/);
    t.text('e2e label');
    t.keys('Enter');
    await t.waitFor(/"e2e label"/);
    await t.waitFor(/checkpoint of 100: done/);
    // The command log right after: the checkpoint's zfs snapshot, its exit code and time.
    t.keys('@');
    await t.shot('command-log', /^│ .* \* (?=.*\bexit 0\b)(?=.*zfs snapshot .*subvol-100-disk-0@checkpoint-\d+).*$/m);
    t.keys('Escape');
    await t.waitFor(/Containers \(8\)/);

    // 101 db was restored in the seeded history: u offers to undo that restore.
    t.keys('j');
    await t.waitFor(/Checkpoints of 101 db \(3 lines\)/);
    t.keys('u');
    await t.shot('undo-dialog', /Undo the last restore of 101[\s\S]*Esc cancel/);
    t.keys('Escape');
    await t.waitFor(/Containers \(8\)/);

    // The tree, searched: / in the tree pane finds the hotfix branch's checkpoint by its label.
    t.keys('Tab', '/');
    t.text('hotfix');
    await t.shot('tree-search', /search: hotfix\s+1 match[\s\S]*label\s+hotfix branch/);
    t.keys('Enter');
    await t.waitFor(/label\s+hotfix branch/);
    t.keys('r');
    await t.shot('restore-dialog', /\[\*\] branch restore/);
    t.keys('Enter');
    await t.waitFor(/Checkpoints of 101 db \(4 lines\)/);
    await t.waitFor(/restore of 101: done/);

    t.keys('p');
    await t.shot('prune-plan', /Prune plan[\s\S]*\[x\] /);
    t.keys('y');
    await t.waitFor(/prune: done/);

    t.keys('P');
    await t.shot('pool-view', /Space: pools {3}sort: size[\s\S]*growth: /);
    // Into the pool, sorted by name, down to build (105): where its space is, sharing included.
    t.keys('Enter');
    await t.waitFor(/Space: pools › rpool {3}sort: size/);
    t.keys('s');
    await t.waitFor(/sort: name/);
    for (let i = 0; i < 8 && !/▸105 /.test(t.screen()); i++) {
      t.text('j');
      await new Promise((r) => setTimeout(r, 300));
    }
    await t.waitFor(/▸105 /);
    t.keys('Enter');
    await t.shot('space-breakdown', /Space: pools › rpool › 105 build[\s\S]*shared between checkpoints \(freed only when all holding it go\) +900M/);
    t.keys('Escape');
    await t.waitFor(/Containers \(8\)/);

    // Another console (here: another process) appends to the state directory's events.log; it shows up here.
    appendFileSync(
      join(dir, 'state', 'runtime', 'events.log'),
      JSON.stringify({
        ts: new Date().toISOString(),
        user: 'bob',
        host: 'pve2',
        ssh_client: '198.51.100.4 50000 22',
        operation: 'checkpoint',
        target: 'other-console',
        result: 'ok',
        duration_ms: 12,
        pid: 1,
      }) + '\n',
    );
    await t.waitFor(/bob@198\.51\.100\.4 checkpoint other-console ok/, 3000);

    t.keys('q');
    const after = await t.waitFor(/EXITED 0/);
    assert.doesNotMatch(after, /Containers \(8\)/, "the alternate screen is gone: the shell's screen is back");
  } finally {
    t.kill();
  }
});

test('80x24: the layout fits; SIGTERM (an SSH drop sends SIGHUP) leaves the terminal restored', async () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    const t = TmuxSession.start(`lxcri-e2e-${signal}`, `${BIN} --demo`, 80, 24);
    try {
      const screen =
        signal === 'SIGTERM'
          ? // An event line, its result cut at 80 columns when it carries a date (yesterday's, shortly after midnight).
            await t.shot('main-80x24', /Containers \(8\)[\s\S]*◉ +NOW .*<- you are here[\s\S]*\d\d:\d\d root checkpoint \d+ (ok|o…)/)
          : await t.waitFor(/Containers \(8\)/);
      const lines = screen.replace(/\n+$/, '').split('\n');
      assert.ok(lines.length <= 23 && lines.every((l) => [...l].length <= 80), 'fits 80x24 with a row to spare');
      if (signal === 'SIGTERM') {
        t.keys('?');
        await t.shot('help', /Keys — Esc, q or \? closes[\s\S]*↓ \d+ more/);
        t.keys('Escape');
        await t.waitFor(/Containers \(8\)/);
      }
      const node = Number(
        execFileSync('pgrep', ['-P', String(t.pid()), '-f', 'bin.js'], { encoding: 'utf8' })
          .trim()
          .split('\n')[0],
      );
      process.kill(node, signal);
      const after = await t.waitFor(/EXITED/);
      assert.doesNotMatch(after, /Containers \(8\)/);
      // The cursor is shown again and the main screen is back: typing reaches the shell.
      assert.match(after, /EXITED (130|143|129)/);
    } finally {
      t.kill();
    }
  }
});

test('a terminal that is too small gets a clear message instead of a broken layout', async () => {
  const t = TmuxSession.start('lxcri-e2e-small', `${BIN} --demo`, 60, 20);
  try {
    await t.waitFor(/terminal too small \(60x20\): needs 80x24; q quits/);
    t.keys('q');
    await t.waitFor(/EXITED 0/);
  } finally {
    t.kill();
  }
});

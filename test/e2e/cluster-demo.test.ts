import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { TmuxSession } from '../support/tmux.js';

const BIN = 'node dist/bundle/bin.js';

before(() => {
  execFileSync('npm', ['run', 'build'], { stdio: 'pipe' });
});

/** The rows of the containers pane: `<node>:<id>` in screen order. */
const rows = (screen: string) =>
  screen
    .split('\n')
    .map((l) => /^│[ ▸]?(\d{3}) +(pve\d) /.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[2]}:${m[1]}`);

for (const [cols, lines] of [
  [80, 24],
  [200, 50],
] as const) {
  test(`${cols}x${lines}, the demo cluster in a real terminal: every node, N one node at a time (keys sent together), a node taken away and back`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lxcri-e2e-cluster-'));
    const t = TmuxSession.start(`lxcri-e2e-cluster-${cols}`, `${BIN} --demo --demo-cluster`, cols, lines, { LXCRI_DEMO_DIR: dir });
    try {
      let screen = await t.shot(`cluster-${cols}x${lines}`, /Containers \(13\)/);
      assert.match(screen.split('\n')[0]!, /pve1:rpool .*pve2:rpool/, `the header has each node's pools:\n${screen}`);
      assert.ok(
        screen.split('\n').every((l) => [...l].length <= cols),
        `fits ${cols} columns:\n${screen}`,
      );
      // Two presses in one write: pve1 only, then pve2 only.
      t.text('NN');
      screen = await t.waitFor(/Containers \(3\)/);
      assert.deepEqual(rows(screen), ['pve2:200', 'pve2:201', 'pve2:202'], screen);
      writeFileSync(join(dir, 'down-pve3'), '');
      t.text('NR');
      screen = await t.waitFor(/pve3 is unreachable: ssh: connect to host[\s│]*10\.0\.0\.3/);
      assert.match(screen.split('\n')[0]!, /pve3 UNREACHABLE/, `the header says so:\n${screen}`);
      rmSync(join(dir, 'down-pve3'));
      // Back to every node; pve3 answers again at its next try (after its backoff, on the periodic refresh).
      t.text('NR');
      screen = await t.waitFor(/Containers \(13\)/, 20_000);
      assert.doesNotMatch(screen.split('\n')[0]!, /UNREACHABLE/, screen);
      t.keys('q');
      await t.waitFor(/EXITED 0/);
    } finally {
      t.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('80x24, the demo cluster in a real terminal: s replicates 100 to pve2 (its checkpoints then say @pve2), M moves 101 to pve3 (Tab picks the node, its id typed to confirm), O brings a checkpoint of it up on pve1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-e2e-cluster-moves-'));
  const t = TmuxSession.start('lxcri-e2e-cluster-moves', `${BIN} --demo --demo-cluster`, 80, 24, { LXCRI_DEMO_DIR: dir });
  try {
    await t.waitFor(/Containers \(13\)/);
    t.text('s');
    await t.shot('cluster-replicate-dialog', /Replicate 100 to pve2[\s\S]*y replicate/);
    t.text('y');
    // While it streams, the status line keeps the numbers within 80 columns: bytes of the estimate, rate, time left.
    let screen = await t.shot('cluster-replicate-progress', /replicate 100 to pve2: [\d.]+\w* of ~[\d.]+\w* \(\d+%\), [\d.]+\w*\/s/, 20_000);
    screen = await t.waitFor(/replication of 100 to pve2: done/, 20_000);
    const marked = screen.split('\n').filter((l) => /● +\d+[hd] .*@pve2/.test(l));
    assert.ok(marked.length >= 5, `its checkpoints say they are on pve2 too:\n${screen}`);
    // Two keys in one write: down to 101, then move.
    t.text('jM');
    await t.waitFor(/Move 101 to pve2[\s\S]*type 101 then Enter/);
    t.keys('Tab');
    await t.waitFor(/Move 101 to pve3/);
    t.text('101');
    t.keys('Enter');
    screen = await t.waitFor(/move of 101 to pve3: done/, 30_000);
    assert.ok(rows(screen).includes('pve3:101'), `101 is on pve3 now:\n${screen}`);
    assert.ok(!rows(screen).includes('pve1:101'), `and no longer on pve1:\n${screen}`);
    assert.ok(existsSync(join(dir, 'pve', 'nodes', 'pve3', 'lxc', '101.conf')), 'its config is in pve3 directory of /etc/pve');
    // The tree pane, its newest checkpoint ("moved to pve3"), and O with Esc-free keys sent together.
    t.keys('Tab');
    t.text('jO');
    screen = await t.shot('cluster-restore-on', /Bring checkpoint-\d+ of 101 up on pve1[\s\S]*y bring it up/);
    const id = /as a new\s*║\s*║\s+container (\d+)/.exec(screen)?.[1] ?? /container (\d+) \(101 on pve3/.exec(screen)?.[1];
    assert.ok(id, `the new id is in the plan:\n${screen}`);
    t.text('y');
    screen = await t.waitFor(new RegExp(`copy of 101 \\(checkpoint-\\d+\\) as ${id} on pve1: done`), 30_000);
    assert.ok(existsSync(join(dir, 'pve', 'nodes', 'pve1', 'lxc', `${id}.conf`)), `the copy ${id} has its config on pve1`);
    t.keys('q');
    await t.waitFor(/EXITED 0/);
  } finally {
    t.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

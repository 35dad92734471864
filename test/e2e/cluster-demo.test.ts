import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, test } from 'node:test';
import { shot } from '../support/screenshots.js';
import { TmuxSession } from '../support/tmux.js';

const DIST = resolve('dist/src');
const EXTRA = 40;

before(() => {
  execFileSync('npm', ['run', 'build'], { stdio: 'pipe' });
});

/**
 * A launcher for the built console over the demo host with EXTRA more containers (the demo has eight): the same
 * modules `lxcri-console --demo` runs (dist/), only the world is bigger.
 */
function manyContainersLauncher(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-e2e-pool-'));
  const mod = (p: string) => JSON.stringify(pathToFileURL(join(DIST, p)).href);
  const script = join(dir, 'many.mjs');
  writeFileSync(
    script,
    `import { createDemoHost } from ${mod('demo/demo-host.js')};
import { Core } from ${mod('core/core.js')};
import { createContext } from ${mod('core/context.js')};
import { runConsole } from ${mod('app/run.js')};
const GB = 1024 ** 3;
const host = await createDemoHost({ dir: ${JSON.stringify(join(dir, 'demo'))} });
for (let i = 0; i < ${EXTRA}; i++) {
  const vmid = String(200 + i);
  host.runner.containers.set(vmid, { vmid, name: 'worker-' + i, status: 'running', memory: 1024, rootfs: 'local-zfs:subvol-' + vmid + '-disk-0' });
  host.runner.zfs.create('rpool/data/subvol-' + vmid + '-disk-0', (1 + (i % 7)) * 0.3 * GB, { refquota: String(16 * GB) });
}
host.runner.zfs.poolSize = Math.floor(host.runner.zfs.allocated() / 0.795);
host.runner.writePveConfigs();
process.exit(await runConsole(new Core(createContext(host.config, host.runner)), { readOnly: false, ascii: false, host: 'pve-demo (simulated)' }));
`,
  );
  return `node ${script}`;
}

test(`80x24, space view over ${EXTRA + 8} containers: the path, the column header and the footer stay; every container is reachable; nothing is drawn over`, async () => {
  const t = TmuxSession.start('lxcri-e2e-pool', manyContainersLauncher(), 80, 24);
  try {
    await t.waitFor(new RegExp(`Containers \\(${EXTRA + 8}\\)`));
    t.keys('P');
    let screen = await t.waitFor(/Space: pools {3}sort: size[\s\S]*scan: scrub[\s\S]*growth: /);
    assert.match(screen, /^▸rpool\s+ONLINE\s.*\d+% .* free  (full in ~\d+ days|not growing|not enough history)/m, `the pool row:\n${screen}`);
    t.keys('Enter');
    screen = await t.waitFor(/Space: pools › rpool {3}sort: size[\s\S]*↓ \d+ more/);
    shot('pool-view-many-80x24', screen);
    const fit = (s: string) => {
      const lines = s.replace(/\n+$/, '').split('\n');
      assert.ok(lines.length <= 23 && lines.every((l) => [...l].length <= 80), `fits 80x24 with a row to spare:\n${s}`);
      assert.match(lines[0]!, /^lxcri-console {2}pve-demo/, `the header line is intact:\n${s}`);
      assert.match(lines[1]!, /^Space: pools › rpool {3}sort: size\s*$/, `the path line is intact:\n${s}`);
      assert.match(lines[2]!, /^ id\s+name\s+total\s+where it is\s+snapshots\s*$/, `the column header is intact:\n${s}`);
      assert.match(lines.at(-1)!, /j\/k move .*Enter\/→ in .*Esc\/q close/, `the footer is intact:\n${s}`);
      return lines.filter((l) => /^[ ▸]\d{3}\s+\S+\s+[\d.]+[BKMGT]\s/.test(l));
    };
    const rows = fit(screen);
    const hidden = Number(/↓ (\d+) more/.exec(screen)![1]);
    assert.equal(rows.length + hidden, EXTRA + 7, 'shown + hidden = every container on the pool');
    assert.match(rows[0]!, /^▸101\s+db\s/, 'biggest first');
    t.keys('G');
    screen = await t.waitFor(/↑ \d+ more[\s\S]*▸\d{3}\s/);
    const last = fit(screen);
    assert.doesNotMatch(screen, /↓ \d+ more/, `nothing hidden below the last row:\n${screen}`);
    assert.match(last.at(-1)!, /^▸/, 'the cursor on the last row');
    t.keys('Escape');
    await t.waitFor(new RegExp(`Containers \\(${EXTRA + 8}\\)`));
    t.keys('q');
    await t.waitFor(/EXITED 0/);
  } finally {
    t.kill();
  }
});

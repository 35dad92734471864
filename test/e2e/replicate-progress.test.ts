import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { clusterConfig, startCluster, type Cluster, type ClusterNode } from '../support/cluster.js';
import { TmuxSession } from '../support/tmux.js';

// The CLI's live progress line as an admin sees it in a real terminal (tmux): a replication relayed through this
// machine (so its bytes pass here) between two harness nodes, real zfs-fuse on both. Mid-stream, stderr shows one line
// rewritten in place with the bytes against the estimate, the rate and the time left; at the end the line is gone and
// the command's own output stands alone.

const BIN = 'node dist/bundle/bin.js';
let cluster: Cluster;
let config: string;

function on(n: ClusterNode, argv: string[]): string {
  const r = n.exec(argv, { timeoutMs: 120_000 });
  if (r.status !== 0) throw new Error(`${n.name}: ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const cli = (args: string[]) => execFileSync('node', ['dist/bundle/bin.js', '--config', config, ...args], { encoding: 'utf8', stdio: 'pipe' });

before(() => {
  execFileSync('npm', ['run', 'build'], { stdio: 'pipe' });
  cluster = startCluster(['pve1', 'pve2'], { size: '1G' });
  mkdirSync(`${cluster.dir}/node`, { recursive: true });
  config = `${cluster.dir}/config.json`;
  writeFileSync(config, JSON.stringify({ ...clusterConfig(cluster, cluster.dir), replication: { path: 'relay' } }));
});
after(() => cluster?.stop());

test('replicate in a terminal: one live line on stderr with bytes, rate and time left while it streams, gone at the end', async () => {
  const pve1 = cluster.node('pve1');
  on(pve1, ['zfs', 'create', 'rpool/data/510']);
  const mp = on(pve1, ['zfs', 'get', '-H', '-o', 'value', 'mountpoint', 'rpool/data/510']).trim();
  cli(['checkpoint', 'pve1:510', '--label', 'empty']);
  cli(['replicate', '510', '--to', 'pve2']);
  // An increment long enough to be seen streaming (zfs-fuse sends ~100 MB/s here).
  on(pve1, ['sh', '-c', 'head -c 384M /dev/urandom > "$1"/data', 'sh', mp]);
  cli(['checkpoint', 'pve1:510', '--label', 'big']);

  const t = TmuxSession.start('lxcri-e2e-progress', `${BIN} --config ${config} replicate 510 --to pve2`, 200, 30);
  try {
    const live = /replicate 510 to pve2: [\d.]+\w* of ~[\d.]+\w* \(\d+%\), [\d.]+\w*\/s(, ~\d+\w* left)? \(\d+s\) - send -I \S+ \S+ \(1 snapshot\(s\)\)/;
    const mid = await t.waitFor(live, 60_000);
    const lines = mid.split('\n').filter((l) => l.includes('replicate 510 to pve2'));
    assert.equal(lines.length, 1, `one line, rewritten in place:\n${mid}`);
    const end = await t.waitFor(/EXITED 0/, 120_000);
    assert.match(end, /^replicated 510 to pve2: 1 step\(s\), \S+ sent$/m, end);
    assert.doesNotMatch(end, /\(\d+%\)/, `the live line is gone:\n${end}`);
    assert.doesNotMatch(end, /\x1b|\\e\[/, 'no stray escapes on the screen');
  } finally {
    t.kill();
  }
  // Ground truth: pve2 has every snapshot, by guid.
  const snaps = (n: ClusterNode) => on(n, ['zfs', 'list', '-H', '-t', 'snapshot', '-o', 'name,guid', '-r', 'rpool/data/510']);
  assert.equal(snaps(cluster.node('pve2')), snaps(pve1));
  assert.equal(snaps(pve1).trim().split('\n').length, 2);
});

// Replication of an increment (issue 11) against the raw pipeline it stands for, on two harness nodes
// (test/support/cluster.ts), side by side in one run, each measured alternately on the same kind of data:
//   (a) the core: `replicate` of a container whose replica is one checkpoint behind (an increment of SIZE fresh
//       bytes), in this process (connectCluster + core.replicate): plan (both listings), stream, holds moved;
//   (b) raw: `ssh pve1 zfs send -I a b | ssh pve2 zfs recv -F ds` of an increment of the same size, by hand.
// Goal: (a) <= 1.2x (b).
import { mkdirSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { parseConfig } from '../src/core/config.js';
import { connectCluster } from '../src/core/nodes/connect.js';
import { replicationTarget } from '../src/core/nodes/transfer.js';
import { ExecaRunner } from '../src/core/runner/execa-runner.js';
import { clusterConfig, startCluster, type ClusterNode } from '../test/support/cluster.js';

const SIZE = '16M';
const ROUNDS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

function on(n: ClusterNode, argv: string[]): string {
  const r = n.exec(argv);
  if (r.status !== 0) throw new Error(`${n.name}: ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const fill = (n: ClusterNode, ds: string) => {
  const mp = on(n, ['zfs', 'get', '-H', '-o', 'value', 'mountpoint', ds]).trim();
  on(n, ['sh', '-c', `head -c ${SIZE} /dev/urandom > "$1"/data`, 'sh', mp]);
};

export async function replicateFigures(): Promise<string[][]> {
  const cluster = startCluster(['pve1', 'pve2'], { size: '512M' });
  const dir = `/var/tmp/lxcri-test/brep-${process.pid}`;
  const pve1 = cluster.node('pve1');
  try {
    mkdirSync(`${dir}/run`, { recursive: true, mode: 0o700 });
    const config = parseConfig(clusterConfig(cluster, dir));
    const c = await connectCluster(config, { runner: new ExecaRunner({ defaultTimeoutMs: 120_000 }), controlDir: `${dir}/run` });
    const source = c.node('pve1');
    const target = replicationTarget(c, source, c.node('pve2'));
    // (a) a container, replicated once in full; (b) a dataset sent by hand once in full.
    on(pve1, ['zfs', 'create', 'rpool/data/500']);
    on(pve1, ['zfs', 'create', 'rpool/data/raw']);
    on(pve1, ['zfs', 'snapshot', 'rpool/data/raw@r0']);
    await source.core.checkpoint(['500']);
    await source.core.replicate('500', target);
    const ssh = (node: string, cmd: string) => `ssh -F ${cluster.sshConfig} ${node} -- ${cmd}`;
    await execa('sh', ['-c', `${ssh('pve1', 'zfs send rpool/data/raw@r0')} | ${ssh('pve2', 'zfs recv -F rpool/data/raw')}`]);
    const core: number[] = [];
    const raw: number[] = [];
    for (let i = 1; i <= ROUNDS; i++) {
      fill(pve1, 'rpool/data/500');
      await source.core.checkpoint(['500']);
      let t = performance.now();
      await source.core.replicate('500', target);
      core.push(performance.now() - t);
      fill(pve1, 'rpool/data/raw');
      on(pve1, ['zfs', 'snapshot', `rpool/data/raw@r${i}`]);
      t = performance.now();
      await execa('sh', ['-c', `${ssh('pve1', `zfs send -I rpool/data/raw@r${i - 1} rpool/data/raw@r${i}`)} | ${ssh('pve2', 'zfs recv -F rpool/data/raw')}`]);
      raw.push(performance.now() - t);
    }
    const a = median(core);
    const b = median(raw);
    return [[`replicate an increment (${SIZE}): core / raw send | ssh recv`, `${ms(a)} / ${ms(b)}`, (a / b).toFixed(2) + 'x', '<= 1.2x']];
  } finally {
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `tsx bench/replicate.ts` prints its own rows (npm run bench prints them with the others).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await replicateFigures()) console.log(row.join('  '));
}

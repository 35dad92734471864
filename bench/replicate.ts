// Replication of an increment (issue 11) against the raw pipeline it stands for, on two harness nodes
// (test/support/cluster.ts), side by side in one run, each measured alternately on the same kind of data:
//   (a) the core: `replicate` of a container whose replica is one checkpoint behind (an increment of SIZE fresh
//       bytes), in this process (connectCluster + core.replicate): plan (both listings), stream, holds moved;
//   (b) raw: the pipeline itself, on the source as Proxmox's pvesr runs it (`zfs send -I a b | ssh pve2 zfs recv -F
//       ds`), started from here by `ssh pve1`, each ssh a connection of its own (as a one-off command makes), of an
//       increment of the same size;
//   (c) (context) raw relayed through here: `ssh pve1 zfs send -I a b | ssh pve2 zfs recv -F ds`, the stream
//       crossing this machine (what the core does when the nodes cannot reach each other).
// Two sizes, so the fixed cost (the round trips around the stream: lock, journal, listings, marks, holds) and the
// per-byte cost (the stream, the same in both) show apart; and the ssh invocations of (a), counted (b makes 2), with
// what one costs here (a command over the core's own shared connection to pve1).
// Goal: (a) <= 1.2x (b). The core keeps its connections (this console's to each node, the source's to the target)
// open between commands: what a kept connection saves is in (a), as it is in use; a context row measures it cold
// (a CLI run after they closed: a fresh runtime dir here, pve1's connection to pve2 told to exit).
import { mkdirSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { parseConfig } from '../src/core/config.js';
import { connectCluster } from '../src/core/nodes/connect.js';
import { peerControlDir } from '../src/core/nodes/direct-stream.js';
import { replicationTarget } from '../src/core/nodes/transfer.js';
import type { Runner } from '../src/core/runner/command.js';
import { cmd } from '../src/core/runner/command.js';
import { ExecaRunner } from '../src/core/runner/execa-runner.js';
import { clusterConfig, startCluster, type ClusterNode } from '../test/support/cluster.js';

/** Increment sizes and how many rounds of each (medians); the pool holds every round's data on both nodes. */
const SIZES: Array<[string, number]> = [
  ['16M', 5],
  ['128M', 3],
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

function on(n: ClusterNode, argv: string[]): string {
  const r = n.exec(argv);
  if (r.status !== 0) throw new Error(`${n.name}: ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const fill = (n: ClusterNode, ds: string, size: string) => {
  const mp = on(n, ['zfs', 'get', '-H', '-o', 'value', 'mountpoint', ds]).trim();
  on(n, ['sh', '-c', `head -c ${size} /dev/urandom > "$1"/data`, 'sh', mp]);
};

/** The local runner, counting the ssh processes it starts (each one a round trip to a node). */
function countingSsh(): { runner: Runner; count: () => number } {
  const inner = new ExecaRunner({ defaultTimeoutMs: 120_000 });
  let n = 0;
  const runner: Runner = {
    run: (c, o) => {
      if (c.tool === 'ssh') n++;
      return inner.run(c, o);
    },
    has: (tool) => inner.has(tool),
    pipe: (a, b, o) => {
      n += Number(a.tool === 'ssh') + Number(b.tool === 'ssh');
      return inner.pipe(a, b, o);
    },
  };
  return { runner, count: () => n };
}

export async function replicateFigures(): Promise<string[][]> {
  const cluster = startCluster(['pve1', 'pve2'], { size: '3G' });
  const dir = `/var/tmp/lxcri-test/brep-${process.pid}`;
  const pve1 = cluster.node('pve1');
  try {
    mkdirSync(`${dir}/run`, { recursive: true, mode: 0o700 });
    const config = parseConfig(clusterConfig(cluster, dir));
    const ssh = countingSsh();
    const c = await connectCluster(config, { runner: ssh.runner, controlDir: `${dir}/run` });
    const source = c.node('pve1');
    const target = replicationTarget(c, source, c.node('pve2'));
    // (a) a container, replicated once in full; (b) a dataset sent by hand once in full.
    on(pve1, ['zfs', 'create', 'rpool/data/500']);
    for (const ds of ['raw', 'relay']) {
      on(pve1, ['zfs', 'create', `rpool/data/${ds}`]);
      on(pve1, ['zfs', 'snapshot', `rpool/data/${ds}@r0`]);
    }
    await source.core.checkpoint(['500']);
    await source.core.replicate('500', target);
    const sh = (node: string, cmd: string) => `ssh -F ${cluster.sshConfig} ${node} -- ${cmd}`;
    // (b) on pve1: its own ssh to pve2, with the same config file (the harness's).
    const onSource = (send: string, ds: string) => sh('pve1', `'${send} | ssh -F ${cluster.sshConfig} pve2 -- zfs recv -F ${ds}'`);
    const relayed = (send: string, ds: string) => `${sh('pve1', send)} | ${sh('pve2', `zfs recv -F ${ds}`)}`;
    await execa('sh', ['-c', onSource('zfs send rpool/data/raw@r0', 'rpool/data/raw')]);
    await execa('sh', ['-c', relayed('zfs send rpool/data/relay@r0', 'rpool/data/relay')]);
    const rows: string[][] = [];
    let r = 0;
    for (const [size, rounds] of SIZES) {
      const core: number[] = [];
      const raw: number[] = [];
      const relay: number[] = [];
      const calls: number[] = [];
      const cold: number[] = [];
      for (let i = 1; i <= rounds; i++) {
        fill(pve1, 'rpool/data/500', size);
        await source.core.checkpoint(['500']);
        const before = ssh.count();
        let t = performance.now();
        await source.core.replicate('500', target);
        core.push(performance.now() - t);
        calls.push(ssh.count() - before);
        // Cold: the same replicate from a new process's state, with no connection kept anywhere.
        fill(pve1, 'rpool/data/500', size);
        await source.core.checkpoint(['500']);
        // Only this cluster's connection (the harness nodes share this machine's /run).
        on(pve1, ['sh', '-c', `ssh -F ${cluster.sshConfig} -o ControlPath=${peerControlDir('pve1')}/%C -O exit pve2 2>/dev/null; true`]);
        const fresh = `${dir}/run-cold-${size}-${i}`;
        mkdirSync(fresh, { mode: 0o700 });
        const again = await connectCluster(config, { runner: ssh.runner, controlDir: fresh });
        t = performance.now();
        await again.node('pve1').core.replicate('500', replicationTarget(again, again.node('pve1'), again.node('pve2')));
        cold.push(performance.now() - t);
        r++;
        for (const [ds, run, out] of [
          ['raw', onSource, raw],
          ['relay', relayed, relay],
        ] as const) {
          fill(pve1, `rpool/data/${ds}`, size);
          on(pve1, ['zfs', 'snapshot', `rpool/data/${ds}@r${r}`]);
          t = performance.now();
          await execa('sh', ['-c', run(`zfs send -I rpool/data/${ds}@r${r - 1} rpool/data/${ds}@r${r}`, `rpool/data/${ds}`)]);
          out.push(performance.now() - t);
        }
      }
      const a = median(core);
      const b = median(raw);
      rows.push([`replicate an increment (${size}): core / raw send | ssh recv on the source`, `${ms(a)} / ${ms(b)}`, (a / b).toFixed(2) + 'x', '<= 1.2x']);
      rows.push([`(context) ${size}: raw relayed through here (ssh send | ssh recv)`, ms(median(relay)), (a / median(relay)).toFixed(2) + 'x', '']);
      rows.push([`(context) ${size}: core - raw; ssh invocations from here core / raw`, `${ms(a - b)}; ${median(calls)} / 1`, '', '']);
      rows.push([`(context) ${size}: core with every connection cold / raw`, `${ms(median(cold))} / ${ms(b)}`, (median(cold) / b).toFixed(2) + 'x', '']);
    }
    const trips: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await c.node('pve1').ssh!.run(cmd('true', []));
      trips.push(performance.now() - t);
    }
    rows.push(['(context) one command on a node over the shared connection (ssh pve1 true)', ms(median(trips)), '', '']);
    return rows;
  } finally {
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `tsx bench/replicate.ts` prints its own rows (npm run bench prints them with the others).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await replicateFigures()) console.log(row.join('  '));
}

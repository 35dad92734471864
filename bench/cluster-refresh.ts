// The cluster's refresh cost (issue 10): three harness nodes (test/support/cluster.ts), each its own zfs-fuse and
// sshd, reached over ssh as the console reaches them. Side by side in one run:
//   (a) one warm ssh round trip to each node alone (`ssh ... pveN -- true` over the node's warm ControlMaster, the
//       argv the runner uses), median of several; the slowest node's median is the bar;
//   (b) a warm refresh of the whole cluster in this process (connectCluster + cluster.refresh(), after warm-up
//       refreshes so every read is learned): its wall time (median) and the ssh processes it spawned.
// Goal: 3 ssh invocations (one per node) and a wall time <= 1.3x the slowest node's single round trip.
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { parseConfig } from '../src/core/config.js';
import { connectCluster } from '../src/core/nodes/connect.js';
import { sshArgv, type SshTarget } from '../src/core/nodes/ssh-runner.js';
import type { Command } from '../src/core/runner/command.js';
import { ExecaRunner } from '../src/core/runner/execa-runner.js';
import { clusterConfig, startCluster } from '../test/support/cluster.js';

const NODES = ['pve1', 'pve2', 'pve3'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** The node an ssh argv goes to: the argument right after `--`. */
function destination(c: Command): string {
  const i = c.args.indexOf('--');
  return i >= 0 ? (c.args[i + 1] ?? '?') : '?';
}

export async function clusterRefreshFigures(): Promise<string[][]> {
  const cluster = startCluster(NODES, { size: '64M' });
  const dir = `/var/tmp/lxcri-test/bcr-${process.pid}`;
  try {
    mkdirSync(dir, { recursive: true });
    // A few containers on each node (the dataset convention: rpool/data/<id>), one with checkpoints.
    cluster.nodes.forEach((n, i) => {
      for (let j = 0; j < 3; j++) n.exec(['zfs', 'create', `rpool/data/${100 * (i + 1) + j}`]);
      for (let k = 0; k < 5; k++) n.exec(['zfs', 'snapshot', '-o', 'lxcri:kind=checkpoint', `rpool/data/${100 * (i + 1)}@checkpoint-${1_700_000_000 + k}`]);
    });
    const config = parseConfig(clusterConfig(cluster, dir));

    // Every process the cluster spawns goes through this runner: the ssh ones are counted per node.
    const spawned: Command[] = [];
    const runner = new ExecaRunner({ defaultTimeoutMs: config.runner.timeout_seconds * 1000, onSpawn: (c) => spawned.push(c) });
    const controlDir = `${dir}/run`;
    const c = await connectCluster(config, { runner, controlDir });

    // Warm-up: the first refresh learns each node's reads (and starts each node's ControlMaster), the second runs
    // them batched; from then on a refresh is one round trip per node.
    for (let i = 0; i < 2; i++) {
      const view = await c.refresh({ force: true });
      const down = view.nodes.filter((n) => !n.reachable);
      if (down.length) throw new Error(`cluster-refresh: ${down.map((n) => `${n.name}: ${n.error}`).join('; ')}`);
    }

    // The target connect.ts builds for a node: the same argv, so the same ControlPath and warm master.
    const targetOf = (node: string, destination: string): SshTarget => ({
      node,
      destination,
      sshConfig: cluster.sshConfig,
      connectTimeoutSeconds: config.ssh.connect_timeout_seconds,
      controlPersistSeconds: config.ssh.control_persist_seconds,
      controlDir,
    });
    const bare = c.nodes.map((n) => [n.spec.name, sshArgv(targetOf(n.spec.name, n.spec.ssh), 'true')] as const);
    const roundTrip = async (argv: readonly string[]) => {
      const t = performance.now();
      await execa('ssh', argv, { stdin: 'ignore' });
      return performance.now() - t;
    };

    // Interleaved, so each figure meets the same load on this machine: (a) one round trip to each node alone,
    // (context) the three at once, (b) a warm refresh of the whole cluster.
    const alone: Record<string, number[]> = Object.fromEntries(NODES.map((n) => [n, []]));
    const together: number[] = [];
    const walls: number[] = [];
    const invocations: number[] = [];
    const perNode: Array<Record<string, number>> = [];
    for (let i = 0; i < 9; i++) {
      for (const [name, argv] of bare) alone[name]!.push(await roundTrip(argv));
      // The harness's nodes share this machine's CPUs (a real cluster's do not): three round trips at once cost more
      // here than the slowest alone, whatever the console does.
      let t = performance.now();
      await Promise.all(bare.map(([, argv]) => roundTrip(argv)));
      together.push(performance.now() - t);
      spawned.length = 0;
      t = performance.now();
      await c.refresh({ force: true });
      walls.push(performance.now() - t);
      const ssh = spawned.filter((s) => s.tool === 'ssh');
      invocations.push(ssh.length);
      perNode.push(Object.fromEntries(NODES.map((n) => [n, ssh.filter((s) => destination(s) === n).length])));
    }
    const single: Record<string, number> = Object.fromEntries(NODES.map((n) => [n, median(alone[n]!)]));
    const slowest = Math.max(...Object.values(single));
    const wall = median(walls);
    const worst = Math.max(...invocations);
    const uneven = perNode.find((p) => NODES.some((n) => p[n] !== 1));
    return [
      [
        'refresh of 3 nodes: ssh invocations (worst of 9)',
        `${worst}${uneven ? ` (${NODES.map((n) => `${n} ${uneven[n]}`).join(', ')})` : ''}`,
        '',
        '3 (one per node)',
      ],
      [
        'refresh of 3 nodes: wall / slowest single round trip',
        `${ms(wall)} / ${ms(slowest)} (${NODES.map((n) => `${n} ${ms(single[n]!)}`).join(', ')})`,
        (wall / slowest).toFixed(2) + 'x',
        '<= 1.3x',
      ],
      [
        `(context) refresh / 3 bare round trips at once (${availableParallelism()} CPUs for all nodes)`,
        `${ms(wall)} / ${ms(median(together))}`,
        (wall / median(together)).toFixed(2) + 'x',
        '',
      ],
    ];
  } finally {
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `tsx bench/cluster-refresh.ts` prints its own rows (npm run bench prints them with the others).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await clusterRefreshFigures()) console.log(row.join('  '));
}

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../core/config.js';
import { createContext, type Identity } from '../core/context.js';
import { Core } from '../core/core.js';
import { setTimeout as delay } from 'node:timers/promises';
import { Cluster, type ClusterNode, type NodeStream } from '../core/nodes/cluster.js';
import { UsageError } from '../core/errors.js';
import { NodeUnreachableError } from '../core/nodes/ssh-runner.js';
import { connectPeers } from '../core/nodes/transfer.js';
import type { Command, CommandResult, Runner } from '../core/runner/command.js';
import { writeOnChange, type DemoHost } from './demo-host.js';
import { DemoRunner, type DemoContainer } from './demo-runner.js';
import type { SimStream } from './sim-stream.js';
import { ZfsSim } from './zfs-sim.js';

const GB = 1024 ** 3;
const DAY = 86_400_000;

/** The other nodes of the demo cluster: a few containers each (Proxmox vmids are unique cluster-wide). */
const NODES: Array<{ name: string; ip: string; containers: Array<Omit<DemoContainer, 'rootfs'> & { disk: number; checkpoints: string[] }> }> = [
  {
    name: 'pve2',
    ip: '10.0.0.2',
    containers: [
      { vmid: '200', name: 'proxy', status: 'running', memory: 1024, disk: 1.1 * GB, checkpoints: ['fresh install', 'before haproxy 3.0', ''] },
      { vmid: '201', name: 'grafana', status: 'running', memory: 2048, disk: 2.6 * GB, checkpoints: ['', ''] },
      { vmid: '202', name: 'backup-test', status: 'stopped', memory: 512, disk: 0.7 * GB, checkpoints: [] },
    ],
  },
  {
    name: 'pve3',
    ip: '10.0.0.3',
    containers: [
      { vmid: '300', name: 'minio', status: 'running', memory: 4096, disk: 7.5 * GB, checkpoints: ['before upgrade'] },
      { vmid: '301', name: 'dns', status: 'running', memory: 256, disk: 0.3 * GB, checkpoints: ['', '', ''] },
    ],
  },
];

/** Down on demand: `LXCRI_DEMO_DOWN=pve3` at start, or a file `<demo dir>/down-pve3` (touch it, remove it) meanwhile. */
export function demoNodeDown(dir: string, node: string): boolean {
  return (process.env.LXCRI_DEMO_DOWN ?? '').split(',').includes(node) || existsSync(join(dir, `down-${node}`));
}

/** A simulated node that can be taken away: then it answers as an ssh that cannot connect does. */
class DemoNodeRunner implements Runner {
  constructor(
    private readonly inner: Runner,
    private readonly down: () => boolean,
    private readonly node: string,
    private readonly ip: string,
  ) {}
  run(command: Command): Promise<CommandResult> {
    if (this.down()) return Promise.reject(new NodeUnreachableError(this.node, `ssh: connect to host ${this.ip} port 22: Connection timed out`));
    return this.inner.run(command);
  }
}

async function demoNode(first: DemoHost, spec: (typeof NODES)[number], identity: Identity, readOnly: boolean): Promise<ClusterNode> {
  const dir = join(first.dir, 'nodes', spec.name);
  // One cluster filesystem (/etc/pve) for all: each node's guest configs in nodes/<node>/lxc, storage.cfg shared.
  const pveDir = join(first.config.pve.members, '..', 'nodes', spec.name, 'lxc');
  mkdirSync(pveDir, { recursive: true });
  let clock = Date.now() - 20 * DAY;
  let live = false;
  // The history is seeded with the clock moved back; afterwards the node runs on real time.
  const sim = new ZfsSim(() => (live ? Date.now() : clock), 2 ** 41, 0x5eed + Number(spec.ip.split('.').at(-1)));
  sim.create('rpool', 128 * 1024);
  sim.create('rpool/data', 128 * 1024);
  const containers = new Map<string, DemoContainer>();
  for (const c of spec.containers) {
    containers.set(c.vmid, { vmid: c.vmid, name: c.name, status: c.status, memory: c.memory, rootfs: `local-zfs:subvol-${c.vmid}-disk-0` });
    sim.create(`rpool/data/subvol-${c.vmid}-disk-0`, Math.round(c.disk), { refquota: String(16 * GB) });
  }
  const sims = new DemoRunner(sim, 'rpool', containers, pveDir);
  writeOnChange(sims);
  sims.writePveConfigs();
  const config: Config = structuredClone(first.config);
  config.state_dir = join(dir, 'state');
  config.journal_dir = join(dir, 'journal');
  config.lxc.path = join(dir, 'lxc');
  config.pve = { ...first.config.pve, config_dir: pveDir };
  config.criu.store = join(dir, 'images');
  const seeding = new Core(createContext(config, sims, { now: () => clock, identity }));
  for (const c of spec.containers) {
    for (const [i, label] of c.checkpoints.entries()) {
      // Rewrites what the checkpoint before holds (its own space), and adds some.
      sim.write(`rpool/data/subvol-${c.vmid}-disk-0`, { overwrite: i ? 24 * 1024 ** 2 : 0, add: 40 * 1024 ** 2, free: 0 });
      await seeding.checkpoint([c.vmid], label ? { label } : {});
      clock += 2 * DAY;
    }
  }
  live = true;
  const runner = new DemoNodeRunner(sims, () => demoNodeDown(first.dir, spec.name), spec.name, spec.ip);
  const core = new Core(createContext(config, runner, { identity: { ...identity, host: spec.name }, node: spec.name, readOnly }));
  return { spec: { name: spec.name, ssh: `root@${spec.ip}` }, core, local: false };
}

/**
 * `--demo --demo-cluster`: the demo node as pve1 plus two smaller simulated nodes, pve2 and pve3, one of which can be
 * taken away on demand (demoNodeDown), so the cluster view can be tried with no cluster. `instantLink`: streams
 * between nodes take no time (tests about what arrives, not how it shows).
 */
export async function createDemoCluster(
  first: DemoHost,
  pve1: Core,
  identity: Identity,
  only?: string,
  options: { instantLink?: boolean } = {},
): Promise<Cluster> {
  // A read-only session is read-only on every node, as connectCluster makes it for a real cluster.
  const others = await Promise.all(NODES.map((n) => demoNode(first, n, identity, pve1.ctx.readOnly)));
  const nodes: ClusterNode[] = [{ spec: { name: 'pve1', ssh: 'local' }, core: pve1, local: true }, ...others];
  const chosen = only ? nodes.filter((n) => n.spec.name === only) : nodes;
  if (!chosen.length) throw new UsageError(`unknown node '${only}'`, `nodes: ${nodes.map((n) => n.spec.name).join(', ')}`);
  const cluster = new Cluster(chosen, { timeoutMs: 5_000, name: 'demo', quorate: true, stream: handOver(options.instantLink ? 0 : MAX_STREAM_MS) });
  connectPeers(cluster);
  return cluster;
}

/** The demo's link between nodes: 10 GbE, so a stream's progress shows for up to two seconds. */
const LINK_BYTES_PER_MS = 1.1e6;
const MAX_STREAM_MS = 2_000;

/**
 * A send on one simulated node received on another: the stream (data, see SimStream) handed over in memory, in the
 * time the link would take, its progress told as a real pipe tells it (bytes so far).
 */
const handOver =
  (maxMs: number): NodeStream =>
  async (from, send, to, receive, onBytes) => {
    const sent = await from.core.ctx.runner.run(send);
    const { bytes } = JSON.parse(sent.stdout) as SimStream;
    const ms = Math.min(maxMs, bytes / LINK_BYTES_PER_MS);
    for (let t = 0; t < ms; t += 100) {
      await delay(Math.min(100, ms - t));
      onBytes?.(Math.round((bytes * Math.min(ms, t + 100)) / ms));
    }
    const received = await to.core.ctx.runner.run({ ...receive, input: sent.stdout });
    return { bytes, from: sent, to: received };
  };

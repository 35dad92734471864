import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type Config } from '../core/config.js';
import { createContext, type Identity } from '../core/context.js';
import { Core } from '../core/core.js';
import type { Runner } from '../core/runner/command.js';
import { eventsPath, type RuntimeEvent } from '../core/state/events.js';
import { claimDemoDir } from './demo-dir.js';
import { DemoRunner, type DemoContainer } from './demo-runner.js';
import { ZfsSim } from './zfs-sim.js';

const DAY = 86_400_000;
const MB = 1024 ** 2;
const GB = 1024 ** 3;

export interface DemoHost {
  runner: DemoRunner;
  config: Config;
  dir: string;
  /** The identity the console's own core must use (`createContext(..., { identity })`), so events name the demo node. */
  identity: Identity;
}

/** Who the demo's operations are by, seeded or the user's: the simulated node, never this machine. */
export const DEMO_IDENTITY: Identity = { user: 'root', host: 'pve-demo' };

interface Workload {
  /** Bytes a day the container rewrites (its hot data: database pages, logs, caches). */
  rewrite: number;
  /** Bytes a day it adds. */
  add: number;
  /** Bytes a day it deletes (build trees cleaned up). */
  free?: number;
}

const CONTAINERS: Array<Omit<DemoContainer, 'rootfs'> & { disk: number; storage?: string; work?: Workload }> = [
  { vmid: '100', name: 'web', status: 'running', memory: 4096, disk: 3.2 * GB, work: { rewrite: 60 * MB, add: 12 * MB } },
  { vmid: '101', name: 'db', status: 'running', memory: 8192, disk: 11 * GB, work: { rewrite: 380 * MB, add: 40 * MB } },
  { vmid: '102', name: 'ci-runner', status: 'stopped', lock: 'backup', memory: 2048, disk: 6.5 * GB },
  { vmid: '103', name: 'mail', status: 'running', memory: 2048, disk: 2.1 * GB, work: { rewrite: 20 * MB, add: 25 * MB } },
  { vmid: '104', name: 'cache', status: 'stopped', memory: 1024, disk: 1.4 * GB },
  { vmid: '105', name: 'build', status: 'running', memory: 4096, disk: 9 * GB, work: { rewrite: 450 * MB, add: 70 * MB, free: 30 * MB } },
  { vmid: '106', name: 'vpn', status: 'running', memory: 512, disk: 0.8 * GB, work: { rewrite: 3 * MB, add: 1 * MB } },
  { vmid: '107', name: 'legacy', status: 'stopped', memory: 512, disk: 0, storage: 'local-lvm:vm-107-disk-0' },
];

/**
 * A simulated Proxmox node for `lxcri-console --demo`: a pool near 80 %, eight containers (running, stopped, one
 * locked, one not on ZFS), branchy checkpoint trees made by the real core's own operations, foreign snapshots.
 *
 * The history is six weeks long: the clock is moved back and runs forward through it; the running containers write
 * between snapshots (what they rewrite stays with the previous snapshot, as in ZFS), and events.log says when each
 * seeded operation happened and how long it took on a real node (the simulator answers in microseconds).
 */
export async function createDemoHost(options: { fallback?: Runner; now?: () => number; dir?: string } = {}): Promise<DemoHost> {
  const realNow = options.now ?? Date.now;
  const seedStart = realNow() - 45 * DAY;
  let clock = seedStart;
  const sim = new ZfsSim(() => clock, 2 ** 50);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'lxcri-demo-'));
  if (options.dir) claimDemoDir(dir);
  // /etc/pve/lxc is this node's directory in the cluster filesystem (the demo cluster's other nodes have theirs).
  const pveDir = join(dir, 'pve', 'nodes', 'pve1', 'lxc');
  mkdirSync(pveDir, { recursive: true });
  writeFileSync(
    join(dir, 'pve', 'storage.cfg'),
    'dir: local\n\tpath /var/lib/vz\n\tcontent iso,vztmpl,backup\n\nzfspool: local-zfs\n\tpool rpool/data\n\tsparse\n\tcontent images,rootdir\n\nlvmthin: local-lvm\n\tthinpool data\n\tvgname pve\n\tcontent rootdir,images\n',
  );
  sim.create('rpool', 128 * 1024);
  sim.create('rpool/ROOT/pve-1', 5 * GB);
  sim.create('rpool/data', 128 * 1024);
  const containers = new Map<string, DemoContainer>();
  for (const c of CONTAINERS) {
    const volume = c.storage ?? `local-zfs:subvol-${c.vmid}-disk-0`;
    containers.set(c.vmid, { vmid: c.vmid, name: c.name, status: c.status, memory: c.memory, rootfs: volume, ...(c.lock ? { lock: c.lock } : {}) });
    if (!c.storage) sim.create(`rpool/data/subvol-${c.vmid}-disk-0`, Math.round(c.disk), { refquota: String(16 * GB), acltype: 'posixacl', xattr: 'sa' });
  }
  const runner = new DemoRunner(sim, 'rpool', containers, pveDir, options.fallback);
  const config: Config = structuredClone(DEFAULT_CONFIG);
  config.zfs.base_dataset = 'rpool/lxcri';
  config.state_dir = join(dir, 'state');
  config.journal_dir = join(dir, 'journal');
  config.lxc.path = join(dir, 'lxc');
  config.pve = { config_dir: pveDir, storage_cfg: join(dir, 'pve', 'storage.cfg'), members: join(dir, 'pve', '.members') };
  config.criu.store = join(dir, 'images');
  config.log.file = join(dir, 'console.log');
  config.container.shutdown_timeout_seconds = 1;
  writeOnChange(runner);
  runner.writePveConfigs();

  // The histories are made by the core itself, with the clock moved back, so they are what it would have made.
  const core = new Core(createContext(config, runner, { now: () => clock, identity: DEMO_IDENTITY }));
  const ds = (id: string) => `rpool/data/subvol-${id}-disk-0`;
  const random = seeded(0x1d3a);

  // What each running container wrote since its last snapshot is written just before the next one: one write an
  // interval, rewriting at most what the interval before wrote (hot data), so no overwritten extent is shared by two
  // snapshots and usedbysnapshots is the sum of the snapshots' used.
  const since = new Map<string, number>(CONTAINERS.map((c) => [c.vmid, clock]));
  const flush = (id: string) => {
    const work = CONTAINERS.find((c) => c.vmid === id)?.work;
    const days = (clock - since.get(id)!) / DAY;
    since.set(id, clock);
    if (!work || days <= 0) return;
    const live = sim.get(ds(id));
    const latest = sim.snapshotsOf(live.name).at(-1);
    const hot = latest ? sim.spaceOf(latest).written : 0;
    const jitter = () => 0.6 + 0.8 * random();
    const overwrite = Math.min(hot, work.rewrite * days * jitter());
    sim.write(live.name, { overwrite, add: work.add * days * jitter(), free: Math.min(hot - overwrite, (work.free ?? 0) * days * jitter()) });
  };
  const tick = (hours: number) => (clock += hours * 3_600_000);

  // Each seeded operation's events.log line gets the time it ran at and the time it would have taken.
  const events = eventsPath(config.state_dir);
  const lineCount = () => (existsSync(events) ? readFileSync(events, 'utf8').split('\n').filter(Boolean).length : 0);
  const stamps: Array<{ line: number; ts: number; durationMs: number }> = [];
  const seededOp = async <T>(id: string, task: () => Promise<T>): Promise<T> => {
    flush(id);
    const before = lineCount();
    runner.elapsedMs = 0;
    const result = await task();
    const durationMs = runner.elapsedMs;
    clock += durationMs;
    for (let line = before; line < lineCount(); line++) stamps.push({ line, ts: clock, durationMs });
    clock += 1000;
    return result;
  };
  const cp = (id: string, label?: string) => seededOp(id, async () => (await core.checkpoint([id], label ? { label } : {})).checkpoints[0]!.name);
  const restore = (id: string, snapshot: string) => seededOp(id, () => core.restore(id, { snapshot }));
  /** A snapshot another tool (sanoid, a manual `zfs snapshot`) took. */
  const foreign = (id: string, name: string) => {
    flush(id);
    sim.snapshot([`${ds(id)}@${name}`], {}, false);
  };
  /** A snapshot Proxmox took (`pct snapshot`): on ZFS, and a `[name]` section of the container's config. */
  const pveSnapshot = (id: string, name: string) => {
    foreign(id, name);
    const c = containers.get(id)!;
    c.snapshots = [...(c.snapshots ?? []), { name, snaptime: Math.floor(clock / 1000) }];
    runner.writePveConfigs();
  };

  for (let i = 0; i < 6; i++) {
    await cp('100', i === 0 ? 'fresh install' : undefined);
    tick(30);
  }
  const db1 = await cp('101', 'schema v1');
  tick(20);
  const db2 = await cp('101', 'before migration 42');
  tick(6);
  await cp('101', 'after migration 42');
  tick(12);
  await restore('101', db2);
  tick(3);
  await cp('101', 'migration 42, second try');
  tick(24);
  await cp('101');
  tick(10);
  await restore('101', db1);
  tick(2);
  await cp('101', 'hotfix branch');
  tick(30);
  for (let i = 0; i < 3; i++) {
    await cp('103');
    tick(48);
  }
  await cp('104', 'warm cache');
  tick(5);
  // sanoid's dailies at midnight on build, and a checkpoint each morning.
  for (let i = 0; i < 4; i++) {
    clock = Math.ceil(clock / DAY) * DAY + 1000;
    foreign('105', `autosnap_${new Date(clock).toISOString().slice(0, 10)}_00:00:01_daily`);
    tick(9);
    await cp('105');
  }
  // build wipes its old build cache: blocks every one of its snapshots holds, so no single one owns them (the space
  // view's "shared between checkpoints": usedbysnapshots far above the sum of the snapshots' own space).
  flush('105');
  sim.write(ds('105'), { freeOldest: 900 * MB });
  pveSnapshot('106', 'before_upgrade');
  tick(8);
  await cp('106', 'wireguard keys rotated');
  clock = realNow() - 2 * 3_600_000;
  await cp('100', 'before nginx 1.27');
  clock = realNow();
  for (const c of CONTAINERS) flush(c.vmid);
  restamp(events, stamps);
  sim.now = realNow;
  // A pool near 80 %: size it from what the seed allocated.
  sim.poolSize = Math.floor(sim.allocated() / 0.795);
  return { runner, config, dir, identity: DEMO_IDENTITY };
}

/**
 * The runner rewrites every container's pve config after each command (8 files, synchronously): the seed's 57
 * commands and every refresh's would write ~450 and ~160 files that say what they said. Write them when a container
 * changed (added, locked, renamed) instead; an explicit call after such a change writes them as before.
 */
export function writeOnChange(runner: DemoRunner): void {
  const write = runner.writePveConfigs.bind(runner);
  let written: string | undefined;
  runner.writePveConfigs = () => {
    const now = JSON.stringify([...runner.containers.values()]);
    if (now === written) return;
    write();
    written = now;
  };
}

/**
 * A seeded demo host as data a worker thread can post back (structured clone): the simulator's and the runner's
 * fields (not their functions), the containers, the config. The files (state directory, journal, pve configs) are
 * in `dir` already. See seed-worker.ts.
 */
export interface DemoSeed {
  sim: Record<string, unknown>;
  runner: Record<string, unknown>;
  containers: Map<string, DemoContainer>;
  config: Config;
  dir: string;
}

/** Seeds a demo host (as createDemoHost) and returns it as data. */
export async function seedDemo(options: { dir?: string } = {}): Promise<DemoSeed> {
  const host = await createDemoHost(options);
  return {
    sim: fields(host.runner.zfs),
    runner: fields(host.runner, ['zfs', 'containers']),
    containers: host.runner.containers,
    config: host.config,
    dir: host.dir,
  };
}

/** The demo host a seed describes, its simulator on the real clock, other tools run by `fallback`. */
export function hostFromSeed(seed: DemoSeed, fallback?: Runner): DemoHost {
  const sim = Object.assign(new ZfsSim(Date.now, 0), seed.sim);
  const runner = new DemoRunner(sim, 'rpool', seed.containers, seed.config.pve.config_dir, fallback);
  Object.assign(runner, seed.runner);
  writeOnChange(runner);
  return { runner, config: seed.config, dir: seed.dir, identity: DEMO_IDENTITY };
}

/** An object's own fields that are data (no functions, nor the runner's fallback: it stays in its thread). */
function fields(o: object, skip: string[] = []): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => typeof v !== 'function' && !skip.includes(k) && k !== 'fallback'));
}

/** Rewrites the seeded lines of events.log with their historical times and durations (and a pid of their own). */
function restamp(path: string, stamps: ReadonlyArray<{ line: number; ts: number; durationMs: number }>): void {
  if (!existsSync(path)) return;
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  for (const [i, s] of stamps.entries()) {
    const event = JSON.parse(lines[s.line]!) as RuntimeEvent;
    delete event.ssh_client;
    lines[s.line] = JSON.stringify({ ...event, ts: new Date(s.ts).toISOString(), duration_ms: s.durationMs, pid: 21_000 + i * 137 });
  }
  writeFileSync(path, lines.map((l) => l + '\n').join(''));
}

/** A small deterministic generator (Park-Miller), so every demo has the same history. */
function seeded(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 48271) % 2147483647) / 2147483647;
}

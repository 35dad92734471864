import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type Config } from '../core/config.js';
import { createContext } from '../core/context.js';
import { Core } from '../core/core.js';
import type { Runner } from '../core/runner/command.js';
import { DemoRunner, type DemoContainer } from './demo-runner.js';
import { ZfsSim } from './zfs-sim.js';

const DAY = 86_400_000;
const GB = 1024 ** 3;

export interface DemoHost {
  runner: DemoRunner;
  config: Config;
  dir: string;
}

const CONTAINERS: Array<Omit<DemoContainer, 'rootfs'> & { disk: number; storage?: string }> = [
  { vmid: '100', name: 'web', status: 'running', memory: 4096, disk: 3.2 * GB },
  { vmid: '101', name: 'db', status: 'running', memory: 8192, disk: 11 * GB },
  { vmid: '102', name: 'ci-runner', status: 'stopped', lock: 'backup', memory: 2048, disk: 6.5 * GB },
  { vmid: '103', name: 'mail', status: 'running', memory: 2048, disk: 2.1 * GB },
  { vmid: '104', name: 'cache', status: 'stopped', memory: 1024, disk: 1.4 * GB },
  { vmid: '105', name: 'build', status: 'running', memory: 4096, disk: 9 * GB },
  { vmid: '106', name: 'vpn', status: 'running', memory: 512, disk: 0.8 * GB },
  { vmid: '107', name: 'legacy', status: 'stopped', memory: 512, disk: 0, storage: 'local-lvm:vm-107-disk-0' },
];

/**
 * A simulated Proxmox node for `lxcri-console --demo`: a pool near 80 %, eight containers (running, stopped, one
 * locked, one not on ZFS), branchy checkpoint trees made by the real core's own operations, foreign snapshots.
 */
export async function createDemoHost(options: { fallback?: Runner; now?: () => number; dir?: string } = {}): Promise<DemoHost> {
  const realNow = options.now ?? Date.now;
  let clock = realNow() - 45 * DAY;
  const sim = new ZfsSim(() => clock, 2 ** 50);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'lxcri-demo-'));
  const pveDir = join(dir, 'pve', 'lxc');
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
    if (!c.storage) sim.create(`rpool/data/subvol-${c.vmid}-disk-0`, c.disk, { refquota: String(16 * GB), acltype: 'posixacl', xattr: 'sa' });
  }
  const runner = new DemoRunner(sim, 'rpool', containers, pveDir, options.fallback);
  const config: Config = structuredClone(DEFAULT_CONFIG);
  config.zfs.base_dataset = 'rpool/lxcri';
  config.state_dir = join(dir, 'state');
  config.journal_dir = join(dir, 'journal');
  config.lxc.path = join(dir, 'lxc');
  config.pve = { config_dir: pveDir, storage_cfg: join(dir, 'pve', 'storage.cfg') };
  config.criu.store = join(dir, 'images');
  config.log.file = join(dir, 'console.log');
  config.container.shutdown_timeout_seconds = 1;
  runner.writePveConfigs();

  // The histories are made by the core itself, with the clock moved back, so they are what it would have made.
  const core = new Core(createContext(config, runner, { now: () => clock, identity: { user: 'root', host: 'pve-demo' } }));
  const tick = (hours: number) => (clock += hours * 3_600_000);
  const cp = async (id: string, label?: string) => (await core.checkpoint([id], label ? { label } : {})).checkpoints[0]!.name;
  const ds = (id: string) => `rpool/data/subvol-${id}-disk-0`;

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
  await core.restore('101', { snapshot: db2 });
  tick(3);
  await cp('101', 'migration 42, second try');
  tick(24);
  await cp('101');
  tick(10);
  await core.restore('101', { snapshot: db1 });
  tick(2);
  await cp('101', 'hotfix branch');
  tick(30);
  for (let i = 0; i < 3; i++) {
    await cp('103');
    tick(48);
  }
  await cp('104', 'warm cache');
  tick(5);
  for (let i = 0; i < 4; i++) {
    sim.snapshot([`${ds('105')}@autosnap_2026-11-${10 + i}_00:00:01_daily`], {}, false, 200 * 1024 ** 2);
    tick(24);
    await cp('105');
  }
  sim.snapshot([`${ds('106')}@before_upgrade`], {}, false, 40 * 1024 ** 2);
  tick(8);
  await cp('106', 'wireguard keys rotated');
  clock = realNow() - 2 * 3_600_000;
  await cp('100', 'before nginx 1.27');
  sim.now = realNow;
  // A pool near 80 %: size it from what the seed allocated.
  sim.poolSize = Math.floor(sim.allocated() / 0.795);
  return { runner, config, dir };
}

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { DEFAULT_CONFIG, type Config } from '../../src/core/config.js';
import { createContext, type CoreContext } from '../../src/core/context.js';
import { Core } from '../../src/core/core.js';
import { createFileLogger } from '../../src/core/log.js';
import { ExecaRunner } from '../../src/core/runner/execa-runner.js';

/** Runs a zfs/zpool command for test setup; zfs-fuse sometimes answers "busy" right after an unmount, so retry a little. */
export function sh(tool: string, args: string[], retries = 5): string {
  for (let i = 0; ; i++) {
    try {
      return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '');
      if (i >= retries || !/busy/.test(stderr)) throw new Error(`${tool} ${args.join(' ')}: ${stderr.trim()}`);
      execFileSync('sleep', ['0.3']);
    }
  }
}

export interface TestPool extends PoolFiles {
  pool: string;
  base: string;
  dir: string;
  /** A config file for the CLI pointing at this pool. */
  configFile: string;
  /** A core over this pool; `spawns` counts processes it started. */
  core(overrides?: { config?: (c: Config) => void; ctx?: Partial<CoreContext> }): { core: Core; spawns: () => number };
  destroy(): void;
}

/** What tests read and write on a pool's containers, for any pool a `zfs` runner reaches. */
export interface PoolFiles {
  /** Creates `<base>/<id>` holding `state.txt` = content; returns the dataset. */
  container(id: string, content?: string): string;
  write(idOrDataset: string, content: string, file?: string): void;
  read(idOrDataset: string, file?: string): string;
  snapshots(): string[];
  datasets(): string[];
}

/**
 * The file helpers over a pool: `zfs` runs the zfs tool (on the host, or inside a private node's namespace) and
 * `path` maps a mountpoint to where this process reaches it.
 */
export function poolFiles(zfs: (args: string[]) => string, pool: string, base: string, path: (p: string) => string = (p) => p): PoolFiles {
  const mountOf = (name: string) => zfs(['get', '-H', '-o', 'value', 'mountpoint', name]).trim();
  const dsOf = (x: string) => (x.includes('/') ? x : `${base}/${x}`);
  const names = (args: string[]) =>
    zfs(['list', '-H', '-o', 'name', ...args, '-r', pool])
      .split('\n')
      .filter(Boolean)
      .sort();
  return {
    container(id, content = 'v1') {
      zfs(['create', `${base}/${id}`]);
      writeFileSync(path(`${mountOf(`${base}/${id}`)}/state.txt`), content);
      return `${base}/${id}`;
    },
    write(x, content, f = 'state.txt') {
      writeFileSync(path(`${mountOf(dsOf(x))}/${f}`), content);
    },
    read(x, f = 'state.txt') {
      return readFileSync(path(`${mountOf(dsOf(x))}/${f}`), 'utf8');
    },
    snapshots: () => names(['-t', 'snapshot']),
    datasets: () => names([]),
  };
}

/** The CLI config file's content for a pool's base dataset, with every host path under `dir`. */
export function cliConfig(base: string, dir: string) {
  return {
    zfs: { base_dataset: base },
    log: { file: `${dir}/console.log` },
    state_dir: `${dir}/state`,
    journal_dir: `${dir}/journal`,
    lxc: { path: `${dir}/lxc` },
    pve: { config_dir: `${dir}/pve`, storage_cfg: `${dir}/pve/storage.cfg`, members: `${dir}/pve/.members` },
  };
}

/** A real zfs-fuse pool on a sparse file with a uniquely named pool; destroy() removes both. */
export function createTestPool(tag: string, size = '256M'): TestPool {
  const pool = `lxt${tag}${process.pid}${Math.floor(Math.random() * 1000)}`;
  const dir = `/var/tmp/lxcri-test/${pool}`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/vdev`;
  execFileSync('truncate', ['-s', size, file]);
  sh('zpool', ['create', pool, file]);
  const base = `${pool}/containers`;
  sh('zfs', ['create', base]);
  const configFile = `${dir}/config.json`;
  writeFileSync(configFile, JSON.stringify(cliConfig(base, dir)));
  return {
    ...poolFiles((args) => sh('zfs', args), pool, base),
    pool,
    base,
    dir,
    configFile,
    core(overrides = {}) {
      const config: Config = structuredClone(DEFAULT_CONFIG);
      config.zfs.base_dataset = base;
      config.log.file = `${dir}/console.log`;
      // Containers resolve by the dataset convention unless a test points these at real LXC or state dirs.
      config.state_dir = `${dir}/state`;
      config.journal_dir = `${dir}/journal`;
      config.lxc.path = `${dir}/lxc`;
      config.pve = { config_dir: `${dir}/pve`, storage_cfg: `${dir}/pve/storage.cfg`, members: `${dir}/pve/.members` };
      overrides.config?.(config);
      let count = 0;
      const { logger } = createFileLogger(config.log.file, 'debug');
      const runner = new ExecaRunner({ defaultTimeoutMs: config.runner.timeout_seconds * 1000, logger, onSpawn: () => count++ });
      return { core: new Core(createContext(config, runner, overrides.ctx)), spawns: () => count };
    },
    destroy() {
      try {
        sh('zpool', ['destroy', '-f', pool], 10);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

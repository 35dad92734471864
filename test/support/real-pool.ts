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

export interface TestPool {
  pool: string;
  base: string;
  dir: string;
  /** A config file for the CLI pointing at this pool. */
  configFile: string;
  /** A core over this pool; `spawns` counts processes it started. */
  core(overrides?: { config?: (c: Config) => void; ctx?: Partial<CoreContext> }): { core: Core; spawns: () => number };
  /** Creates `<base>/<id>` holding `file` = content. */
  container(id: string, content?: string): string;
  write(id: string, content: string, file?: string): void;
  read(datasetOrId: string, file?: string): string;
  snapshots(): string[];
  datasets(): string[];
  destroy(): void;
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
  writeFileSync(
    configFile,
    JSON.stringify({
      zfs: { base_dataset: base },
      log: { file: `${dir}/console.log` },
      state_dir: `${dir}/state`,
      journal_dir: `${dir}/journal`,
      lxc: { path: `${dir}/lxc` },
      pve: { config_dir: `${dir}/pve`, storage_cfg: `${dir}/pve/storage.cfg` },
    }),
  );
  const mountOf = (name: string) => sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', name]).trim();
  const dsOf = (x: string) => (x.includes('/') ? x : `${base}/${x}`);
  return {
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
      config.pve = { config_dir: `${dir}/pve`, storage_cfg: `${dir}/pve/storage.cfg` };
      overrides.config?.(config);
      let count = 0;
      const { logger } = createFileLogger(config.log.file, 'debug');
      const runner = new ExecaRunner({ defaultTimeoutMs: config.runner.timeout_seconds * 1000, logger, onSpawn: () => count++ });
      return { core: new Core(createContext(config, runner, overrides.ctx)), spawns: () => count };
    },
    container(id, content = 'v1') {
      sh('zfs', ['create', `${base}/${id}`]);
      writeFileSync(`${mountOf(`${base}/${id}`)}/state.txt`, content);
      return `${base}/${id}`;
    },
    write(id, content, f = 'state.txt') {
      writeFileSync(`${mountOf(dsOf(id))}/${f}`, content);
    },
    read(x, f = 'state.txt') {
      return readFileSync(`${mountOf(dsOf(x))}/${f}`, 'utf8');
    },
    snapshots() {
      return sh('zfs', ['list', '-H', '-o', 'name', '-t', 'snapshot', '-r', pool]).split('\n').filter(Boolean).sort();
    },
    datasets() {
      return sh('zfs', ['list', '-H', '-o', 'name', '-r', pool]).split('\n').filter(Boolean).sort();
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

import { DEFAULT_CONFIG, type Config } from '../src/core/config.js';
import { createContext } from '../src/core/context.js';
import { Core } from '../src/core/core.js';
import { DemoRunner } from '../src/demo/demo-runner.js';
import { ZfsSim } from '../src/demo/zfs-sim.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A simulated host whose one container has `count` checkpoints (the console benchmarks' worst case). */
export function bigDemoCore(count: number): Core {
  let clock = Date.now() - count * 60_000;
  const sim = new ZfsSim(() => clock, 2 ** 50);
  sim.create('tank/containers/big');
  for (let i = 0; i < count; i++) {
    sim.snapshot([`tank/containers/big@checkpoint-${1_700_000_000 + i}`], { 'lxcri:kind': 'checkpoint' }, false, 4096);
    clock += 60_000;
  }
  sim.now = Date.now;
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-bench-'));
  const config: Config = structuredClone(DEFAULT_CONFIG);
  config.zfs.base_dataset = 'tank/containers';
  config.state_dir = join(dir, 'state');
  config.journal_dir = join(dir, 'journal');
  config.lxc.path = join(dir, 'lxc');
  config.pve = { config_dir: join(dir, 'pve'), storage_cfg: join(dir, 'pve', 'storage.cfg'), members: join(dir, 'pve', '.members') };
  return new Core(createContext(config, new DemoRunner(sim, 'tank', new Map(), join(dir, 'pve'))));
}

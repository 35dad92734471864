import { hostname, userInfo } from 'node:os';
import type { Config } from './config.js';
import type { Runner } from './runner/command.js';
import { withCommandLog } from './runner/command-log.js';
import { createCoreStore, type CoreStore } from './store.js';
import { Zfs } from './tools/zfs/zfs.js';
import { Zpool } from './tools/zpool/zpool.js';
import { Lxc } from './tools/lxc.js';
import { Pct } from './tools/pct.js';
import { Journal } from './state/journal.js';
import type { HostFs } from './nodes/host-fs.js';
import { LocalFs } from './nodes/local-fs.js';
import type { ReplicationTarget } from './ops/replicate.js';

export interface Identity {
  user: string;
  host: string;
}

/** Everything an operation needs: tools, config, the store it reports to, and a clock tests can set. */
export interface CoreContext {
  config: Config;
  runner: Runner;
  /** The files of the node this context drives (the same node as the runner's). */
  fs: HostFs;
  /** The node's name in a cluster; absent for the one local node. */
  node?: string;
  zfs: Zfs;
  zpool: Zpool;
  pct: Pct;
  lxc: Lxc;
  store: CoreStore;
  journal: Journal;
  /** Milliseconds since the epoch. */
  now: () => number;
  identity: Identity;
  /** Snapshots this process created, so the next checkpoint in the same second starts at a free name. */
  created: Set<string>;
  /** A read-only session: every operation that changes something is refused before anything runs. */
  readOnly: boolean;
  /** Aborted when the session ends mid-operation: the engine starts no further step (ops/engine.ts). */
  cancel?: AbortSignal;
  /**
   * Another node of the cluster as seen from this one (its tools, files, and a stream to it): what a cross-node
   * operation's steps reach, also when `recover` rebuilds them from the journal. Absent outside a cluster.
   */
  peer?: (node: string) => ReplicationTarget;
}

export function currentIdentity(): Identity {
  let user = process.env.SUDO_USER || process.env.USER || '';
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = `uid-${process.getuid?.() ?? '?'}`;
    }
  }
  return { user, host: hostname() };
}

export function createContext(config: Config, runner: Runner, overrides: Partial<CoreContext> = {}): CoreContext {
  const shortMs = config.runner.timeout_seconds * 1000;
  const store = overrides.store ?? createCoreStore();
  // Every command goes to the command log, whichever runner runs it.
  runner = withCommandLog(overrides.runner ?? runner, store);
  // The journal lives on the node it journals, like the locks and events.log.
  const fs = overrides.fs ?? new LocalFs();
  return {
    config,
    fs,
    zfs: new Zfs(runner, { shortMs, longMs: config.runner.long_timeout_seconds * 1000 }),
    zpool: new Zpool(runner, shortMs),
    pct: new Pct(runner),
    lxc: new Lxc(runner, config.lxc.path),
    store,
    journal: new Journal(config.journal_dir, fs),
    now: Date.now,
    identity: currentIdentity(),
    created: new Set(),
    readOnly: false,
    ...overrides,
    runner,
  };
}

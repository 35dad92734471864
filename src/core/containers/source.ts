import type { Config } from '../config.js';
import { ToolMissingError } from '../runner/errors.js';
import type { Inventory } from '../model/inventory.js';
import type { Lxc } from '../tools/lxc.js';
import type { Pct } from '../tools/pct.js';
import type { MountEntry } from './mounts.js';
import type { Container, ContainerSourceName } from './types.js';

/** What a container source may use: tools, config, file reads, and where ZFS datasets are mounted. */
export interface SourceEnv {
  config: Config;
  pct: Pct;
  lxc: Lxc;
  mounts: () => Promise<MountEntry[]>;
  /** The current listing, when the caller has one (a refresh); single lookups do without. */
  inventory?: Inventory;
  readFile: (path: string) => Promise<string | undefined>;
  readDir: (path: string) => Promise<string[]>;
}

/** A tool's listing, or undefined when the tool is not installed (the source is absent on this host). */
export async function listIfPresent<T>(list: () => Promise<T>): Promise<T | undefined> {
  try {
    return await list();
  } catch (error) {
    if (error instanceof ToolMissingError) return undefined;
    throw error;
  }
}

/** One place that knows about containers (Proxmox, LXC, the LXCRI state dir, the dataset convention). */
export interface ContainerSource {
  name: ContainerSourceName;
  /** Every container it knows, with status; undefined when the source is absent on this host. */
  list(env: SourceEnv): Promise<Container[] | undefined>;
  /** One container by id without spawning a process (file reads only); undefined when unknown to it. */
  describe(env: SourceEnv, id: string): Promise<Container | undefined>;
}

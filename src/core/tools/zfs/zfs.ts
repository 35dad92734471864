import { cmd, type Command, type Runner } from '../../runner/command.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { LxcriError } from '../../errors.js';
import { ToolFailedError } from '../../runner/errors.js';
import type { DatasetRecord } from '../../model/dataset.js';
import {
  LEGACY_CAPABILITIES, OPENZFS_CAPABILITIES, parseZfsVersion, type ZfsCapabilities,
} from './capabilities.js';
import { translateZfsError } from './errors.js';
import { listingProperties } from './properties.js';
import { parseDestroyDryRun, parseLocalProperties, parseZfsGet, parseZfsList } from './parse.js';

const BUSY_RETRIES = 5;
const BUSY_BACKOFF_MS = 150;

export interface ZfsTimeouts {
  /** For reads and quick changes; the runner's default when unset. */
  shortMs?: number;
  /** For destroy, rollback, promote and other work that grows with the data. */
  longMs: number;
}

/** Builds zfs argv, runs it through the runner, parses the answer. Knows the flavour once detected. */
export class Zfs {
  private caps?: ZfsCapabilities;

  constructor(private readonly runner: Runner, private readonly timeouts: ZfsTimeouts = { longMs: 600_000 }) {}

  get capabilities(): ZfsCapabilities {
    if (!this.caps) throw new Error('Zfs.detect() must run before capabilities are read');
    return this.caps;
  }

  /** Detects the flavour: `zfs version` exists on OpenZFS >= 0.8 only; legacy ZFS reports its pool version. */
  async detect(): Promise<ZfsCapabilities> {
    if (this.caps) return this.caps;
    try {
      const r = await this.run(cmd('zfs', ['version']));
      const version = parseZfsVersion(r.stdout);
      if (version) return (this.caps = { ...OPENZFS_CAPABILITIES, version });
    } catch (error) {
      if (!(error instanceof ToolFailedError)) throw error;
    }
    // The pool version comes with the next `zpool list` (its version column): no extra process for it.
    return (this.caps = { ...LEGACY_CAPABILITIES, version: 'legacy' });
  }

  /** Every dataset and snapshot under `root` (of every pool without one) with the tree's properties, in one process. */
  async listAll(root?: string): Promise<DatasetRecord[]> {
    const caps = await this.detect();
    const props = listingProperties(caps);
    const target = root ? [root] : [];
    if (caps.parsableList) {
      const r = await this.run(cmd('zfs', ['list', '-Hp', '-r', '-t', 'all', '-o', ['name', ...props].join(','), ...target]), root);
      return parseZfsList(r.stdout, props);
    }
    const r = await this.run(cmd('zfs', ['get', '-Hp', '-r', '-o', 'name,property,value', props.join(','), ...target]), root);
    return parseZfsGet(r.stdout).filter((d) => d.type !== 'bookmark');
  }

  /** Properties set locally on a dataset (quota, refquota, compression, user properties...). */
  async localProperties(dataset: string): Promise<Record<string, string>> {
    const r = await this.run(cmd('zfs', ['get', '-Hp', '-o', 'property,value', '-s', 'local', 'all', dataset]), dataset);
    return parseLocalProperties(r.stdout);
  }

  /** A dataset's or snapshot's guid (parsable: zfs-fuse prints "12.0E" without -p). */
  async guid(name: string): Promise<string> {
    return (await this.run(cmd('zfs', ['get', '-Hp', '-o', 'value', 'guid', name]), name)).stdout.trim();
  }

  /** The snapshot a filesystem was cloned from, or undefined. */
  async origin(dataset: string): Promise<string | undefined> {
    const r = await this.run(cmd('zfs', ['get', '-H', '-o', 'value', 'origin', dataset]), dataset);
    const v = r.stdout.trim();
    return v && v !== '-' ? v : undefined;
  }

  async exists(name: string): Promise<boolean> {
    try {
      await this.run(cmd('zfs', ['get', '-H', '-o', 'value', 'type', name]), name);
      return true;
    } catch (error) {
      if (error instanceof Error && /does not exist/.test(error.message)) return false;
      throw error;
    }
  }

  /** One `zfs snapshot` call: atomic for all names (several names need OpenZFS). */
  async snapshot(names: readonly string[], props: Record<string, string> = {}, recursive = false): Promise<void> {
    await this.run(cmd('zfs', ['snapshot', ...(recursive ? ['-r'] : []), ...propArgs(props), ...names], true), names[0]);
  }

  async destroy(name: string, opts: { recursive?: boolean } = {}): Promise<void> {
    await this.run(cmd('zfs', ['destroy', ...(opts.recursive ? ['-r'] : []), name], true, { timeoutMs: this.timeouts.longMs }), name);
  }

  /** `zfs destroy -nvp ds@a,b,c`: exact bytes the set would free (OpenZFS). */
  async destroyDryRun(dataset: string, snapshots: readonly string[]): Promise<number | undefined> {
    const r = await this.run(cmd('zfs', ['destroy', '-nvp', `${dataset}@${snapshots.join(',')}`]), dataset);
    return parseDestroyDryRun(r.stdout).reclaimBytes;
  }

  async clone(snapshot: string, target: string, props: Record<string, string> = {}): Promise<void> {
    await this.run(cmd('zfs', ['clone', ...propArgs(props), snapshot, target], true), snapshot);
  }

  async rename(from: string, to: string): Promise<void> {
    await this.run(cmd('zfs', ['rename', from, to], true), from);
  }

  async promote(dataset: string): Promise<void> {
    await this.run(cmd('zfs', ['promote', dataset], true, { timeoutMs: this.timeouts.longMs }), dataset);
  }

  /** `-r` destroys later snapshots, `-R` also their clones. */
  async rollback(snapshot: string, mode: 'none' | 'later' | 'clones'): Promise<void> {
    const flag = mode === 'clones' ? ['-R'] : mode === 'later' ? ['-r'] : [];
    await this.run(cmd('zfs', ['rollback', ...flag, snapshot], true, { timeoutMs: this.timeouts.longMs }), snapshot);
  }

  async mount(dataset: string): Promise<void> {
    await this.run(cmd('zfs', ['mount', dataset], true), dataset);
  }

  async unmount(dataset: string): Promise<void> {
    await this.run(cmd('zfs', ['unmount', dataset], true), dataset);
  }

  async set(name: string, props: Record<string, string>): Promise<void> {
    for (const [k, v] of Object.entries(props)) await this.run(cmd('zfs', ['set', `${k}=${v}`, name], true), name);
  }

  async inherit(name: string, prop: string): Promise<void> {
    await this.run(cmd('zfs', ['inherit', prop, name], true), name);
  }

  async create(dataset: string, props: Record<string, string> = {}): Promise<void> {
    await this.run(cmd('zfs', ['create', '-p', ...propArgs(props), dataset], true), dataset);
  }

  /**
   * Runs one zfs command. A mutating command refused with "dataset is busy" is retried a few times: right after a
   * mount or unmount both zfs-fuse and OpenZFS report transient EBUSY (Proxmox retries its destroys the same way);
   * a dataset that stays busy (a running container) still fails after about two seconds.
   */
  private async run(command: Command, subject?: string) {
    const timed = command.timeoutMs === undefined && this.timeouts.shortMs ? { ...command, timeoutMs: this.timeouts.shortMs } : command;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runner.run(timed);
      } catch (error) {
        const translated = translateZfsError(error, subject);
        const busy = translated instanceof LxcriError && translated.code === 'busy';
        if (!busy || !command.mutates || attempt >= BUSY_RETRIES) throw translated;
        await sleep(BUSY_BACKOFF_MS * attempt);
      }
    }
  }
}

function propArgs(props: Record<string, string>): string[] {
  return Object.entries(props).flatMap(([k, v]) => ['-o', `${k}=${v}`]);
}

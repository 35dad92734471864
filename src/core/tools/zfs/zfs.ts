import { cmd, type Command, type Runner } from '../../runner/command.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { LxcriError } from '../../errors.js';
import { firstLines, ToolFailedError } from '../../runner/errors.js';
import type { DatasetRecord } from '../../model/dataset.js';
import { capabilitiesFromProbe, type ZfsCapabilities } from './capabilities.js';
import { BUSY_BACKOFF, busyDelays, busyWaitLine, currentBusyListener, DatasetBusyError, type BusyBackoff, type BusyEvent, type BusyListener } from './busy.js';
import { translateZfsError } from './errors.js';
import { poolOf } from './names.js';
import { parseResumeTokens, parseSendEstimate } from './send.js';
import { parseZfsListJson, ZFS_LIST_JSON_FLAGS, ZFS_LIST_JSON_TYPES } from './json.js';
import { listingProperties } from './properties.js';
import { parseDestroyDryRun, parseLocalProperties, parseZfsGet, parseZfsList } from './parse.js';
import { dependentsToFree, failedRemounts, parseDependencyListing, renamedDespiteFailure } from './rename.js';

export interface ZfsTimeouts {
  /** For reads and quick changes; the runner's default when unset. */
  shortMs?: number;
  /** For destroy, rollback, promote and other work that grows with the data. */
  longMs: number;
}

export interface ZfsWaiting {
  /** Pauses between attempts of a command refused as busy; BUSY_BACKOFF when unset. */
  backoff?: BusyBackoff;
  /** Tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Told of every busy wait; an operation's own listener (reportBusyWaits) is told instead while it runs. */
  onBusyWait?: BusyListener;
}

/** What a command refused as busy waits for, and what may hold it (for the message when it gives up). */
interface BusyContext {
  dataset: string;
  holders: string;
}

const HOLDERS = 'a process or a container (its mount namespace) using the mountpoint, or zfs-fuse still releasing it after an unmount';

/** For a `.catch`: zfs saying the change is already in place (a hold held, a release released) is success. */
function alreadyDone(said: RegExp): (error: unknown) => void {
  return (error) => {
    const text = error instanceof Error ? `${error.message} ${(error as { result?: { stderr?: string } }).result?.stderr ?? ''}` : '';
    if (!said.test(text)) throw error;
  };
}

/** Builds zfs argv, runs it through the runner, parses the answer. Knows the flavour once detected. */
/** Changes to one node's zfs, gathered to run together (Zfs.apply): each as its command and as its method alone. */
export class ZfsChanges {
  readonly items: Array<{ command: Command; alone: () => Promise<void> }> = [];

  constructor(private readonly zfs: Zfs) {}

  set(name: string, props: Record<string, string>): this {
    for (const [k, v] of Object.entries(props))
      this.items.push({ command: cmd('zfs', ['set', `${k}=${v}`, name], true), alone: () => this.zfs.set(name, { [k]: v }) });
    return this;
  }

  inherit(name: string, prop: string): this {
    this.items.push({ command: cmd('zfs', ['inherit', prop, name], true), alone: () => this.zfs.inherit(name, prop) });
    return this;
  }

  hold(tag: string, snapshot: string): this {
    this.items.push({ command: cmd('zfs', ['hold', tag, snapshot], true), alone: () => this.zfs.hold(tag, snapshot) });
    return this;
  }

  release(tag: string, snapshot: string): this {
    this.items.push({ command: cmd('zfs', ['release', tag, snapshot], true), alone: () => this.zfs.release(tag, snapshot) });
    return this;
  }

  /** An unmount whose failure is no error (a dataset not mounted). */
  unmountIfAny(dataset: string): this {
    this.items.push({ command: cmd('zfs', ['unmount', dataset], true), alone: () => this.zfs.unmount(dataset).catch(() => undefined) });
    return this;
  }
}

export class Zfs {
  private caps?: ZfsCapabilities;
  private detecting?: Promise<ZfsCapabilities>;

  constructor(
    private readonly runner: Runner,
    private readonly timeouts: ZfsTimeouts = { longMs: 600_000 },
    private readonly waiting: ZfsWaiting = {},
  ) {}

  get capabilities(): ZfsCapabilities {
    if (!this.caps) throw new Error('Zfs.detect() must run before capabilities are read');
    return this.caps;
  }

  /**
   * Detects the flavour: `zfs version` exists on OpenZFS >= 0.8 only; legacy ZFS reports its pool version. Calls while
   * it runs share its one probe (a replication warms the target's connection with it while it plans).
   */
  detect(): Promise<ZfsCapabilities> {
    if (this.caps) return Promise.resolve(this.caps);
    return (this.detecting ??= this.probe().finally(() => (this.detecting = undefined)));
  }

  private async probe(): Promise<ZfsCapabilities> {
    let zfsVersion: string | undefined;
    try {
      zfsVersion = (await this.run(cmd('zfs', ['version']))).stdout;
    } catch (error) {
      if (!(error instanceof ToolFailedError)) throw error;
    }
    // Legacy: the pool version comes with the next `zpool list` (its version column), no extra process for it.
    return (this.caps = capabilitiesFromProbe({ zfsVersion }));
  }

  /** Every dataset and snapshot under `root` (of every pool without one) with the tree's properties, in one process. */
  async listAll(root?: string): Promise<DatasetRecord[]> {
    const caps = await this.detect();
    const props = listingProperties(caps);
    const target = root ? [root] : [];
    if (caps.json) {
      const r = await this.run(cmd('zfs', ['list', ...ZFS_LIST_JSON_FLAGS, '-r', '-t', ZFS_LIST_JSON_TYPES, '-o', props.join(','), ...target]), root);
      return parseZfsListJson(r.stdout, props);
    }
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
      if (error instanceof LxcriError && error.code === 'not-found') return false;
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

  /**
   * `zfs destroy -nvp ds@first%last` (OpenZFS): the snapshots from `first` to `last` inclusive that a destroy of the
   * range would take, and the exact bytes it would free. Fails (as zfs does) when one of them has clones.
   */
  async destroyRangeDryRun(dataset: string, first: string, last: string): Promise<{ destroys: string[]; reclaimBytes: number | undefined }> {
    const r = await this.run(cmd('zfs', ['destroy', '-nvp', `${dataset}@${first}%${last}`]), dataset);
    return parseDestroyDryRun(r.stdout);
  }

  async clone(snapshot: string, target: string, props: Record<string, string> = {}): Promise<void> {
    await this.run(cmd('zfs', ['clone', ...propArgs(props), snapshot, target], true), snapshot);
  }

  /**
   * Renames a dataset. `zfs rename` unmounts every mounted dependent first (children, and clones of its snapshots
   * such as the branch a previous restore left mounted), renames, and mounts them again. zfs-fuse releases an
   * unmounted dataset only later, in its daemon, so the rename is refused as busy while a just-unmounted clone still
   * holds its origin snapshot; on refusal zfs mounts the clones again, so trying the same command again only replays
   * that race. Hence, when refused: unmount those dependents here, wait (bounded, reported) until the rename goes
   * through, then mount them again.
   */
  async rename(from: string, to: string): Promise<void> {
    const command = cmd('zfs', ['rename', from, to], true);
    let remount: string[] = [];
    try {
      await this.runner.run(this.timed(command));
      return;
    } catch (error) {
      if (!(error instanceof ToolFailedError)) throw translateZfsError(error, from);
      const text = error.result.stderr + error.result.stdout;
      remount = failedRemounts(text);
      // Renamed, but zfs could not mount a dependent again (still being released): mount it once it is free.
      if (renamedDespiteFailure(text)) {
        await this.mountAgain(remount.map((d) => movedName(d, from, to)));
        return;
      }
      const translated = translateZfsError(error, from);
      if (!(translated instanceof LxcriError && translated.code === 'busy')) throw translated;
    }
    const listing = await this.run(cmd('zfs', ['list', '-H', '-o', 'name,origin,mounted,mountpoint', '-t', 'filesystem', '-r', poolOf(from)]), from);
    const unmounted = dependentsToFree(parseDependencyListing(listing.stdout), from, remount);
    if (unmounted.length) {
      this.tell(`${from} is busy: unmounting ${unmounted.join(', ')} for the rename`, { kind: 'freeing', dataset: from, dependents: unmounted });
    }
    const done: string[] = [];
    try {
      for (const d of [...unmounted].reverse()) {
        await this.unmountIfMounted(d);
        done.push(d);
      }
      await this.run(
        command,
        from,
        {
          dataset: from,
          holders: unmounted.length ? `${HOLDERS} (its dependents ${unmounted.join(', ')} were unmounted for the rename)` : HOLDERS,
        },
        2,
      );
    } catch (error) {
      // Not renamed: put back what was unmounted, and say so when that fails too.
      const notMounted = await this.mountAgain(done.reverse());
      if (notMounted.length && error instanceof Error) error.message += `; ${notMounted.join(', ')} could not be mounted again`;
      throw error;
    }
    await this.mountAgain(unmounted.map((d) => movedName(d, from, to)));
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

  /** `zfs hold <tag> <snapshot>`: a held snapshot cannot be destroyed (zfs-fuse has no `zfs holds`: read `userrefs`). */
  async hold(tag: string, snapshot: string): Promise<void> {
    await this.run(cmd('zfs', ['hold', tag, snapshot], true), snapshot).catch(alreadyDone(/tag already exists on this dataset/));
  }

  /** Releases the hold; one already released counts as done (a step run again after a kill). */
  async release(tag: string, snapshot: string): Promise<void> {
    await this.run(cmd('zfs', ['release', tag, snapshot], true), snapshot).catch(alreadyDone(/no such tag on this dataset/));
  }

  /** The `zfs send` half of a transfer (`from`: incremental with -i or -I); run through Runner.pipe into a receive. */
  sendCommand(to: string, from?: { snapshot: string; flag: '-i' | '-I' }): Command {
    // -p: the snapshots' labels and kinds (user properties) travel with them, and the branch marks of the datasets.
    return this.timed(cmd('zfs', ['send', '-p', ...(from ? [from.flag, from.snapshot] : []), to], false, { timeoutMs: this.timeouts.longMs }));
  }

  /**
   * `zfs recv -F <dataset>`: the replica is rolled back to the stream's base first (it only mirrors the source).
   * `resumable` (OpenZFS): `-s`, so a cut stream leaves a `receive_resume_token` to go on from instead of nothing.
   */
  receiveCommand(dataset: string, resumable = false): Command {
    return this.timed(cmd('zfs', ['recv', ...(resumable ? ['-s'] : []), '-F', dataset], true, { timeoutMs: this.timeouts.longMs }));
  }

  /** `zfs send -t <token>`: the rest of a stream a resumable receive was cut in (OpenZFS). */
  resumeSendCommand(token: string): Command {
    return this.timed(cmd('zfs', ['send', '-t', token], false, { timeoutMs: this.timeouts.longMs }));
  }

  /** What a send would carry, from `zfs send -nvP` (OpenZFS); undefined when it prints no size. */
  async sendEstimate(to: string, from?: { snapshot: string; flag: '-i' | '-I' }): Promise<number | undefined> {
    const r = await this.run(cmd('zfs', ['send', '-nvP', ...(from ? [from.flag, from.snapshot] : []), to]), to);
    // The dry run prints to stdout on current OpenZFS, to stderr on older releases.
    return parseSendEstimate(r.stdout) ?? parseSendEstimate(r.stderr);
  }

  /** Interrupted resumable receives under `root`: dataset -> its `receive_resume_token` (OpenZFS). */
  async resumeTokens(root: string): Promise<Map<string, string>> {
    const r = await this.run(cmd('zfs', ['get', '-H', '-r', '-o', 'name,value', 'receive_resume_token', root]), root);
    return parseResumeTokens(r.stdout);
  }

  async create(dataset: string, props: Record<string, string> = {}): Promise<void> {
    await this.run(cmd('zfs', ['create', '-p', ...propArgs(props), dataset], true), dataset);
  }

  private async unmountIfMounted(dataset: string): Promise<void> {
    try {
      await this.unmount(dataset);
    } catch (error) {
      if (!(error instanceof LxcriError && error.code === 'not-mounted')) throw error;
    }
  }

  /**
   * Mounts dependents a rename unmounted (each waiting while busy). One that cannot be mounted is reported to the
   * busy listener and returned, not thrown: after a rename that happened, its caller must not take it for undone.
   */
  private async mountAgain(datasets: readonly string[]): Promise<string[]> {
    const failed: string[] = [];
    for (const d of datasets) {
      try {
        await this.mount(d);
      } catch (error) {
        if (error instanceof LxcriError && error.code === 'already-mounted') continue;
        failed.push(d);
        this.tell(`could not mount ${d} again after unmounting it for a rename (${(error as Error).message}); mount it with \`zfs mount ${d}\``, {
          kind: 'not-remounted',
          dataset: d,
          error: error as Error,
        });
      }
    }
    return failed;
  }

  /**
   * Changes run together (ZfsChanges): in one invocation where the runner can (Runner.runSequence), and from the first
   * that failed on, each on its own as its method runs it (busy retries, what it tolerates, its error).
   */
  async apply(changes: ZfsChanges): Promise<void> {
    const items = changes.items;
    const ran = items.length > 1 && this.runner.runSequence ? await this.runner.runSequence(items.map((c) => this.timed(c.command))) : 0;
    for (const item of items.slice(ran)) await item.alone();
  }

  /** A list of changes to this zfs, run by apply(). */
  changes(): ZfsChanges {
    return new ZfsChanges(this);
  }

  private tell(line: string, event: BusyEvent): void {
    (currentBusyListener() ?? this.waiting.onBusyWait)?.(line, event);
  }

  private timed(command: Command): Command {
    return command.timeoutMs === undefined && this.timeouts.shortMs ? { ...command, timeoutMs: this.timeouts.shortMs } : command;
  }

  /**
   * Runs one zfs command. A mutating command refused with "dataset is busy" is tried again after the pauses of
   * BUSY_BACKOFF (about 12 s in all), each pause reported to the operation's busy listener: right after a mount or
   * unmount zfs-fuse (which releases datasets in its daemon, later) and OpenZFS both report transient EBUSY (Proxmox
   * retries its destroys the same way). A dataset that stays busy (a running container) fails with DatasetBusyError,
   * saying how long it waited and what may hold it.
   */
  private async run(command: Command, subject?: string, busy?: BusyContext, firstAttempt = 1) {
    const timed = this.timed(command);
    const delays = busyDelays(this.waiting.backoff ?? BUSY_BACKOFF);
    const sleep = this.waiting.sleep ?? defaultSleep;
    let waitedMs = 0;
    for (let attempt = firstAttempt, i = 0; ; attempt++, i++) {
      try {
        return await this.runner.run(timed);
      } catch (error) {
        const translated = translateZfsError(error, subject);
        const refused = translated instanceof LxcriError && translated.code === 'busy';
        if (!refused || !command.mutates) throw translated;
        const dataset = busy?.dataset ?? subject ?? command.args[command.args.length - 1] ?? '?';
        const delayMs = delays[i];
        if (delayMs === undefined) {
          throw new DatasetBusyError(dataset, attempt, waitedMs, errorLine(error), busy?.holders ?? HOLDERS);
        }
        waitedMs += delayMs;
        const wait = { dataset, attempt: attempt + 1, waitedMs, delayMs };
        this.tell(busyWaitLine(wait), { kind: 'wait', ...wait });
        await sleep(delayMs);
      }
    }
  }
}

const defaultSleep = (ms: number) => sleep(ms).then(() => undefined);

/** A dependent's name after `from` became `to` (descendants move along, clones keep theirs). */
function movedName(name: string, from: string, to: string): string {
  return name === from ? to : name.startsWith(`${from}/`) ? `${to}${name.slice(from.length)}` : name;
}

function errorLine(error: unknown): string {
  return firstLines(error instanceof ToolFailedError ? error.result.stderr + error.result.stdout : (error as Error).message);
}

function propArgs(props: Record<string, string>): string[] {
  return Object.entries(props).flatMap(([k, v]) => ['-o', `${k}=${v}`]);
}

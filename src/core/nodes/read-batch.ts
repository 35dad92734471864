import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { cmd, formatCommand, type Command, type CommandResult, type RunOptions, type Runner } from '../runner/command.js';
import { ToolFailedError, ToolMissingError } from '../runner/errors.js';
import { shellQuote } from './shell-quote.js';
import { missingTool, remoteCommand, type SshRunner } from './ssh-runner.js';

export interface BatchItem {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const key = (c: Command) => JSON.stringify([c.tool, ...c.args]);

/**
 * One remote invocation running several read commands one after another, each one's stdout, exit code and stderr
 * returned in its own section: `<stdout>\n<M> out <i> <rc>\n<stderr>\n<M> err <i>\n`, M a marker with a random nonce
 * no command output can guess. The script is built from constants and the commands' quoted argv only.
 */
export function batchScript(commands: readonly Command[], marker: string, stopOnFailure = false): string {
  const lines = [`M=${shellQuote(marker)}; e=$(mktemp) || exit 125; trap 'rm -f "$e"' EXIT`];
  // A sequence of changes stops at the first that fails (exit 0: its section says which, and why).
  const stop = stopOnFailure ? `; [ "$r" = 0 ] || exit 0` : '';
  commands.forEach((c, i) => {
    lines.push(`${remoteCommand(c)} 2>"$e" </dev/null; r=$?; printf '\\n%s out ${i} %s\\n' "$M" "$r"; cat "$e"; printf '\\n%s err ${i}\\n' "$M"${stop}`);
  });
  return lines.join('\n');
}

/** Splits a batch's stdout back into one result per command (a command whose section is missing is absent). */
export function parseBatch(stdout: string, count: number, marker: string): Array<BatchItem | undefined> {
  const out: Array<BatchItem | undefined> = new Array<BatchItem | undefined>(count).fill(undefined);
  let rest = stdout;
  for (let i = 0; i < count; i++) {
    const outMark = new RegExp(`\\n${marker} out ${i} (\\d+)\\n`).exec(rest);
    if (!outMark) break;
    const afterOut = rest.slice(outMark.index + outMark[0].length);
    const errMark = `\n${marker} err ${i}\n`;
    const end = afterOut.indexOf(errMark);
    if (end < 0) break;
    out[i] = { stdout: rest.slice(0, outMark.index), exitCode: Number(outMark[1]), stderr: afterOut.slice(0, end) };
    rest = afterOut.slice(end + errMark.length);
  }
  return out;
}

/**
 * Refreshing a node over ssh costs one round trip: the reads the last refresh made are learned, run together in one
 * invocation when the next one begins, and served from that answer; a read not learned yet goes through on its own
 * (and is learned), a read no longer made is forgotten, and any change drops what was read (it may be stale).
 */
export class BatchingRunner implements Runner {
  private learned = new Map<string, Command>();
  private cache = new Map<string, BatchItem>();
  private used = new Set<string>();
  private window = false;
  /** Which refresh the window belongs to: a late end() of one that timed out leaves a newer one open. */
  private generation = 0;
  /** Aborts the current refresh's commands still running (abort()). */
  private stop?: AbortController;
  /** Why the current refresh was given up: its further commands fail with this at once. */
  private stopped?: Error;
  /** ssh invocations this runner made (the bench counts them). */
  invocations = 0;
  /** Which refresh a command belongs to: only the refresh's own commands are batched, learned and stopped. */
  private readonly scope = new AsyncLocalStorage<number>();
  /** Bumped by every change made through this node: a batch answer begun before it is stale. */
  private epoch = 0;

  constructor(
    private readonly ssh: SshRunner,
    learned: readonly Command[] = [],
  ) {
    for (const c of learned) this.learned.set(key(c), c);
  }

  /** The reads to run together next time (to keep them across processes). */
  get learnedReads(): Command[] {
    return [...this.learned.values()];
  }

  /** The latest refresh's generation; begin() sets it before it first waits (so a caller has it even if begin fails). */
  get currentGeneration(): number {
    return this.generation;
  }

  /** Starts a refresh: runs every learned read in one invocation. Returns the refresh's generation, for end(). */
  async begin(options: RunOptions & { timeoutMs?: number } = {}): Promise<number> {
    const generation = ++this.generation;
    this.window = true;
    this.stop = new AbortController();
    this.stopped = undefined;
    this.used.clear();
    this.cache.clear();
    const reads = [...this.learned.values()];
    if (!reads.length) return generation;
    const marker = `@@lxcri-${randomBytes(8).toString('hex')}`;
    this.invocations++;
    const { timeoutMs, ...runOptions } = options;
    const epoch = this.epoch;
    const r = await this.ssh.runRemote(
      cmd('sh', ['(batched reads)'], false, timeoutMs ? { timeoutMs } : {}),
      batchScript(reads, marker),
      this.withStop(runOptions),
    );
    // A newer refresh began meanwhile (this one timed out): its own batch is the current one. A change was made
    // meanwhile (an operation on this node): the answer may predate it, so the reads go through on their own.
    if (generation !== this.generation || epoch !== this.epoch) return generation;
    parseBatch(r.stdout, reads.length, marker).forEach((item, i) => {
      if (item) this.cache.set(key(reads[i]!), item);
    });
    return generation;
  }

  /**
   * The current refresh is given up (it ran out of time): its commands still running are aborted, and every further
   * one fails at once with `reason`, until the next begin() or its end(). Without this, a refresh that timed out went
   * on in the background, one command after another, each waiting out its own timeout on a node that did not answer
   * (and a CLI could not exit before they all had).
   */
  abort(reason: Error): void {
    if (!this.window) return;
    this.stopped = reason;
    this.stop?.abort(reason);
  }

  /**
   * Ends the refresh (that generation's only, when given): what was not read this time is forgotten, unless the
   * refresh did not complete (`completed` false: the node failed, or it was given up), having read only part of it.
   */
  end(generation?: number, completed = true): void {
    if (!this.window || (generation !== undefined && generation !== this.generation)) return;
    this.window = false;
    if (completed && !this.stopped) for (const k of [...this.learned.keys()]) if (!this.used.has(k)) this.learned.delete(k);
    this.cache.clear();
    this.stop = undefined;
    this.stopped = undefined;
  }

  /**
   * Runs the refresh's task: its commands, and only those, are served from the batch, learned, and stopped by
   * abort(); an operation running meanwhile on the same node (the console refreshes while a restore runs) neither
   * reads the refresh's answers nor is stopped with it.
   */
  within<T>(task: () => Promise<T>): Promise<T> {
    return this.scope.run(this.generation, task);
  }

  private inRefresh(): boolean {
    return this.window && this.scope.getStore() === this.generation;
  }

  /** A command of the current refresh is aborted with it (abort()). */
  private withStop(options: RunOptions = {}): RunOptions {
    if (!this.window || !this.stop) return options;
    return { ...options, signal: options.signal ? AbortSignal.any([options.signal, this.stop.signal]) : this.stop.signal };
  }

  /**
   * Changes in one invocation, one after another, up to the first that fails: how many succeeded. A script that could
   * not run (no temporary file) ran none of them; ssh's own failure (the node unreachable) is that error.
   */
  async runSequence(commands: readonly Command[], options?: RunOptions): Promise<number> {
    this.epoch++;
    this.cache.clear();
    this.invocations++;
    const marker = `@@lxcri-${randomBytes(8).toString('hex')}`;
    const timeouts = commands.map((c) => c.timeoutMs);
    const timeoutMs = timeouts.every((t) => t !== undefined) ? timeouts.reduce((a, b) => a! + b!, 0) : undefined;
    try {
      const r = await this.ssh.runRemote(
        cmd('sh', ['(zfs changes)', ...commands.map(formatCommand)], true, timeoutMs !== undefined ? { timeoutMs } : {}),
        batchScript(commands, marker, true),
        this.inRefresh() ? this.withStop(options) : options,
      );
      const items = parseBatch(r.stdout, commands.length, marker);
      const ok = items.findIndex((item) => item?.exitCode !== 0);
      return ok < 0 ? commands.length : ok;
    } catch (error) {
      if (error instanceof ToolFailedError) return 0;
      throw error;
    }
  }

  async run(command: Command, options?: RunOptions): Promise<CommandResult> {
    if (command.mutates) {
      this.epoch++;
      this.cache.clear();
    }
    if (!this.inRefresh()) {
      this.invocations++;
      return this.ssh.run(command, options);
    }
    if (this.stopped) throw this.stopped;
    if (command.mutates) {
      this.invocations++;
      return this.ssh.run(command, this.withStop(options));
    }
    const k = key(command);
    if (this.window) {
      this.used.add(k);
      this.learned.set(k, command);
    }
    const hit = this.cache.get(k);
    if (hit) {
      const result: CommandResult = { command, exitCode: hit.exitCode, stdout: hit.stdout, stderr: hit.stderr, durationMs: 0 };
      // As SshRunner reports the same command run on its own.
      if (missingTool(hit.exitCode, hit.stderr)) throw new ToolMissingError(command);
      if (hit.exitCode !== 0) throw new ToolFailedError(result);
      return result;
    }
    this.invocations++;
    return this.ssh.run(command, this.withStop(options));
  }
}

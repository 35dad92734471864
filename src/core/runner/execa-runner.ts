import { existsSync } from 'node:fs';
import { execa } from 'execa';
import type { Logger } from 'pino';
import type { Command, CommandResult, PipeOptions, PipeResult, RunOptions, Runner } from './command.js';
import { ToolAbortedError, ToolFailedError, ToolMissingError, ToolTimeoutError } from './errors.js';
import { KeyedQueue } from './keyed-queue.js';

export interface ExecaRunnerOptions {
  defaultTimeoutMs?: number;
  logger?: Logger;
  /** Counts every spawned process; the benchmark reads it. */
  onSpawn?: (command: Command) => void;
}

/** The one place a process is spawned: argv arrays through execa, never a shell. */
export class ExecaRunner implements Runner {
  private readonly queue = new KeyedQueue();
  readonly defaultTimeoutMs: number;

  constructor(private readonly options: ExecaRunnerOptions = {}) {
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
  }

  has(tool: string): boolean {
    return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(`${dir}/${tool}`));
  }

  run(command: Command, options: RunOptions = {}): Promise<CommandResult> {
    return this.queue.run(command.lockKey, () => this.spawn(command, options));
  }

  private async spawn(command: Command, { signal }: RunOptions): Promise<CommandResult> {
    if (signal?.aborted) throw new ToolAbortedError(command);
    const timeoutMs = command.timeoutMs ?? this.defaultTimeoutMs;
    const started = performance.now();
    this.options.onSpawn?.(command);
    const child = await execa(command.tool, [...command.args], {
      reject: false,
      timeout: timeoutMs,
      cancelSignal: signal,
      forceKillAfterDelay: 2_000,
      ...(command.input !== undefined ? { input: command.input } : { stdin: 'ignore' as const }),
      env: { LC_ALL: 'C', LANG: 'C' },
      stripFinalNewline: false,
    });
    const durationMs = Math.round(performance.now() - started);
    const result: CommandResult = {
      command,
      exitCode: typeof child.exitCode === 'number' ? child.exitCode : -1,
      stdout: String(child.stdout ?? ''),
      stderr: String(child.stderr ?? ''),
      durationMs,
    };
    let error: Error | undefined;
    if ((child as { code?: string }).code === 'ENOENT') error = new ToolMissingError(command);
    else if (child.timedOut) error = new ToolTimeoutError(command, timeoutMs);
    else if (child.isCanceled) error = new ToolAbortedError(command);
    else if (child.failed) error = new ToolFailedError(result);
    this.record(command, result, error);
    if (error) throw error;
    return result;
  }

  async pipe(from: Command, to: Command, { signal, onBytes }: PipeOptions = {}): Promise<PipeResult> {
    if (signal?.aborted) throw new ToolAbortedError(from);
    const started = performance.now();
    this.options.onSpawn?.(from);
    this.options.onSpawn?.(to);
    const common = { reject: false, cancelSignal: signal, forceKillAfterDelay: 2_000, env: { LC_ALL: 'C', LANG: 'C' }, stripFinalNewline: false } as const;
    const sender = execa(from.tool, [...from.args], {
      ...common,
      timeout: from.timeoutMs ?? this.defaultTimeoutMs,
      stdin: 'ignore',
      buffer: { stdout: false },
    });
    const receiver = execa(to.tool, [...to.args], { ...common, timeout: to.timeoutMs ?? this.defaultTimeoutMs, stdin: 'pipe' });
    let bytes = 0;
    sender.stdout!.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      onBytes?.(bytes);
    });
    sender.stdout!.pipe(receiver.stdin!);
    // A receiver that dies closes the pipe: the sender then fails with EPIPE, which says nothing of why.
    receiver.stdin!.on('error', () => undefined);
    const [a, b] = await Promise.all([sender, receiver]);
    const durationMs = Math.round(performance.now() - started);
    const result = (c: Command, x: typeof a | typeof b): CommandResult => ({
      command: c,
      exitCode: typeof x.exitCode === 'number' ? x.exitCode : -1,
      stdout: typeof x.stdout === 'string' ? x.stdout : '',
      stderr: String(x.stderr ?? ''),
      durationMs,
    });
    const errorOf = (c: Command, x: typeof a | typeof b, timeoutMs: number): Error | undefined => {
      if ((x as { code?: string }).code === 'ENOENT') return new ToolMissingError(c);
      if (x.timedOut) return new ToolTimeoutError(c, timeoutMs);
      if (x.isCanceled) return new ToolAbortedError(c);
      if (x.failed) return new ToolFailedError(result(c, x));
      return undefined;
    };
    const toError = errorOf(to, b, to.timeoutMs ?? this.defaultTimeoutMs);
    const fromError = errorOf(from, a, from.timeoutMs ?? this.defaultTimeoutMs);
    this.record(from, result(from, a), fromError);
    this.record(to, result(to, b), toError);
    if (toError) throw toError;
    if (fromError) throw fromError;
    return { bytes, from: result(from, a), to: result(to, b) };
  }

  private record(command: Command, result: CommandResult, error?: Error): void {
    const argv = [command.tool, ...command.args];
    const fields = { argv, exit: result.exitCode, ms: result.durationMs, ...(error ? { error: error.message } : {}) };
    if (command.mutates) this.options.logger?.info(fields, 'command');
    else this.options.logger?.debug(fields, 'command');
  }
}

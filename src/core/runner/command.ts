/** A command is data: the runner is the only code that turns it into a process. */
export interface Command {
  tool: string;
  args: readonly string[];
  /** Mutating commands go to the command log and the log file. */
  mutates: boolean;
  /** Overrides the runner's default timeout. */
  timeoutMs?: number;
  /** Serialises commands that touch the same object (for example a container id). */
  lockKey?: string;
  /** Written to the command's stdin (a file's content sent to another node); absent: no stdin. */
  input?: string;
}

export interface CommandResult {
  command: Command;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunOptions {
  signal?: AbortSignal;
}

/** What a pipe of two commands did: the bytes that went through, and each side's result. */
export interface PipeResult {
  bytes: number;
  from: CommandResult;
  to: CommandResult;
}

export interface PipeOptions extends RunOptions {
  /** Called as bytes go through (a send's progress). */
  onBytes?: (bytes: number) => void;
}

export interface Runner {
  /** Resolves on exit code 0; rejects with ToolMissingError, ToolFailedError, ToolTimeoutError or ToolAbortedError. */
  run(command: Command, options?: RunOptions): Promise<CommandResult>;
  /** Whether a tool can be run at all, known without running it (absent: unknown). */
  has?(tool: string): boolean;
  /**
   * `from | to`: the first command's stdout streamed into the second's stdin (a zfs send into a zfs recv), never
   * through a shell. Rejects like run() with the error of the side that failed (the receiver's first).
   */
  pipe?(from: Command, to: Command, options?: PipeOptions): Promise<PipeResult>;
  /**
   * Changes run one after another in one go (one ssh invocation for a node), stopping at the first that fails.
   * Resolves with how many succeeded: the caller runs the failed one and the rest on their own, the usual way (with
   * its retries and the errors it tolerates), so each must be one that can run again (zfs set, hold, release). A run
   * that did not say how far it got resolves 0. Absent: each runs on its own.
   */
  runSequence?(commands: readonly Command[], options?: RunOptions): Promise<number>;
}

export function cmd(tool: string, args: readonly string[], mutates = false, extra: Partial<Command> = {}): Command {
  return { tool, args, mutates, ...extra };
}

export function formatCommand(command: Command): string {
  return [command.tool, ...command.args.map(quoteArg)].join(' ');
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

import type { Command, CommandResult, RunOptions, Runner } from './command.js';
import { formatCommand } from './command.js';
import { ToolFailedError, ToolMissingError, ToolTimeoutError } from './errors.js';

export interface Expectation {
  argv: readonly string[];
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** Instead of output: the process is missing, or it times out. */
  fail?: 'missing' | 'timeout';
  /** Expectations marked optional may run at most once and are not reported if unused. */
  optional?: boolean;
}

/**
 * Test double for the runner, after lazygit's FakeCmdObjRunner: commands must arrive in the order expected;
 * anything unexpected throws at once, and `assertDone()` reports expectations that never ran.
 */
export class FakeRunner implements Runner {
  private readonly expectations: Expectation[] = [];
  readonly ran: Command[] = [];

  expect(argv: readonly string[], output: Omit<Expectation, 'argv'> = {}): this {
    this.expectations.push({ argv, ...output });
    return this;
  }

  async run(command: Command, _options?: RunOptions): Promise<CommandResult> {
    const argv = [command.tool, ...command.args];
    let next = this.expectations.shift();
    while (next?.optional && !sameArgv(next.argv, argv)) next = this.expectations.shift();
    if (!next) throw new Error(`FakeRunner: unexpected command ${formatCommand(command)} (no more expectations)`);
    if (!sameArgv(next.argv, argv)) {
      throw new Error(`FakeRunner: unexpected command\n  got:      ${argv.join(' ')}\n  expected: ${next.argv.join(' ')}`);
    }
    this.ran.push(command);
    if (next.fail === 'missing') throw new ToolMissingError(command);
    if (next.fail === 'timeout') throw new ToolTimeoutError(command, command.timeoutMs ?? 30_000);
    const result: CommandResult = {
      command,
      exitCode: next.exitCode ?? 0,
      stdout: next.stdout ?? '',
      stderr: next.stderr ?? '',
      durationMs: 0,
    };
    if (result.exitCode !== 0) throw new ToolFailedError(result);
    return result;
  }

  /** Throws listing every expectation that never ran. */
  assertDone(): void {
    const left = this.expectations.filter((e) => !e.optional);
    if (left.length) throw new Error(`FakeRunner: expected commands never ran:\n${left.map((e) => '  ' + e.argv.join(' ')).join('\n')}`);
  }
}

function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

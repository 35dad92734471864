import { cmd, type Runner } from '../runner/command.js';
import { ToolFailedError } from '../runner/errors.js';
import type { HostFs } from './host-fs.js';

// Fixed scripts: the paths and the content only ever arrive as arguments ("$1") and stdin, never inside the script.
const WRITE_ATOMIC = 'set -e; mkdir -p -- "$(dirname -- "$1")"; t="$1.tmp-$$"; cat > "$t"; sync -- "$t" 2>/dev/null || true; mv -f -- "$t" "$1"';
const CREATE_EXCLUSIVE =
  'set -e; mkdir -p -- "$(dirname -- "$1")"; t="$1.new-$$"; cat > "$t"; if ln -- "$t" "$1" 2>/dev/null; then r=created; else r=exists; fi; rm -f -- "$t"; echo "$r"';
const APPEND = 'set -e; mkdir -p -- "$(dirname -- "$1")"; cat >> "$1"';
// Both read with an x after them ($(...) would drop trailing newlines); a file that is gone or differs is left as it is.
const REMOVE_IF_CONTENT = 'c=$(cat -- "$1" 2>/dev/null && echo x) || exit 0; w=$(cat; echo x); if [ "$c" = "$w" ]; then rm -f -- "$1"; fi';
const PROBE_DIRS = 'for d in "$@"; do mkdir -p -- "$d" && p="$d/.lxcri-probe-$$" && : > "$p" && rm -f -- "$p" || exit 1; done';

/**
 * A node's files through its runner, with the POSIX tools every node has (cat, ls, mkdir, mv, ln, rm): over ssh,
 * this is how the state dir, locks, journal and events.log of another node are read and written.
 */
export class CommandFs implements HostFs {
  constructor(
    private readonly runner: Runner,
    readonly where: string,
  ) {}

  async readFile(path: string): Promise<string | undefined> {
    try {
      return (await this.runner.run(cmd('cat', ['--', path]))).stdout;
    } catch (error) {
      if (error instanceof ToolFailedError) return undefined;
      throw error;
    }
  }

  async readDir(path: string): Promise<string[]> {
    try {
      return parseLs((await this.runner.run(cmd('ls', ['-1A', '--', path]))).stdout);
    } catch (error) {
      if (error instanceof ToolFailedError) return [];
      throw error;
    }
  }

  async writeAtomic(path: string, content: string): Promise<void> {
    await this.runner.run(cmd('sh', ['-c', WRITE_ATOMIC, 'sh', path], true, { input: content }));
  }

  async createExclusive(path: string, content: string): Promise<boolean> {
    const r = await this.runner.run(cmd('sh', ['-c', CREATE_EXCLUSIVE, 'sh', path], true, { input: content }));
    return r.stdout.trim() === 'created';
  }

  async append(path: string, content: string): Promise<void> {
    await this.runner.run(cmd('sh', ['-c', APPEND, 'sh', path], true, { input: content }));
  }

  async rename(from: string, to: string): Promise<void> {
    await this.runner.run(cmd('mv', ['-f', '--', from, to], true));
  }

  async remove(path: string): Promise<void> {
    await this.runner.run(cmd('rm', ['-rf', '--', path], true));
  }

  async removeIfContent(path: string, content: string): Promise<void> {
    await this.runner.run(cmd('sh', ['-c', REMOVE_IF_CONTENT, 'sh', path], true, { input: content }));
  }

  /** One round trip for every state directory of an operation (the normal case); a failure is looked at one by one. */
  async probeDirs(paths: readonly string[]): Promise<boolean> {
    try {
      await this.runner.run(cmd('sh', ['-c', PROBE_DIRS, 'sh', ...paths], true));
      return true;
    } catch (error) {
      if (error instanceof ToolFailedError) return false;
      throw error;
    }
  }

  async mkdir(path: string): Promise<void> {
    await this.runner.run(cmd('mkdir', ['-p', '--', path], true));
  }
}

/** `ls -1A`: one name a line (a name holding a newline cannot be told apart; state-dir names never do). */
export function parseLs(stdout: string): string[] {
  return stdout.split('\n').filter(Boolean);
}

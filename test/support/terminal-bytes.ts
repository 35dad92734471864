import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Screen } from '../../src/app/screen-diff.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A program on a real pseudo-terminal of a given size (script(1), the size set with stty inside it), with every byte
 * it writes to the terminal counted: what an admin's SSH connection would carry.
 */
export class PtyProgram {
  private chunks: Buffer[] = [];
  private total = 0;
  private lastAt = performance.now();
  private exited = false;
  /** What the terminal shows, played from the bytes (the console draws changed cells only, anywhere on the screen). */
  private readonly screenModel: Screen;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    columns: number,
    rows: number,
  ) {
    this.screenModel = new Screen(columns, rows);
    const decoder = new TextDecoder();
    child.stdout.on('data', (d: Buffer) => {
      this.screenModel.write(decoder.decode(d, { stream: true }));
      this.chunks.push(d);
      this.total += d.length;
      this.lastAt = performance.now();
    });
    child.on('exit', () => (this.exited = true));
  }

  static start(argv: string[], opts: { columns?: number; rows?: number; env?: Record<string, string> } = {}): PtyProgram {
    const { columns = 120, rows = 35 } = opts;
    // CI unset: Ink draws only the last frame when it is set, and an admin's terminal never has it.
    const inner = `stty cols ${columns} rows ${rows} && exec env -u CI ${argv.map(quote).join(' ')}`;
    const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'C.UTF-8', TERM: 'xterm-256color', ...opts.env };
    delete env.CI;
    const child = spawn('script', ['-qfec', inner, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    return new PtyProgram(child, columns, rows);
  }

  /** Bytes written to the terminal so far. */
  bytes(): number {
    return this.total;
  }

  /** The screen as the terminal shows it now, one line per row. */
  screen(): string {
    return this.screenModel.chars.map((row) => row.join('').trimEnd()).join('\n');
  }

  /** Everything written since byte `from` (raw). */
  since(from: number): string {
    return Buffer.concat(this.chunks).subarray(from).toString('utf8');
  }

  async waitFor(pattern: RegExp, ms = 20_000): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (pattern.test(this.screen())) return;
      if (this.exited) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`terminal never showed ${pattern}:\n${this.screen()}`);
  }

  /** Waits until nothing was written for `quietMs` from now (or `maxMs` passed, whichever first); true when it went quiet. */
  async settle(quietMs = 400, maxMs = 5_000): Promise<boolean> {
    const start = performance.now();
    const until = start + maxMs;
    while (performance.now() < until) {
      if (performance.now() - Math.max(this.lastAt, start) >= quietMs) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  }

  /** Bytes written during the next `ms` milliseconds. */
  async bytesDuring(ms: number): Promise<number> {
    const from = this.total;
    await new Promise((r) => setTimeout(r, ms));
    return this.total - from;
  }

  type(text: string): void {
    this.child.stdin.write(text);
  }

  stop(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.on('exit', () => resolve());
      this.child.kill('SIGTERM');
      setTimeout(() => this.child.kill('SIGKILL'), 3000).unref();
    });
  }
}

import { spawnSync } from 'node:child_process';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the CLI from source on a pseudo-terminal (`script`), as an admin's terminal would receive it: stdout and
 * stderr interleaved, raw bytes (the terminal's \r\n included).
 */
export function runCliOnPty(args: string[], env: Record<string, string> = {}): { status: number | null; output: string } {
  const command = [process.execPath, '--import', 'tsx', 'src/cli/bin.ts', ...args].map(quote).join(' ');
  const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, ...env },
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: r.status, output: r.stdout.toString('utf8') };
}

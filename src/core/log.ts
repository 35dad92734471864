import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';

/**
 * The log goes to a file, never to the terminal. If the configured file cannot be created (no root, read-only /var),
 * it falls back to ~/.local/state/lxcri-console/console.log, and then to no log at all.
 */
export function createFileLogger(file: string, level: string): { logger: Logger; file?: string } {
  const home = process.env.HOME ?? '/tmp';
  for (const candidate of [file, `${home}/.local/state/lxcri-console/console.log`]) {
    try {
      mkdirSync(dirname(candidate), { recursive: true });
      const dest = pino.destination({ dest: candidate, sync: true, mkdir: true });
      return { logger: pino({ level, base: { pid: process.pid } }, dest), file: candidate };
    } catch {
      // try the next place
    }
  }
  return { logger: pino({ level: 'silent' }) };
}

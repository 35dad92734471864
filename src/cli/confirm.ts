import { createInterface } from 'node:readline/promises';
import { AbortedError, RefusedError } from '../core/errors.js';
import { safeLines, safeText } from '../present/safe-text.js';
import type { CliEnv } from './command-spec.js';

/** Asks on the terminal; without one (scripts, CI) there is no way to confirm but --yes. */
export async function terminalConfirm(question: string, expected: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl-C at the prompt aborts the command: nothing has run yet.
  const abort = new AbortController();
  rl.once('SIGINT', () => abort.abort());
  try {
    // readline writes to the terminal itself, past main's io: the question names containers read from the host.
    const answer = await rl.question(`${safeLines(question)}\nType ${safeText(expected)} to confirm: `, { signal: abort.signal });
    return answer.trim() === expected;
  } catch (error) {
    if (abort.signal.aborted) throw new AbortedError('aborted at the confirmation');
    throw error;
  } finally {
    rl.close();
  }
}

/** --yes, or the typed confirmation; otherwise refuse, naming what was not done. */
export async function requireConfirmation(env: CliEnv, what: string, expected: string): Promise<void> {
  if (env.yes) return;
  if (await env.confirm(`This will ${what}.`, expected)) return;
  throw new RefusedError(`not confirmed: did not ${what}`, 'read the preview above and rerun with --yes to confirm');
}

import { cmd, formatCommand } from '../core/runner/command.js';
import type { CommandLogEntry } from '../core/runner/command-log.js';

/** How a command log row reads: still running, failed, a change to the system, or a read. */
export type CommandTone = 'running' | 'failed' | 'change' | 'read';

export interface CommandLogRow {
  text: string;
  tone: CommandTone;
}

/** Continuation rows of a command start with this; the rest of each row is the command's text, as it ran. */
export const COMMAND_CONTINUATION = '  ';

/**
 * A command cut into rows of `width` characters, continuation rows indented: the rows, each without its indent,
 * joined give back the command exactly (no space put into an argument cut across rows, none dropped). A row never
 * ends with a space (terminals drop trailing spaces): that space starts the next row instead.
 */
function cutRows(line: string, width: number): string[] {
  const chars = [...line];
  const rows: string[] = [];
  for (let i = 0; i < chars.length;) {
    const room = rows.length ? Math.max(1, width - COMMAND_CONTINUATION.length) : width;
    let end = Math.min(chars.length, i + room);
    while (end < chars.length && end > i + 1 && chars[end - 1] === ' ') end--;
    rows.push((rows.length ? COMMAND_CONTINUATION : '') + chars.slice(i, end).join(''));
    i = end;
  }
  return rows;
}

/**
 * The command log's rows: every command whole (its argv quoted as a shell would need it), cut to `width`, never cut
 * short: a group checkpoint names every dataset it snapshots, and an admin reads them all, as they ran. The view
 * windows these rows and the console scrolls by them, so both count the same.
 */
export function commandLogRows(log: readonly CommandLogEntry[], width: number): CommandLogRow[] {
  return log.flatMap((e) => {
    const state = e.exitCode === undefined ? 'running' : `exit ${e.exitCode} ${String(e.durationMs).padStart(4)} ms`;
    const tone: CommandTone = e.exitCode === undefined ? 'running' : e.exitCode !== 0 ? 'failed' : e.mutates ? 'change' : 'read';
    const line = `${new Date(e.at).toTimeString().slice(0, 8)} ${e.mutates ? '*' : ' '} [${state}] ${formatCommand(cmd(e.argv[0]!, e.argv.slice(1)))}${e.error ? `  ${e.error}` : ''}`;
    return cutRows(line, width).map((text) => ({ text, tone }));
  });
}

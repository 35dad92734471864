import { cmd, formatCommand } from '../core/runner/command.js';
import type { CommandLogEntry } from '../core/runner/command-log.js';
import { wrapLine } from './wrap.js';

/** How a command log row reads: still running, failed, a change to the system, or a read. */
export type CommandTone = 'running' | 'failed' | 'change' | 'read';

export interface CommandLogRow {
  text: string;
  tone: CommandTone;
}

/**
 * The command log's rows: every command whole (its argv quoted as a shell would need it), wrapped to `width`, never
 * cut: a group checkpoint names every dataset it snapshots, and an admin reads them all. The view windows these rows
 * and the console scrolls by them, so both count the same.
 */
export function commandLogRows(log: readonly CommandLogEntry[], width: number): CommandLogRow[] {
  return log.flatMap((e) => {
    const state = e.exitCode === undefined ? 'running' : `exit ${e.exitCode} ${String(e.durationMs).padStart(4)} ms`;
    const tone: CommandTone = e.exitCode === undefined ? 'running' : e.exitCode !== 0 ? 'failed' : e.mutates ? 'change' : 'read';
    const line = `${new Date(e.at).toTimeString().slice(0, 8)} ${e.mutates ? '*' : ' '} [${state}] ${formatCommand(cmd(e.argv[0]!, e.argv.slice(1)))}${e.error ? `  ${e.error}` : ''}`;
    return wrapLine(line, width).map((text) => ({ text, tone }));
  });
}

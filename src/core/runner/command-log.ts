import type { CoreStore } from '../store.js';
import type { Command, CommandResult, RunOptions, Runner } from './command.js';
import { ToolFailedError } from './errors.js';

/** One command the core ran (or is running: no exit code yet), as the console's command log (`@`) shows it. */
export interface CommandLogEntry {
  seq: number;
  argv: string[];
  mutates: boolean;
  /** When it started (ms since the epoch). */
  at: number;
  /** Absent while it runs. */
  exitCode?: number;
  durationMs?: number;
  error?: string;
}

const LIMIT = 500;

/**
 * Every command the core runs, whatever the runner (execa, the demo's simulator, ssh), goes to the store's command
 * log when it starts and again when it ends, so a long operation's commands show while they run.
 */
export function withCommandLog(runner: Runner, store: CoreStore): Runner {
  let seq = 0;
  const put = (entry: CommandLogEntry) =>
    store.setState((s) => {
      const log = s.commandLog.some((e) => e.seq === entry.seq) ? s.commandLog.map((e) => (e.seq === entry.seq ? entry : e)) : [...s.commandLog, entry];
      return { commandLog: log.slice(-LIMIT) };
    });
  const logged: Runner = {
    async run(command: Command, options?: RunOptions): Promise<CommandResult> {
      const started = Date.now();
      const entry: CommandLogEntry = { seq: ++seq, argv: [command.tool, ...command.args], mutates: command.mutates, at: started };
      put(entry);
      try {
        const result = await runner.run(command, options);
        put({ ...entry, exitCode: result.exitCode, durationMs: result.durationMs });
        return result;
      } catch (error) {
        const exitCode = error instanceof ToolFailedError ? error.result.exitCode : -1;
        put({ ...entry, exitCode, durationMs: Date.now() - started, error: (error as Error).message.split('\n')[0] });
        throw error;
      }
    },
  };
  if (runner.has) logged.has = (tool) => runner.has!(tool);
  // A sequence shows as its commands; those it did not get to (run again on their own) leave the log, which shows
  // them again when they run.
  if (runner.runSequence) {
    logged.runSequence = async (commands, options) => {
      const started = Date.now();
      const entries = commands.map((c): CommandLogEntry => ({ seq: ++seq, argv: [c.tool, ...c.args], mutates: c.mutates, at: started }));
      for (const e of entries) put(e);
      let ran = 0;
      try {
        ran = await runner.runSequence!(commands, options);
        return ran;
      } finally {
        const durationMs = Date.now() - started;
        entries.slice(0, ran).forEach((e) => put({ ...e, exitCode: 0, durationMs }));
        const dropped = new Set(entries.slice(ran).map((e) => e.seq));
        store.setState((s) => ({ commandLog: s.commandLog.filter((e) => !dropped.has(e.seq)) }));
      }
    };
  }
  return logged;
}

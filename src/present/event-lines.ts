import type { CommandLogEntry } from '../core/runner/command-log.js';
import type { RuntimeEvent } from '../core/state/events.js';

export interface EventLine {
  at: number;
  text: string;
  bad: boolean;
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** Local time of day for today's events, the date too for older ones (a six-week-old checkpoint says so). */
export function eventTime(ms: number, nowMs: number): string {
  const t = new Date(ms);
  const now = new Date(nowMs);
  const time = `${p2(t.getHours())}:${p2(t.getMinutes())}:${p2(t.getSeconds())}`;
  const sameDay = t.getFullYear() === now.getFullYear() && t.getMonth() === now.getMonth() && t.getDate() === now.getDate();
  const day = `${p2(t.getMonth() + 1)}-${p2(t.getDate())}`;
  return sameDay ? time : `${t.getFullYear() === now.getFullYear() ? day : `${t.getFullYear()}-${day}`} ${time.slice(0, 5)}`;
}

/**
 * The events pane's lines, oldest first: every console's operations from events.log (a failed or refused one with
 * its reason's first line) and this console's own finished changes from the command log.
 */
export function eventLines(events: readonly RuntimeEvent[], commands: readonly CommandLogEntry[], nowMs: number): EventLine[] {
  return [
    ...events.map((e) => {
      const at = Date.parse(e.ts);
      const who = `${e.user}${e.ssh_client ? `@${e.ssh_client.split(' ')[0]}` : ''}`;
      const why = e.result !== 'ok' && e.error ? `: ${e.error.split('\n')[0]}` : '';
      return { at, text: `${eventTime(at, nowMs)} ${who} ${e.operation} ${e.target} ${e.result} ${e.duration_ms}ms${why}`, bad: e.result !== 'ok' };
    }),
    ...commands
      .filter((c) => c.mutates && c.exitCode !== undefined)
      .map((c) => ({ at: c.at, text: `${eventTime(c.at, nowMs)} $ ${c.argv.join(' ')} -> ${c.exitCode} (${c.durationMs}ms)`, bad: c.exitCode !== 0 })),
  ].sort((a, b) => a.at - b.at);
}

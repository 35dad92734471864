import { readFileSync } from 'node:fs';

/**
 * A process's start time (clock ticks since boot, field 22 of /proc/<pid>/stat), or undefined where /proc has no
 * such process. Recorded with a pid, it tells a live owner from an unrelated process that reused the pid.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** This process's identity, as locks and journals record it. */
export const SELF = { pid: process.pid, pidStart: processStartTime(process.pid) };

/**
 * True when the process that wrote `pid` (and `pidStart`, when recorded) still runs on this host. A pid now held
 * by another process (its start time differs) counts as gone.
 */
export function processAlive(pid: number, pidStart?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (pidStart === undefined) return true;
  const now = processStartTime(pid);
  return now === undefined || now === pidStart;
}

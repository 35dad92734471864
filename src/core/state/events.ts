import type { Identity } from '../context.js';
import type { HostFs } from '../nodes/host-fs.js';

/** One line of `<state_dir>/runtime/events.log`: what an operation did, by whom, from where, how it ended. */
export interface RuntimeEvent {
  ts: string;
  user: string;
  host: string;
  ssh_client?: string;
  operation: string;
  target: string;
  result: 'ok' | 'failed' | 'refused';
  duration_ms: number;
  bytes_reclaimed?: number;
  error?: string;
  pid: number;
}

export function eventsPath(stateDir: string): string {
  return `${stateDir}/runtime/events.log`;
}

/**
 * Appends one JSON line to the node's events.log (HostFs.append: a single write with O_APPEND, so lines from several
 * consoles never interleave; the runtime directory is created).
 */
export async function appendEvent(fs: HostFs, stateDir: string, event: RuntimeEvent): Promise<void> {
  await fs.append(eventsPath(stateDir), JSON.stringify(event) + '\n');
}

export function makeEvent(
  identity: Identity,
  fields: Pick<RuntimeEvent, 'operation' | 'target' | 'result' | 'duration_ms'> & Partial<RuntimeEvent>,
): RuntimeEvent {
  const ssh = process.env.SSH_CLIENT;
  return { ts: new Date().toISOString(), user: identity.user, host: identity.host, ...(ssh ? { ssh_client: ssh } : {}), pid: process.pid, ...fields };
}

/** Parses events.log text; malformed lines are skipped (a torn last line while it is being written). */
export function parseEvents(text: string): RuntimeEvent[] {
  const out: RuntimeEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as RuntimeEvent);
    } catch {
      // skip
    }
  }
  return out;
}

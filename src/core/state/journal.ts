import { hostname } from 'node:os';
import { LxcriError } from '../errors.js';
import type { HostFs } from '../nodes/host-fs.js';
import { SELF, processAlive } from './process.js';

export type JournalStepStatus = 'pending' | 'running' | 'done' | 'undone';

/** An operation's plan on disk: written before its first step, updated after each, removed when it ends. */
export interface JournalEntry {
  id: string;
  operation: string;
  container: string;
  /** The datasets the operation locked: recovery locks the same ones. */
  datasets?: string[];
  pid: number;
  /** The process's start time, so a reused pid does not hide an interrupted operation. */
  pidStart?: string;
  host: string;
  startedAt: number;
  /** Left for recovery by a process that lives on (a console): interrupted even while its pid runs. */
  abandoned?: boolean;
  /** The data the steps are rebuilt from when the operation is finished or undone after an interruption. */
  input: unknown;
  steps: Array<{ title: string; status: JournalStepStatus }>;
}

/** The journal directory of the node whose operations it records, read and written through that node's files. */
export class Journal {
  constructor(
    readonly dir: string,
    readonly fs: HostFs,
  ) {}

  private path(id: string): string {
    return `${this.dir}/${id}.json`;
  }

  /** Writes the plan, every step pending (or the step `running` marked running: the plan and its first mark in one write). */
  async begin(operation: string, container: string, datasets: readonly string[], input: unknown, titles: string[], running?: number): Promise<JournalHandle> {
    const entry: JournalEntry = {
      id: `${Date.now()}-${process.pid}-${Math.floor(Math.random() * 1e6)}`,
      operation,
      container,
      datasets: [...datasets],
      pid: SELF.pid,
      ...(SELF.pidStart ? { pidStart: SELF.pidStart } : {}),
      host: hostname(),
      startedAt: Date.now(),
      input,
      steps: titles.map((title, i) => ({ title, status: i === running ? 'running' : 'pending' })),
    };
    await this.guard(entry.id, () => this.fs.writeAtomic(this.path(entry.id), JSON.stringify(entry, null, 1)));
    return new JournalHandle(this, entry);
  }

  /** A journal that cannot be written is its own error, naming the file: never mistaken for the step it guards. */
  private async guard(id: string, write: () => Promise<void>): Promise<void> {
    try {
      journalWriteFailpoint();
      await write();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new JournalWriteError(this.path(id), code, (error as Error).message);
    }
  }

  /**
   * Step marks are not fsynced: a kill keeps them (the page cache survives the process), and after a power loss an
   * older mark only means a step that was done is run again, which every journaled step tolerates.
   */
  async write(entry: JournalEntry): Promise<void> {
    await this.guard(entry.id, () => this.fs.writeAtomic(this.path(entry.id), JSON.stringify(entry, null, 1), { durable: false }));
  }

  async remove(id: string): Promise<void> {
    await this.fs.remove(this.path(id)).catch(() => undefined);
  }

  async read(id: string): Promise<JournalEntry | undefined> {
    const text = await this.fs.readFile(this.path(id));
    try {
      return text === undefined ? undefined : (JSON.parse(text) as JournalEntry);
    } catch {
      return undefined;
    }
  }

  /** Entries whose process is gone: operations interrupted by a kill, a crash or a reboot. */
  async interrupted(): Promise<JournalEntry[]> {
    const names = await this.fs.readDir(this.dir);
    const out: JournalEntry[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const entry = await this.read(name.slice(0, -5));
      if (entry && (entry.abandoned || !(entry.host === hostname() && processAlive(entry.pid, entry.pidStart)))) out.push(entry);
    }
    return out.sort((a, b) => a.startedAt - b.startedAt);
  }
}

export class JournalHandle {
  constructor(
    private readonly journal: Journal,
    readonly entry: JournalEntry,
  ) {}

  async mark(index: number, status: JournalStepStatus): Promise<void> {
    this.entry.steps[index]!.status = status;
    await this.journal.write(this.entry);
  }

  /** Changes a step's status in memory only: the next mark (or abandon) writes it. */
  note(index: number, status: JournalStepStatus): void {
    this.entry.steps[index]!.status = status;
  }

  async close(): Promise<void> {
    await this.journal.remove(this.entry.id);
  }

  /** Ends this process's part: the entry stays for `recover`, listed as interrupted from now on. */
  async abandon(): Promise<void> {
    this.entry.abandoned = true;
    await this.journal.write(this.entry);
  }
}

export class JournalWriteError extends LxcriError {
  constructor(
    readonly path: string,
    readonly errno: string,
    detail: string,
  ) {
    super(
      'journal-write',
      `could not write the journal ${path} (${errno}): ${detail.replace(/^[A-Z]+: /, '')}`,
      'make the journal directory writable with free space (config key journal_dir), then retry',
    );
    this.name = 'JournalWriteError';
  }
}

let journalWrites = 0;

/** Fault injection: LXCRI_FAILPOINT=journal-write:<n> makes the n-th journal write of this process fail (EROFS). */
function journalWriteFailpoint(): void {
  const m = /^journal-write:(\d+)$/.exec(process.env.LXCRI_FAILPOINT ?? '');
  if (m && ++journalWrites === Number(m[1])) throw Object.assign(new Error('EROFS: read-only file system (failpoint)'), { code: 'EROFS' });
}

/**
 * Fault injection for the kill-at-each-step tests: LXCRI_FAILPOINT=<operation>:<step>:<before|after> makes the
 * process SIGKILL itself at that point, as a crash or `kill -9` would.
 */
export function failpoint(operation: string, step: number, when: 'before' | 'after'): void {
  const fp = process.env.LXCRI_FAILPOINT;
  if (fp && fp === `${operation}:${step}:${when}`) process.kill(process.pid, 'SIGKILL');
}

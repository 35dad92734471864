import { posix } from 'node:path';
import type { HostFs } from '../../src/core/nodes/host-fs.js';

export type MemoryFsOp = 'readFile' | 'readDir' | 'writeAtomic' | 'createExclusive' | 'append' | 'rename' | 'remove' | 'mkdir';

/** An error as a node's tools report it: the message and the stderr of the command that failed. */
export function toolError(stderr: string): Error & { stderr: string } {
  return Object.assign(new Error(`command failed: ${stderr}`), { stderr });
}

/**
 * A node's files in memory, for tests: every call recorded (op and path), so a test can tell the core went through
 * this HostFs and nowhere else. `failWrites` makes the changes it returns an error for fail with it (a read-only or full
 * node, or one directory of it).
 */
export class MemoryFs implements HostFs {
  readonly files = new Map<string, string>();
  readonly dirs = new Set<string>(['/']);
  readonly calls: Array<{ op: MemoryFsOp; path: string }> = [];
  failWrites?: (op: MemoryFsOp, path: string) => Error | undefined;

  constructor(readonly where = 'memory') {}

  /** The paths a given operation was called with. */
  paths(op: MemoryFsOp): string[] {
    return this.calls.filter((c) => c.op === op).map((c) => c.path);
  }

  async readFile(path: string): Promise<string | undefined> {
    this.calls.push({ op: 'readFile', path });
    return this.files.get(norm(path));
  }

  async readDir(path: string): Promise<string[]> {
    this.calls.push({ op: 'readDir', path });
    const dir = norm(path);
    if (!this.dirs.has(dir)) return [];
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) if (p !== dir && posix.dirname(p) === dir) names.add(posix.basename(p));
    return [...names];
  }

  async writeAtomic(path: string, content: string): Promise<void> {
    this.calls.push({ op: 'writeAtomic', path });
    this.change('writeAtomic', path);
    const p = norm(path);
    this.makeDirs(posix.dirname(p));
    if (this.dirs.has(p)) throw toolError(`mv: cannot overwrite directory '${p}'`);
    this.files.set(p, content);
  }

  async createExclusive(path: string, content: string): Promise<boolean> {
    this.calls.push({ op: 'createExclusive', path });
    this.change('createExclusive', path);
    const p = norm(path);
    this.makeDirs(posix.dirname(p));
    if (this.files.has(p) || this.dirs.has(p)) return false;
    this.files.set(p, content);
    return true;
  }

  async append(path: string, content: string): Promise<void> {
    this.calls.push({ op: 'append', path });
    this.change('append', path);
    const p = norm(path);
    this.makeDirs(posix.dirname(p));
    this.files.set(p, (this.files.get(p) ?? '') + content);
  }

  async rename(from: string, to: string): Promise<void> {
    this.calls.push({ op: 'rename', path: from });
    this.change('rename', from);
    const [a, b] = [norm(from), norm(to)];
    if (this.files.has(a)) {
      this.makeDirs(posix.dirname(b));
      this.files.set(b, this.files.get(a)!);
      this.files.delete(a);
      return;
    }
    if (!this.dirs.has(a)) throw toolError(`mv: cannot stat '${a}': No such file or directory`);
    this.makeDirs(posix.dirname(b));
    const moved = (p: string) => b + p.slice(a.length);
    for (const p of [...this.dirs].filter((d) => within(d, a))) {
      this.dirs.delete(p);
      this.dirs.add(moved(p));
    }
    for (const [p, c] of [...this.files].filter(([f]) => within(f, a))) {
      this.files.delete(p);
      this.files.set(moved(p), c);
    }
  }

  async remove(path: string): Promise<void> {
    this.calls.push({ op: 'remove', path });
    this.change('remove', path);
    const p = norm(path);
    for (const f of [...this.files.keys()]) if (within(f, p)) this.files.delete(f);
    for (const d of [...this.dirs]) if (d !== '/' && within(d, p)) this.dirs.delete(d);
  }

  async mkdir(path: string): Promise<void> {
    this.calls.push({ op: 'mkdir', path });
    this.change('mkdir', path);
    this.makeDirs(norm(path));
  }

  private change(op: MemoryFsOp, path: string): void {
    const error = this.failWrites?.(op, norm(path));
    if (error) throw error;
  }

  /** mkdir -p: fails, as mkdir does, when a file is in the way. */
  private makeDirs(dir: string): void {
    const missing: string[] = [];
    for (let d = dir; !this.dirs.has(d); d = posix.dirname(d)) {
      if (this.files.has(d)) throw toolError(`mkdir: cannot create directory '${dir}': ${d === dir ? 'File exists' : 'Not a directory'}`);
      missing.push(d);
    }
    for (const d of missing) this.dirs.add(d);
  }
}

function norm(path: string): string {
  return posix.normalize(posix.resolve('/', path)).replace(/(.)\/$/, '$1');
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

import { appendFile, link, mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../state/atomic-file.js';
import type { HostFs } from './host-fs.js';

/** This machine's files, through node:fs. */
export class LocalFs implements HostFs {
  readonly where = 'local';

  readFile(path: string): Promise<string | undefined> {
    return readFile(path, 'utf8').catch(() => undefined);
  }

  readDir(path: string): Promise<string[]> {
    return readdir(path).catch(() => []);
  }

  writeAtomic(path: string, content: string, opts: { durable?: boolean } = {}): Promise<void> {
    return writeFileAtomic(path, content, opts.durable ?? true);
  }

  /** A complete file appears at once (written aside, then hard-linked into place), so a reader never sees it empty. */
  async createExclusive(path: string, content: string): Promise<boolean> {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.new-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await writeFile(tmp, content);
    try {
      await link(tmp, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  async append(path: string, content: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, content);
  }

  rename(from: string, to: string): Promise<void> {
    return rename(from, to);
  }

  remove(path: string): Promise<void> {
    return rm(path, { recursive: true, force: true });
  }

  async mkdir(path: string): Promise<void> {
    await mkdir(path, { recursive: true });
  }
}

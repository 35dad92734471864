import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes a file so that readers see the old or the new content, never a torn one (write + rename); with `sync`,
 * fsync first so the content also survives a power loss.
 */
export async function writeFileAtomic(path: string, content: string, sync = true): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  if (sync) {
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  await rename(tmp, path);
}

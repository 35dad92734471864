import type { FileEntry, FileType } from '../model/file-diff.js';
import { cmd, type Command } from '../runner/command.js';

/*
 * GNU find(1) as the walker of another node's files: one process lists a whole tree (or one directory) with what
 * lstat says of each path, as NUL-terminated fields (a file name may hold a newline or a tab, never a NUL):
 *
 *   %y type (f d l b c p s D)  %s size  %m permission bits in octal (set-id and sticky included)  %U uid  %G gid
 *   %T@ mtime in seconds with its fraction  %i inode  %l a link's target (empty otherwise)  %P the path below the root
 *
 * Links are never followed (find's default -P). `-xdev` keeps to the root's filesystem: a mount below is listed, not
 * entered, as the in-process walker does.
 */

export const FIND_FORMAT = '%y\\0%s\\0%m\\0%U\\0%G\\0%T@\\0%i\\0%l\\0%P\\0';
const FIELDS = 9;

/** Every path under `root` (the root left out). */
export function findTree(root: string): Command {
  return cmd('find', [root, '-xdev', '-mindepth', '1', '-printf', FIND_FORMAT]);
}

/** The entries of one directory. */
export function findDir(dir: string): Command {
  return cmd('find', [dir, '-mindepth', '1', '-maxdepth', '1', '-printf', FIND_FORMAT]);
}

// A fixed script, the path and the format only ever arguments: nothing printed (exit 0) when the path does not exist.
const FIND_ONE = 'if [ -e "$1" ] || [ -L "$1" ]; then exec find "$1" -maxdepth 0 -printf "$2"; fi';

/** One path's entry (lstat), or no output when nothing is there. */
export function findOne(hostPath: string): Command {
  return cmd('sh', ['-c', FIND_ONE, 'sh', hostPath, FIND_FORMAT]);
}

const TYPES: Record<string, FileType> = { f: 'file', d: 'dir', l: 'symlink' };

export interface FoundEntry extends FileEntry {
  /** The path below the root as find printed it (`etc/hosts`; empty for the root itself). */
  rel: string;
}

/** Parses the NUL-separated records of FIND_FORMAT. A truncated or malformed record is an error, never skipped. */
export function parseFind(stdout: string): FoundEntry[] {
  if (stdout === '') return [];
  const fields = stdout.split('\0');
  const bad = (i: number, why: string) => new Error(`find output, record ${Math.floor(i / FIELDS) + 1}: ${why}`);
  if (fields.pop() !== '') throw bad(fields.length, 'the output does not end with a NUL (cut short?)');
  if (fields.length % FIELDS !== 0) throw bad(fields.length, `${fields.length} fields, not a multiple of ${FIELDS} (cut short?)`);
  const out: FoundEntry[] = [];
  const int = (text: string, i: number, radix = 10) => {
    if (!(radix === 8 ? /^[0-7]+$/ : /^\d+$/).test(text)) throw bad(i, `${JSON.stringify(text)} is not a number`);
    return parseInt(text, radix);
  };
  for (let i = 0; i < fields.length; i += FIELDS) {
    const [y, s, m, u, g, t, ino, target, rel] = fields.slice(i, i + FIELDS) as [string, string, string, string, string, string, string, string, string];
    if (y.length !== 1) throw bad(i, `${JSON.stringify(y)} is not a file type`);
    if (!/^\d+(\.\d+)?$/.test(t)) throw bad(i, `${JSON.stringify(t)} is not a time`);
    const type = TYPES[y] ?? 'other';
    out.push({
      type,
      size: int(s, i),
      mode: int(m, i, 8),
      uid: int(u, i),
      gid: int(g, i),
      mtimeMs: Number(t) * 1000,
      ino: int(ino, i),
      ...(type === 'symlink' ? { target } : {}),
      rel,
    });
  }
  return out;
}

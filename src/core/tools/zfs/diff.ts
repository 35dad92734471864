import type { ChangeKind, FileChange, FileType } from '../../model/file-diff.js';

/*
 * `zfs diff` (OpenZFS only; zfs-fuse has no such verb). With -F each line carries the object's type, -H makes it
 * tab-separated without arrows, -t puts the inode change time first:
 *
 *   1700000000.123456789<TAB>R<TAB>F<TAB>/tank/test/oldname<TAB>/tank/test/newname
 *
 * Without -H the same fields are padded with spaces, a rename reads `old -> new` and a link count change `(+1)`
 * (the example of zfs-diff(8)). Either way a path holds no blank: libzfs prints every byte outside the printable
 * ASCII range, the space and the backslash as `\` and its octal value (stream_bytes in lib/libzfs/libzfs_diff.c:
 * `\0040` for a space since OpenZFS 0.8, three digits before), so splitting on blanks is safe.
 */

export interface ZfsDiffLine {
  change: ChangeKind;
  type: FileType;
  /** The path as zfs prints it (absolute: under the dataset's mountpoint), unescaped. */
  path: string;
  newPath?: string;
  /** -t: the inode change time, seconds since the epoch. */
  ctime?: number;
  /** A change of the link count (`(+1)`, or `+1` with -H). */
  linkDelta?: number;
}

/** The -F indicators (zfs-diff(8)): B C block and character devices, / directory, > door, | pipe, @ link, P port, = socket, F file. */
const TYPES: Record<string, FileType> = { F: 'file', '/': 'dir', '@': 'symlink', B: 'other', C: 'other', '>': 'other', '|': 'other', P: 'other', '=': 'other' };
const CHANGES = new Set(['+', '-', 'M', 'R']);

/** Undoes libzfs's escaping: `\` and 4 octal digits (OpenZFS >= 0.8), or 3 (older releases); the bytes read as UTF-8. */
export function unescapeZfsPath(text: string): string {
  if (!text.includes('\\')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length;) {
    if (text[i] === '\\') {
      const four = /^[0-7]{4}/.exec(text.slice(i + 1))?.[0];
      const three = /^[0-7]{3}/.exec(text.slice(i + 1))?.[0];
      // "\0040" is a space; "\0401" can only be the older "\040" followed by "1" (0o401 is not a byte).
      const digits = four && four.startsWith('0') && parseInt(four, 8) <= 0xff ? four : three;
      if (digits) {
        bytes.push(parseInt(digits, 8));
        i += 1 + digits.length;
        continue;
      }
    }
    const cp = text.codePointAt(i)!;
    bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
    i += cp > 0xffff ? 2 : 1;
  }
  return Buffer.from(bytes).toString('utf8');
}

function parseLine(line: string, lineNo: number): ZfsDiffLine {
  const tokens = line.trim().split(/[\t ]+/);
  const bad = (why: string) => new Error(`zfs diff line ${lineNo}: ${why}: ${JSON.stringify(line)}`);
  let i = 0;
  let ctime: number | undefined;
  if (/^\d+\.\d+$/.test(tokens[0] ?? '')) ctime = Number(tokens[i++]);
  const change = tokens[i++];
  if (!change || !CHANGES.has(change)) throw bad('no change indicator (+ - M R)');
  const typeChar = tokens[i++];
  const type = typeChar !== undefined ? TYPES[typeChar] : undefined;
  if (!type) throw bad('no file type indicator (zfs diff -F)');
  const path = tokens[i++];
  if (!path) throw bad('no path');
  let newPath: string | undefined;
  if (change === 'R') {
    if (tokens[i] === '->') i++;
    newPath = tokens[i++];
    if (!newPath) throw bad('a rename without its new path');
  }
  let linkDelta: number | undefined;
  const rest = tokens[i];
  if (rest !== undefined) {
    const m = /^\(?([+-]\d+)\)?$/.exec(rest);
    if (!m) throw bad(`unexpected field ${JSON.stringify(rest)}`);
    linkDelta = Number(m[1]);
  }
  return {
    change: change as ChangeKind,
    type,
    path: unescapeZfsPath(path),
    ...(newPath !== undefined ? { newPath: unescapeZfsPath(newPath) } : {}),
    ...(ctime !== undefined ? { ctime } : {}),
    ...(linkDelta !== undefined ? { linkDelta } : {}),
  };
}

/** Parses `zfs diff -FHt` output (and the -F form of the man page: space-padded, `->` in renames). */
export function parseZfsDiff(stdout: string): ZfsDiffLine[] {
  return stdout
    .split('\n')
    .map((line, i) => ({ line, no: i + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, no }) => parseLine(line, no));
}

/**
 * A path zfs printed (under `mountpoint`) as the container sees it: `/tank/ct/etc/x` under `/tank/ct` is `/etc/x`,
 * the mountpoint itself `/`. A path under none of `mountpoints` is kept as printed.
 */
export function containerPath(path: string, mountpoints: readonly string[]): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const mp of mountpoints) {
    const m = mp.length > 1 ? mp.replace(/\/+$/, '') : mp;
    if (m === '/') return trimmed;
    if (trimmed === m) return '/';
    if (trimmed.startsWith(`${m}/`)) return trimmed.slice(m.length);
  }
  return trimmed;
}

/** The parsed lines as changes in container paths (sizes are not in zfs diff's output). */
export function zfsDiffChanges(lines: readonly ZfsDiffLine[], mountpoints: readonly string[]): FileChange[] {
  return lines.map((l) => ({
    path: containerPath(l.path, mountpoints),
    change: l.change,
    type: l.type,
    ...(l.newPath !== undefined ? { newPath: containerPath(l.newPath, mountpoints) } : {}),
  }));
}

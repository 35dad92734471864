/*
 * What changed between two states of a container's files, as pure functions over listings: the walker's
 * comparison (zfs-fuse, or any ZFS without `zfs diff`), the three-way merge across branches, and the summary by
 * top-level directory. Paths are the container's own: `/etc/nginx/nginx.conf`, the root itself never listed.
 */

/** `+` added, `-` removed, `M` modified, `R` renamed (where ZFS reports it, or the same object under a new name). */
export type ChangeKind = '+' | '-' | 'M' | 'R';
export type FileType = 'file' | 'dir' | 'symlink' | 'other';

export interface FileChange {
  path: string;
  change: ChangeKind;
  type: FileType;
  /** Bytes of a regular file: its new size, or its old one when removed. */
  size?: number;
  /** Where a renamed path went. */
  newPath?: string;
}

/** What the walker reads of one path (lstat: a symbolic link is never followed). */
export interface FileEntry {
  type: FileType;
  size: number;
  /** Permission bits and set-id/sticky bits (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  /** A symbolic link's target. */
  target?: string;
  /** The object number: the same file keeps it across snapshots, which tells a rename from a delete and a create. */
  ino?: number;
}

/** Every path under a root (the root itself left out), by container path. */
export type FileIndex = Map<string, FileEntry>;

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Whether `path` lies strictly below directory `dir` (`/etc/x` below `/etc`). */
export function isBelow(path: string, dir: string): boolean {
  return path.startsWith(dir === '/' ? '/' : `${dir}/`) && path !== dir;
}

function sizeOf(e: FileEntry): number | undefined {
  return e.type === 'file' ? e.size : undefined;
}

function change(path: string, kind: ChangeKind, e: FileEntry, newPath?: string): FileChange {
  const size = sizeOf(e);
  return { path, change: kind, type: e.type, ...(size !== undefined ? { size } : {}), ...(newPath !== undefined ? { newPath } : {}) };
}

/** Owner and permissions (what a chmod or chown changes on any type). */
function sameOwnership(a: FileEntry, b: FileEntry): boolean {
  return a.mode === b.mode && a.uid === b.uid && a.gid === b.gid;
}

/**
 * How one path that exists on both sides changed: 'same', 'M', or 'touched' for a directory whose only change is its
 * mtime (an entry was added, removed or renamed in it: the entries below say what).
 */
function compareEntry(a: FileEntry, b: FileEntry): 'same' | 'M' | 'touched' {
  if (a.type !== b.type || !sameOwnership(a, b)) return 'M';
  switch (a.type) {
    case 'dir':
      return a.mtimeMs === b.mtimeMs ? 'same' : 'touched';
    case 'symlink':
      return a.target === b.target && a.mtimeMs === b.mtimeMs ? 'same' : 'M';
    default:
      return a.size === b.size && a.mtimeMs === b.mtimeMs ? 'same' : 'M';
  }
}

/** Regular files whose metadata match on both sides: the ones `--content` reads to be sure. */
export function sameMetadataFiles(from: FileIndex, to: FileIndex): string[] {
  const out: string[] = [];
  for (const [path, a] of from) {
    const b = to.get(path);
    if (b && a.type === 'file' && compareEntry(a, b) === 'same') out.push(path);
  }
  return out;
}

/**
 * Compares two listings of one container's files. A path only on the old side is removed, only on the new side added;
 * the same object (ZFS keeps a file's object number across snapshots) under another name is a rename: a directory by
 * its object alone, anything else when its type, size, mtime and target match too (a delete and a re-create gets a
 * new object, or a reused one with other contents). Entries that moved with a renamed directory are not listed again
 * (unless they changed too: then as modified, under their new path). A directory whose only change is its mtime is
 * listed only when nothing below it is (otherwise its entries tell why it moved). `contentDiffers` names files whose
 * metadata match but whose bytes do not (`--content`).
 */
export function compareIndexes(from: FileIndex, to: FileIndex, contentDiffers: ReadonlySet<string> = new Set()): FileChange[] {
  const changes: FileChange[] = [];
  const touched: string[] = [];
  const removed: Array<[string, FileEntry]> = [];
  const judge = (path: string, a: FileEntry, b: FileEntry) => {
    const how = compareEntry(a, b);
    if (how === 'M' || (how === 'same' && contentDiffers.has(path))) changes.push(change(path, 'M', b));
    else if (how === 'touched') touched.push(path);
  };
  for (const [path, a] of from) {
    const b = to.get(path);
    if (b) judge(path, a, b);
    else removed.push([path, a]);
  }
  const addedByIno = new Map<number, string[]>();
  for (const [path, b] of to) {
    if (from.has(path) || b.ino === undefined) continue;
    addedByIno.set(b.ino, [...(addedByIno.get(b.ino) ?? []), path]);
  }
  const consumed = new Set<string>();
  /** Old directory path -> its new path, for directories renamed or moved along with a renamed parent. */
  const moved = new Map<string, string>();
  const movedAncestor = (path: string): string | undefined => {
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
      const dir = path.slice(0, i);
      const to = moved.get(dir);
      if (to !== undefined) return to + path.slice(i);
    }
    return undefined;
  };
  const sameObject = (a: FileEntry, b: FileEntry | undefined, p: string) =>
    b !== undefined && !consumed.has(p) && !from.has(p) && b.type === a.type && b.ino === a.ino;
  // Parents before their entries, so a directory's move is known when its entries are looked at.
  removed.sort(([p], [q]) => (p < q ? -1 : 1));
  for (const [path, a] of removed) {
    const along = a.ino === undefined ? undefined : movedAncestor(path);
    if (along !== undefined && sameObject(a, to.get(along), along)) {
      consumed.add(along);
      if (a.type === 'dir') moved.set(path, along);
      judge(along, a, to.get(along)!);
      continue;
    }
    const target = (a.ino === undefined ? [] : (addedByIno.get(a.ino) ?? [])).find((p) => {
      const b = to.get(p)!;
      return sameObject(a, b, p) && (a.type === 'dir' || (a.size === b.size && a.mtimeMs === b.mtimeMs && a.target === b.target));
    });
    if (target === undefined) {
      changes.push(change(path, '-', a));
      continue;
    }
    consumed.add(target);
    if (a.type === 'dir') moved.set(path, target);
    changes.push(change(path, 'R', to.get(target)!, target));
  }
  for (const [path, b] of to) if (!from.has(path) && !consumed.has(path)) changes.push(change(path, '+', b));
  return withTouchedDirs(changes, touched);
}

/**
 * Adds the directories whose only change is their mtime, where nothing below them is listed (a file created and
 * removed again), and sorts by path.
 */
function withTouchedDirs(changes: FileChange[], touched: readonly string[]): FileChange[] {
  const out = [...changes];
  for (const dir of touched) {
    if (!changes.some((c) => isBelow(c.path, dir) || (c.newPath !== undefined && isBelow(c.newPath, dir)))) out.push({ path: dir, change: 'M', type: 'dir' });
  }
  return out.sort(byPath);
}

/**
 * `zfs diff` reports a directory as modified whenever an entry in it changed: kept only where nothing below it is
 * listed (then it is the directory itself that changed), as the walker does. The root is never listed.
 */
export function dropExplainedDirs(changes: readonly FileChange[]): FileChange[] {
  const rest = changes.filter((c) => c.path !== '/' && !(c.change === 'M' && c.type === 'dir'));
  const dirs = changes.filter((c) => c.path !== '/' && c.change === 'M' && c.type === 'dir').map((c) => c.path);
  return withTouchedDirs(rest, dirs);
}

/** The reverse of a diff: what goes from `to` back to `from` (a diff asked from a newer to an older state). */
export function invertChanges(changes: readonly FileChange[]): FileChange[] {
  return changes
    .map((c): FileChange => {
      if (c.change === '+') return { ...c, change: '-' };
      if (c.change === '-') return { ...c, change: '+' };
      if (c.change === 'R') {
        const { newPath, ...rest } = c;
        return { ...rest, path: newPath!, newPath: c.path };
      }
      return { ...c };
    })
    .sort(byPath);
}

/** Which side of a three-way view a path changed on. */
export type Side = 'from' | 'to' | 'both';

export interface ThreeWayChange extends FileChange {
  /** Changed from the merge base on the `from` side only, on the `to` side only, or on both. */
  side: Side;
  /** With side 'both': the change on the `from` side (`change` is the `to` side's). */
  fromChange?: ChangeKind;
}

/**
 * The view across two branches: what changed from their merge base on each side, merged per path (a `git diff
 * A...B` with both sides). A path changed on both sides carries the `to` side's change, and the `from` side's too.
 */
export function mergeThreeWay(baseToFrom: readonly FileChange[], baseToTo: readonly FileChange[]): ThreeWayChange[] {
  const onFrom = new Map(baseToFrom.map((c) => [c.path, c]));
  const out: ThreeWayChange[] = [];
  for (const c of baseToTo) {
    const f = onFrom.get(c.path);
    out.push(f ? { ...c, side: 'both', fromChange: f.change } : { ...c, side: 'to' });
  }
  const onTo = new Set(baseToTo.map((c) => c.path));
  for (const c of baseToFrom) if (!onTo.has(c.path)) out.push({ ...c, side: 'from' });
  return out.sort(byPath);
}

export interface ChangeCounts {
  added: number;
  removed: number;
  modified: number;
  renamed: number;
  /** Bytes of the regular files listed (new sizes; old ones for removed files). */
  bytes: number;
}

export interface TopDirSummary extends ChangeCounts {
  /** `/etc`, or `/` for entries directly in the root. */
  dir: string;
}

export interface DiffSummary extends ChangeCounts {
  /** The same counts per top-level directory, most changes first. */
  top: TopDirSummary[];
}

const KEY: Record<ChangeKind, keyof Omit<ChangeCounts, 'bytes'>> = { '+': 'added', '-': 'removed', M: 'modified', R: 'renamed' };

/** The top-level directory a path is counted under: `/etc` for `/etc/nginx/x` and for `/etc` itself, `/` for `/f1`. */
export function topDir(path: string, isDir = false): string {
  const second = path.indexOf('/', 1);
  if (second > 0) return path.slice(0, second);
  return isDir ? path : '/';
}

export function summarize(changes: readonly FileChange[]): DiffSummary {
  const zero = (): ChangeCounts => ({ added: 0, removed: 0, modified: 0, renamed: 0, bytes: 0 });
  const total = zero();
  const top = new Map<string, TopDirSummary>();
  for (const c of changes) {
    const dir = topDir(c.path, c.type === 'dir');
    const t = top.get(dir) ?? { dir, ...zero() };
    top.set(dir, t);
    for (const counts of [total, t]) {
      counts[KEY[c.change]]++;
      counts.bytes += c.size ?? 0;
    }
  }
  const n = (t: ChangeCounts) => t.added + t.removed + t.modified + t.renamed;
  return { ...total, top: [...top.values()].sort((a, b) => n(b) - n(a) || (a.dir < b.dir ? -1 : 1)) };
}

/** Removals this many or more, and at least this share of what the older side held, are a mass deletion. */
export const MASS_DELETION = { minPaths: 20, share: 0.5, withoutTotal: 1000 } as const;

export interface MassDeletion {
  removed: number;
  /** Paths the older side held, where known (the walker counts them; `zfs diff` does not). */
  of?: number;
  /** The top-level directory that lost the most. */
  worst: string;
}

/**
 * A diff that removes much of what was there (half the paths of the older side, at least 20; or 1000 where the total
 * is unknown) deserves a warning: a checkpoint taken after an `rm -rf` in the wrong place.
 */
export function massDeletion(summary: DiffSummary, fromPaths?: number): MassDeletion | undefined {
  const { removed } = summary;
  const mass =
    fromPaths !== undefined ? removed >= MASS_DELETION.minPaths && removed >= fromPaths * MASS_DELETION.share : removed >= MASS_DELETION.withoutTotal;
  if (!mass) return undefined;
  const worst = [...summary.top].sort((a, b) => b.removed - a.removed)[0]!.dir;
  return { removed, ...(fromPaths !== undefined ? { of: fromPaths } : {}), worst };
}

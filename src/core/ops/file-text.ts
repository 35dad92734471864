import type { CoreContext } from '../context.js';
import { LxcriError } from '../errors.js';
import { normalizeContainerPath, resolveInRoot } from '../model/container-path.js';
import { hunkCounts, textHunks, type TextHunk } from '../model/text-diff.js';
import type { CheckpointNode } from '../model/tree.js';
import type { LoadedContainer } from './container.js';
import type { OnStep } from './engine.js';
import { isNow, planDiff, planViews, rootOf, shortName, withViews } from './file-diff.js';
import { refuseOnMountPoint } from './mount-volumes.js';
import { nodeFiles, type NodeFiles } from './node-files.js';

/*
 * One file's text at two states of a container (a checkpoint, or NOW), and the unified diff between them: the states
 * made readable as a diff makes them (`.zfs/snapshot`, the live root, or temporary clones, journaled as file-read), the
 * file read only when it is a regular file of text small enough to show.
 */

/** The largest file whose text is compared (a console screen of it, not a log file's gigabytes). */
export const TEXT_DIFF_LIMIT = 256 * 1024;

/** What one side holds: the file's text, or nothing (it does not exist there: every line added or removed). */
export type TextSide = { exists: false } | { exists: true; size: number; text: string };

export interface FileTextDiff {
  container: string;
  /** The states compared (short names; `NOW` for the live state). */
  from: string;
  to: string;
  /** The file in `from`, and in `to` where it has another name there (a rename). */
  path: string;
  toPath?: string;
  /** Sizes in bytes; absent where the file does not exist. */
  fromSize?: number;
  toSize?: number;
  hunks: TextHunk[];
  added: number;
  removed: number;
}

/** Where a refusal says the file is: `/etc/hosts in checkpoint-1 of web`, `/etc/hosts in the live web`. */
function where(path: string, state: string, container: string): string {
  return state === 'NOW' ? `${path} in the live ${container}` : `${path} in ${state} of ${container}`;
}

/**
 * Reads a container path's text under `root`: missing (its directory too) is an empty side; a directory, link or
 * device, a file over `limit` bytes or one holding a NUL byte (binary) are refused, saying what to do instead.
 */
export async function readTextSide(
  files: NodeFiles,
  root: string,
  path: string,
  label: { state: string; container: string },
  limit = TEXT_DIFF_LIMIT,
): Promise<TextSide> {
  const at = await resolveInRoot(root, path, files.probe).catch((error: unknown) => {
    if (error instanceof LxcriError && error.code === 'not-found') return undefined;
    throw error;
  });
  const named = where(path, label.state, label.container);
  if (!at || at.type === undefined) return { exists: false };
  const notFile = (type: string | undefined) => {
    const what = type === 'dir' ? 'a directory' : type === 'symlink' ? 'a symbolic link' : 'not a regular file';
    return new LxcriError('not-a-file', `${named} is ${what}: only a regular file's text can be compared`, 'compare the files it holds or points to instead');
  };
  if (at.type !== 'file') throw notFile(at.type);
  const read = await files.readSmall(at.hostPath, limit);
  // Replaced by something else since it was resolved.
  if (!read) throw notFile(undefined);
  if (read.bytes === undefined) {
    throw new LxcriError(
      'too-large',
      `${named} is ${read.size} bytes, over the ${limit} bytes a text diff shows`,
      'restore it beside the current one (restore-file --to) and compare the two with a tool of your own',
    );
  }
  if (read.bytes.includes(0)) {
    throw new LxcriError(
      'binary',
      `${named} is binary (it holds NUL bytes): its text cannot be compared`,
      'restore it beside the current one (restore-file --to) and compare the two with cmp or a tool of your own',
    );
  }
  return { exists: true, size: read.size, text: read.bytes.toString('utf8') };
}

/** The diff of two sides: a missing side reads as empty, so every line of the other is added or removed. */
export function sidesDiff(a: TextSide, b: TextSide): Pick<FileTextDiff, 'fromSize' | 'toSize' | 'hunks' | 'added' | 'removed'> {
  const hunks = textHunks(a.exists ? a.text : '', b.exists ? b.text : '');
  return { ...(a.exists ? { fromSize: a.size } : {}), ...(b.exists ? { toSize: b.size } : {}), hunks, ...hunkCounts(hunks) };
}

/**
 * The text diff of one file from state `from` to `to` (a checkpoint, or NOW by default), `toPath` naming it in `to`
 * where it was renamed. Local node only, as every read of a container's files.
 */
export async function fileTextDiff(
  ctx: CoreContext,
  c: LoadedContainer,
  from: string,
  to: string | undefined,
  path: string,
  opts: { toPath?: string } = {},
  onStep?: OnStep,
): Promise<FileTextDiff> {
  const files = nodeFiles(ctx);
  const p = normalizeContainerPath(path, '--file');
  const q = opts.toPath !== undefined ? normalizeContainerPath(opts.toPath, 'the renamed path') : p;
  // A path on a mount point volume would be read from the directory the volume is mounted over.
  for (const x of new Set([p, q])) refuseOnMountPoint(c, x, '--file', 'a text diff reads');
  const plan = planDiff(c.tree, from, isNow(to) ? undefined : to);
  const ends: CheckpointNode[] = [plan.from, plan.to];
  const { views, clones } = planViews(ctx, c, ends);
  const [fromName, toName] = ends.map((n) => shortName(c.tree, n)) as [string, string];
  return withViews(
    ctx,
    c,
    'diff',
    clones,
    async () => {
      const a = await readTextSide(files, rootOf(views.get(plan.from.id)!), p, { state: fromName, container: c.id });
      const b = await readTextSide(files, rootOf(views.get(plan.to.id)!), q, { state: toName, container: c.id });
      if (!a.exists && !b.exists) {
        throw new LxcriError(
          'not-found',
          `${p} exists neither in ${fromName} nor in ${toName} of ${c.id}`,
          `see what changed with \`lxcri-console diff ${c.id} ${fromName} ${toName}\``,
        );
      }
      return { container: c.id, from: fromName, to: toName, path: p, ...(q !== p ? { toPath: q } : {}), ...sidesDiff(a, b) };
    },
    onStep,
  );
}

import { topDir, type FileChange, type ThreeWayChange, type TopDirSummary } from '../core/model/file-diff.js';
import type { FileDiffResult } from '../core/ops/file-diff.js';
import type { FileListing } from '../core/ops/file-restore.js';
import type { FileTextDiff } from '../core/ops/file-text.js';
import { CHANGE_LEGEND, massDeletionLine, summaryLines, volumeLines } from '../present/file-diff.js';

/**
 * The diff view (`=`) and the checkpoint file browser (`f`), pure: what they hold, their rows, where the cursor goes.
 * The controller reads the core in the background and keeps these in the UI store; the views draw them.
 */

/** The diff view: two states of a container, the core's answer once read, the cursor over the rows and the folded groups. */
export interface DiffView {
  container: string;
  /** As the core takes them (full snapshot names; `NOW`), and as the view names them until the result comes. */
  from: string;
  to: string;
  fromLabel: string;
  toLabel: string;
  /** Which read this is: an answer for an older one (the view was closed and opened again) is dropped. */
  request: number;
  result?: FileDiffResult;
  error?: string;
  cursor: number;
  /** Top-level directories folded (Enter or z on their row). */
  folded: string[];
}

/** The file browser: a directory of a checkpoint, its listing once read, the cursor over its entries. */
export interface FilesView {
  container: string;
  /** The checkpoint's full name (as the core takes it) and its short name (as the view shows it). */
  checkpoint: string;
  label: string;
  path: string;
  request: number;
  listing?: FileListing;
  error?: string;
  cursor: number;
  /** The entry to put the cursor on once the listing is read (the directory Backspace came out of). */
  focus?: string;
}

/** One file's text diff (Enter on a file in the diff view): the two states of the diff view, the lines scrolled. */
export interface TextDiffView {
  container: string;
  /** The file in the first state, and in the second where it was renamed. */
  path: string;
  toPath?: string;
  from: string;
  to: string;
  fromLabel: string;
  toLabel: string;
  request: number;
  result?: FileTextDiff;
  error?: string;
  /** The first line shown. */
  scroll: number;
}

export type DiffRow =
  { kind: 'group'; dir: string; summary: TopDirSummary; folded: boolean } | { kind: 'change'; dir: string; change: FileChange | ThreeWayChange };

/** The lines above the list: the summary, the mass-deletion warning, the legend. */
export function diffHeadLines(r: FileDiffResult | undefined): string[] {
  if (!r) return [];
  return [
    summaryLines(r.summary, 0)[0]!,
    ...(r.massDeletion ? [massDeletionLine(r.massDeletion)] : []),
    // Mount point volumes compared too, or why one was not (its checkpoint has no snapshot of it, ...).
    ...volumeLines(r.volumes),
    `legend: ${CHANGE_LEGEND}`,
  ];
}

const groupOf = (c: FileChange) => topDir(c.path, c.type === 'dir');

/** The list: each top-level directory (as the summary orders them, most changes first), then its changes unless folded. */
export function diffRows(r: FileDiffResult | undefined, folded: readonly string[]): DiffRow[] {
  if (!r) return [];
  const byDir = new Map<string, Array<FileChange | ThreeWayChange>>();
  for (const c of r.changes) {
    const dir = groupOf(c);
    const list = byDir.get(dir) ?? [];
    list.push(c);
    byDir.set(dir, list);
  }
  const rows: DiffRow[] = [];
  for (const t of r.summary.top) {
    const shut = folded.includes(t.dir);
    rows.push({ kind: 'group', dir: t.dir, summary: t, folded: shut });
    if (!shut) for (const change of byDir.get(t.dir) ?? []) rows.push({ kind: 'change', dir: t.dir, change });
  }
  return rows;
}

/** Enter or z: folds or unfolds the group under the cursor (on a change, its group); the cursor stays on the group's row. */
export function toggleFold(v: DiffView): DiffView {
  const row = diffRows(v.result, v.folded)[v.cursor];
  if (!row) return v;
  const folded = v.folded.includes(row.dir) ? v.folded.filter((d) => d !== row.dir) : [...v.folded, row.dir];
  const cursor = diffRows(v.result, folded).findIndex((r) => r.kind === 'group' && r.dir === row.dir);
  return { ...v, folded, cursor: Math.max(0, cursor) };
}

/** A path inside a directory of the container: `/etc` + `hosts` -> `/etc/hosts`. */
export function childPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** The directory above a path, and the name to put the cursor on there; undefined at the root. */
export function parentPath(path: string): { path: string; name: string } | undefined {
  if (path === '/' || path === '') return undefined;
  const cut = path.lastIndexOf('/');
  return { path: cut <= 0 ? '/' : path.slice(0, cut), name: path.slice(cut + 1) };
}

/** What Enter does on a row of the diff view: fold a group, show a file's text diff, or say why not. */
export function diffRowAction(row: DiffRow | undefined): { fold: true } | { file: string; toPath?: string } | { why: string } | undefined {
  if (!row) return undefined;
  if (row.kind === 'group') return { fold: true };
  const c = row.change;
  if (c.type !== 'file')
    return {
      why: `${c.path} is ${c.type === 'dir' ? 'a directory' : c.type === 'symlink' ? 'a symbolic link' : 'not a regular file'}: only a file's text can be compared (z folds its group)`,
    };
  return c.newPath !== undefined ? { file: c.path, toPath: c.newPath } : { file: c.path };
}

import type { ChangeCounts, ChangeKind, DiffSummary, FileChange, FileType, MassDeletion, ThreeWayChange, TopDirSummary } from '../core/model/file-diff.js';
import type { FileDiffResult } from '../core/ops/file-diff.js';
import type { VolumeNote } from '../core/ops/mount-volumes.js';
import type { FileListing, FileListingEntry, RestoreFilePlan } from '../core/ops/file-restore.js';
import { formatBytes, formatTime } from './units.js';

/*
 * The wording of diffs, checkpoint listings and file restores, shared by the CLI and the console: one change a line
 * (`M  /etc/hosts`), the legend, the summary by top-level directory and the mass-deletion warning.
 */

export const CHANGE_LEGEND = '+ added  - removed  M modified  R renamed';

const TYPE_MARK: Record<FileType, string> = { file: '', dir: '/', symlink: '@', other: '?' };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `M  /etc/hosts (1.2K)`, `R  /old -> /new`, a directory with a trailing `/`. */
export function changeLine(c: FileChange): string {
  const mark = TYPE_MARK[c.type];
  const size = c.size !== undefined && c.change !== '-' ? ` (${formatBytes(c.size)})` : '';
  const target = c.newPath !== undefined ? ` -> ${c.newPath}${mark}` : '';
  return `${c.change}  ${c.path}${mark}${target}${size}`;
}

/** The counts of a summary in words: "1 added, 1 removed, 1 modified, 0 renamed, 1.2K". */
export function countsWords(s: ChangeCounts): string {
  return `${s.added} added, ${s.removed} removed, ${s.modified} modified, ${s.renamed} renamed; ${formatBytes(s.bytes)} in the files listed`;
}

/** The summary: totals, then one line per top-level directory (at most `maxDirs`). */
export function summaryLines(summary: DiffSummary, maxDirs = 12): string[] {
  const total = summary.added + summary.removed + summary.modified + summary.renamed;
  if (!total) return ['no changes'];
  const width = Math.min(24, Math.max(...summary.top.slice(0, maxDirs).map((t) => t.dir.length)));
  const rows = summary.top
    .slice(0, maxDirs)
    .map(
      (t) =>
        `  ${t.dir.padEnd(width)}  +${String(t.added).padEnd(5)} -${String(t.removed).padEnd(5)} M${String(t.modified).padEnd(5)} R${String(t.renamed).padEnd(4)} ${formatBytes(t.bytes)}`,
    );
  const more = summary.top.length > maxDirs ? [`  ... and ${plural(summary.top.length - maxDirs, 'more directory', 'more directories')}`] : [];
  return [`${plural(total, 'change')}: ${countsWords(summary)}`, ...rows, ...more];
}

/** The warning a mass deletion deserves, naming where most went. */
export function massDeletionLine(m: MassDeletion): string {
  const share = m.of ? ` of ${m.of} (${Math.round((m.removed / m.of) * 100)}%)` : '';
  return `warning: mass deletion: ${m.removed} paths${share} removed, most under ${m.worst}; check this is what you expect before relying on this checkpoint`;
}

function sideWords(c: ThreeWayChange, from: string, to: string): string {
  return c.side === 'both' ? ` (${from}: ${c.fromChange}, ${to}: ${c.change})` : '';
}

/** The diff's first line: what is compared with what, and how. */
export function diffHeading(r: FileDiffResult): string {
  const heading = r.base ? `${r.container}: ${r.from} ... ${r.to} (on different branches; both from ${r.base})` : `${r.container}: ${r.from} -> ${r.to}`;
  const how = r.method === 'zfs-diff' ? 'zfs diff' : r.content ? 'files compared, contents too' : 'files compared by metadata (--content compares contents)';
  return `diff ${heading} [${how}]`;
}

const VOLUME_SKIP: Record<NonNullable<VolumeNote['reason']>, (v: VolumeNote) => string> = {
  'not-in-checkpoint': (v) =>
    `its volume ${v.dataset} has no snapshot ${v.checkpoint} (lxcri checkpoints snapshot the root filesystem only; pct snapshot takes every volume)`,
  'across-branches': () => 'a volume has no branches (a branch restore moves the root filesystem only), so only the root filesystem is compared here',
  'not-mounted': (v) => `its volume ${v.dataset} is not mounted (mount it to compare its live files)`,
  'bind-mount': () => 'a bind mount of a host directory, in no checkpoint',
  'other-pool': (v) => `its volume ${v.dataset} is in another pool than the root filesystem, which is not read for a diff`,
};

/** A container's mount points (mpN) in a diff: those compared in one line, then one note for each left out. */
export function volumeLines(volumes: readonly VolumeNote[] = []): string[] {
  const compared = volumes.filter((v) => v.compared);
  return [
    ...(compared.length ? [`mount points compared too: ${compared.map((v) => `${v.mount} ${v.path}`).join(', ')}`] : []),
    ...volumes.filter((v) => !v.compared && v.reason).map((v) => `note: ${v.mount} ${v.path} not compared: ${VOLUME_SKIP[v.reason!](v)}`),
  ];
}

/** The whole diff as text: a heading, the changes (grouped by side for a three-way view), the summary, any warning. */
export function diffLines(r: FileDiffResult): string[] {
  const lines = [diffHeading(r), `legend: ${CHANGE_LEGEND}`, ...volumeLines(r.volumes)];
  if (!r.base) lines.push(...r.changes.map(changeLine));
  else {
    const changes = r.changes as ThreeWayChange[];
    const groups: Array<[string, ThreeWayChange[]]> = [
      [`only in ${r.from} (since ${r.base})`, changes.filter((c) => c.side === 'from')],
      [`only in ${r.to} (since ${r.base})`, changes.filter((c) => c.side === 'to')],
      ['changed on both sides', changes.filter((c) => c.side === 'both')],
    ];
    for (const [title, group] of groups) {
      if (!group.length) continue;
      lines.push(`${title}:`, ...group.map((c) => `  ${changeLine(c)}${sideWords(c, r.from, r.to)}`));
    }
  }
  lines.push('', ...summaryLines(r.summary));
  if (r.massDeletion) lines.push(massDeletionLine(r.massDeletion));
  return lines;
}

/** A change row of the console's diff view: the CLI's line, and in a three-way view which side changed it. */
export function diffViewChangeLine(c: FileChange | ThreeWayChange, r: FileDiffResult): string {
  if (!r.base || !('side' in c)) return changeLine(c);
  const side = c.side === 'from' ? `only in ${r.from}` : c.side === 'to' ? `only in ${r.to}` : `both${sideWords(c, r.from, r.to)}`;
  return `${changeLine(c)}  [${side}]`;
}

/** A top-level directory's row in the console's diff view, folded or open: `▾ /etc  3 changes  +1 -1 M1 R0  1.2K`. */
export function diffGroupLine(t: TopDirSummary, folded: boolean, ascii: boolean): string {
  const mark = folded ? (ascii ? '>' : '▸') : ascii ? 'v' : '▾';
  const n = t.added + t.removed + t.modified + t.renamed;
  return `${mark} ${t.dir}  ${plural(n, 'change')}  +${t.added} -${t.removed} M${t.modified} R${t.renamed}  ${formatBytes(t.bytes)}`;
}

/** The diff view's lines while the core reads, and when it failed. */
export function diffReadingLine(container: string, from: string, to: string): string {
  return `reading what changed in ${container} from ${from} to ${to}…`;
}

export function filesReadingLine(container: string, checkpoint: string, path: string): string {
  return `reading ${path} in checkpoint ${checkpoint} of ${container}…`;
}

function modeText(type: FileType, mode: number): string {
  const t = type === 'dir' ? 'd' : type === 'symlink' ? 'l' : type === 'file' ? '-' : '?';
  const bits = 'rwxrwxrwx'
    .split('')
    .map((ch, i) => (mode & (1 << (8 - i)) ? ch : '-'))
    .join('');
  return t + bits;
}

/** One listing row, as `ls -l` reads: mode, owner, size, time, name (a link with its target). */
export function listingRow(e: FileListingEntry): string {
  const name = `${e.name}${e.type === 'dir' ? '/' : ''}${e.target !== undefined ? ` -> ${e.target}` : ''}`;
  return `${modeText(e.type, e.mode)} ${String(e.uid).padStart(5)} ${String(e.gid).padStart(5)} ${formatBytes(e.size).padStart(6)}  ${formatTime(e.mtime)}  ${name}`;
}

export function listingLines(l: FileListing): string[] {
  const head = `${l.container} @ ${l.checkpoint}: ${l.path}${l.type === 'dir' ? ` (${plural(l.entries.length, 'entry', 'entries')})` : ''}`;
  return [head, ...l.entries.map(listingRow)];
}

/** What a file restore does, before it runs. */
export function restoreFilePlanLines(p: RestoreFilePlan): string[] {
  const what = `${p.type === 'dir' ? 'directory' : p.type} ${p.path}${p.type === 'file' ? ` (${formatBytes(p.size)})` : ''}`;
  const fate = !p.current
    ? `${p.dest} does not exist now: it is created`
    : p.replace
      ? `the current ${p.dest} is REMOVED and replaced (--replace)`
      : `the current ${p.dest} is kept as ${p.keptAs}`;
  return [
    `restore ${what} of ${p.container} from checkpoint ${p.checkpoint} to ${p.dest}, with its mode, owner and times`,
    `  ${fate}; nothing else in the container changes and it keeps running`,
    '',
    'steps:',
    ...p.steps.map((s) => `  ${s}`),
  ];
}

export function restoreFileDoneLine(p: RestoreFilePlan): string {
  return `restored ${p.path} from ${p.checkpoint} to ${p.dest} in ${p.container}${p.keptAs ? `; the former version is kept as ${p.keptAs}` : p.current ? '; the former version was removed' : ''}`;
}

/** The change letters in legend order, for faces that count them. */
export const CHANGE_KINDS: readonly ChangeKind[] = ['+', '-', 'M', 'R'];

/** The removal a `--replace` restore makes, for its own confirmation: what is removed, and what takes its place. */
export function replaceConfirmLine(p: RestoreFilePlan): string {
  const what = p.current
    ? `${p.current.type === 'dir' ? 'directory' : p.current.type} ${p.dest}${p.current.type === 'file' ? ` (${formatBytes(p.current.size)})` : ''}`
    : p.dest;
  return `this REMOVES the current ${what} of ${p.container} for good, and puts the version of ${p.checkpoint} in its place`;
}

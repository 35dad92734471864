import type { TextHunk } from '../core/model/text-diff.js';
import type { FileTextDiff } from '../core/ops/file-text.js';
import { formatBytes } from './units.js';

/*
 * The wording of one file's text diff, shared by the CLI (`diff --file`) and the console's text-diff view: the unified
 * format `diff -u` and git print, a line of what was compared on top. Tabs are expanded (a terminal shows a tab as
 * nothing at all in a safe-text escape), and each line says what kind it is so a face can colour it.
 */

export type TextDiffLineKind = 'title' | 'file' | 'hunk' | 'added' | 'removed' | 'context' | 'note';

export interface TextDiffLine {
  kind: TextDiffLineKind;
  text: string;
}

/** Tabs to spaces at stops of 8, as a terminal shows them. */
export function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

/** `@@ -1,3 +1,4 @@`; an empty side starts at line 0, as `diff -u` says it. */
export function hunkHeader(h: TextHunk): string {
  const range = (start: number, lines: number) => `${lines === 0 ? start - 1 : start}${lines === 1 ? '' : `,${lines}`}`;
  return `@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`;
}

function sideWords(size: number | undefined): string {
  return size === undefined ? 'absent' : formatBytes(size);
}

/** The first line: which file, from which state to which, and how much changed. */
export function textDiffTitle(d: FileTextDiff): string {
  const path = d.toPath ? `${d.path} -> ${d.toPath}` : d.path;
  const counts = d.hunks.length ? `+${d.added} -${d.removed} lines` : 'identical text';
  return `${d.container} ${path}: ${d.from} (${sideWords(d.fromSize)}) -> ${d.to} (${sideWords(d.toSize)}), ${counts}`;
}

const MARKS: Record<string, TextDiffLineKind> = { '+': 'added', '-': 'removed', ' ': 'context' };

/** The whole diff, a line each: the title, `---`/`+++` (`/dev/null` for a side without the file), then the hunks. */
export function textDiffLines(d: FileTextDiff): TextDiffLine[] {
  const lines: TextDiffLine[] = [{ kind: 'title', text: textDiffTitle(d) }];
  if (!d.hunks.length) return lines;
  lines.push(
    { kind: 'file', text: `--- ${d.fromSize === undefined ? '/dev/null' : `${d.from}:${d.path}`}` },
    { kind: 'file', text: `+++ ${d.toSize === undefined ? '/dev/null' : `${d.to}:${d.toPath ?? d.path}`}` },
  );
  for (const h of d.hunks) {
    lines.push({ kind: 'hunk', text: hunkHeader(h) });
    for (const l of h.lines) lines.push({ kind: MARKS[l[0]!] ?? 'note', text: expandTabs(l) });
  }
  return lines;
}

/** What the text-diff view says while the core reads the two states. */
export function textDiffReadingLine(container: string, path: string, from: string, to: string): string {
  return `reading ${path} of ${container} in ${from} and ${to}…`;
}

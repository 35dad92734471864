import { structuredPatch } from 'diff';

/*
 * A unified diff of one file's text at two states, computed with jsdiff (Myers' algorithm, as `diff -u` and git):
 * hunks of context, removed and added lines, each line carrying its mark (' ', '-', '+', or '\' for "no newline at end
 * of file").
 */

/** One hunk, as `@@ -oldStart,oldLines +newStart,newLines @@` heads it; `lines` keep their mark as first character. */
export interface TextHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

/** Lines of context around each change, as `diff -u`. */
export const CONTEXT_LINES = 3;

/** The hunks turning `before` into `after`; none when the two are the same text. */
export function textHunks(before: string, after: string, context = CONTEXT_LINES): TextHunk[] {
  const patch = structuredPatch('a', 'b', before, after, undefined, undefined, { context });
  return patch.hunks.map((h) => ({ oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, lines: [...h.lines] }));
}

/** Lines added and removed over all hunks. */
export function hunkCounts(hunks: readonly TextHunk[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const h of hunks)
    for (const l of h.lines) {
      if (l.startsWith('+')) added++;
      else if (l.startsWith('-')) removed++;
    }
  return { added, removed };
}

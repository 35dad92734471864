import type { TextDiffLineKind } from '../present/text-diff.js';

/*
 * Colour for the CLI's output on a terminal (ANSI SGR), for text already made safe: the codes are added after the
 * escaping, so nothing from outside reaches the terminal as a sequence.
 */

const SGR: Partial<Record<TextDiffLineKind, string>> = { title: '1', file: '1', hunk: '36', added: '32', removed: '31' };

/** A text-diff line in the colours `git diff` uses: green added, red removed, cyan hunk headers, bold file lines. */
export function paintDiffLine(kind: TextDiffLineKind, safe: string): string {
  const code = SGR[kind];
  return code ? `\x1b[${code}m${safe}\x1b[0m` : safe;
}

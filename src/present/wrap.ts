import wrapAnsi from 'wrap-ansi';

/**
 * A line wrapped to `width` at word boundaries (wrap-ansi, which Ink itself uses; a word longer than the width is
 * cut), continuation rows indented two past the line's own indent so a step's wrapped name reads as one item.
 */
export function wrapLine(line: string, width: number): string[] {
  if ([...line].length <= width) return [line];
  const own = /^ */.exec(line)![0].length;
  const indent = ' '.repeat(Math.min(Math.floor(width / 2), own + 2));
  const [first, ...rest] = wrapAnsi(line, width, { hard: true, trim: false }).split('\n');
  const tail = rest.map((r) => r.trim()).join(' ');
  return tail
    ? [
        first!.trimEnd(),
        ...wrapAnsi(tail, width - indent.length, { hard: true })
          .split('\n')
          .map((r) => indent + r),
      ]
    : [first!];
}

/** Every line wrapped: the rows a dialog's text takes at a width. */
export function wrapLines(lines: readonly string[], width: number): string[] {
  return lines.flatMap((l) => wrapLine(l, width));
}

import { Box, useStdout } from 'ink';
import type { ReactNode } from 'react';
import { ScrollHint, windowRows } from './ScrollHint.js';
import { useLook } from './theme-context.js';
import { Text } from './Text.js';

/** A line cut into rows of `width`, continuation rows indented under the line's own indent. */
export function wrapLine(line: string, width: number): string[] {
  const chars = [...line];
  if (chars.length <= width) return [line];
  const indent = ' '.repeat(Math.min(width / 2, (/^ */.exec(line)?.[0].length ?? 0) + 2));
  const rows = [chars.slice(0, width).join('')];
  for (let i = width; i < chars.length; i += width - indent.length) rows.push(indent + chars.slice(i, i + width - indent.length).join(''));
  return rows;
}

/**
 * A dialog's frame: title, body lines (scrolled from `scroll`, with "↑/↓ N more" when they do not fit), footer with
 * its keys. ASCII mode draws it with ASCII borders.
 */
export function DialogBox({
  title,
  lines: given,
  footer,
  height,
  width,
  scroll = 0,
}: {
  title: string;
  lines: ReactNode[];
  footer: ReactNode;
  height: number;
  /** The box's width (the terminal's when absent): text lines wrap inside it (a plan's dataset names are never cut). */
  width?: number;
  scroll?: number;
}) {
  const { theme, ascii } = useLook();
  const { stdout } = useStdout();
  const inner = Math.max(20, (width ?? (stdout.columns || 80)) - 4);
  const lines = given.flatMap((l) => (typeof l === 'string' ? wrapLine(l, inner) : [l]));
  const room = Math.max(1, height - 4);
  const w = windowRows(lines.length, room, Math.max(0, Math.min(scroll, lines.length - 1)), false);
  return (
    <Box flexDirection="column" borderStyle={ascii ? 'classic' : 'double'} borderColor={theme.color('border.focus')} paddingX={1}>
      <Text bold color={theme.color('title')} wrap="truncate">
        {title}
      </Text>
      <ScrollHint direction="up" count={w.above} />
      {lines.slice(w.start, w.end).map((l, i) => (
        <Text key={w.start + i} wrap="truncate">
          {l}
        </Text>
      ))}
      <ScrollHint direction="down" count={w.below} />
      <Text color={theme.color('text.accent')} wrap="truncate">
        {footer}
      </Text>
    </Box>
  );
}

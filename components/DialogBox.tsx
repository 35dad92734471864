import { Box, useStdout } from 'ink';
import type { ReactNode } from 'react';
import { ScrollHint, windowRows } from './ScrollHint.js';
import { useLook } from './theme-context.js';
import { Text } from './Text.js';
import { wrapLine } from '../src/present/wrap.js';

/** Columns a dialog's text gets inside its border and padding. */
export function dialogTextWidth(columns: number): number {
  return Math.max(20, columns - 4);
}

/** Rows a dialog's body gets: the body height less the border, the title and the footer. */
export function dialogRows(height: number): number {
  return Math.max(1, height - 4);
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
  focus,
}: {
  title: string;
  lines: ReactNode[];
  footer: ReactNode;
  height: number;
  /** The box's width (the terminal's when absent): text lines wrap inside it (a plan's dataset names are never cut). */
  width?: number;
  scroll?: number;
  /** A line to keep in sight (a cursor's), centred when the text scrolls: instead of `scroll`. */
  focus?: number;
}) {
  const { theme, ascii } = useLook();
  const { stdout } = useStdout();
  const inner = dialogTextWidth(width ?? (stdout.columns || 80));
  const lines = given.flatMap((l) => (typeof l === 'string' ? wrapLine(l, inner) : [l]));
  const room = dialogRows(height);
  // Lines are counted before wrapping: a dialog with a cursor keeps its lines within the box.
  const w =
    focus !== undefined
      ? windowRows(lines.length, room, Math.max(0, Math.min(focus, lines.length - 1)), true)
      : windowRows(lines.length, room, Math.max(0, Math.min(scroll, lines.length - 1)), false);
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

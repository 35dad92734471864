import { useLook } from './theme-context.js';
import { Text } from './Text.js';

/** "↑ 10 more" / "↓ 3 more" at the edge of a windowed list ("^"/"v" in ASCII mode); nothing when none is hidden. */
export function ScrollHint({ direction, count }: { direction: 'up' | 'down'; count: number }) {
  const { theme, ascii } = useLook();
  if (count <= 0) return null;
  const arrow = direction === 'up' ? (ascii ? '^' : '↑') : ascii ? 'v' : '↓';
  return <Text color={theme.color('text.dim')}>{`${arrow} ${count} more`}</Text>;
}

/**
 * The rows of a list to draw in `rows` lines, the cursor (if any) kept inside, with the lines the scroll hints take:
 * a hint replaces the first or last row when rows are hidden that way.
 */
export function windowRows(total: number, rows: number, focus: number, centre = true): { start: number; end: number; above: number; below: number } {
  if (total <= rows) return { start: 0, end: total, above: 0, below: 0 };
  const edge = Math.max(1, rows - 1);
  const wanted = centre ? focus - Math.floor((rows - 2) / 2) : focus;
  let start: number;
  let room: number;
  if (wanted <= 0) [start, room] = [0, edge];
  else if (wanted >= total - edge) [start, room] = [total - edge, edge];
  else [start, room] = [Math.min(wanted, total - Math.max(1, rows - 2)), Math.max(1, rows - 2)];
  // Near the end with both hints the window may reach the last row: then only the top hint is needed.
  if (start > 0 && start + room >= total) [start, room] = [total - edge, edge];
  const end = Math.min(total, start + room);
  return { start, end, above: start, below: total - end };
}

import type { CommandId } from './bindings.js';
import { windowRows } from '../../components/ScrollHint.js';

/** The navigation commands every list and scrolled view takes (NAV_BINDINGS). */
export const NAV_COMMANDS: ReadonlySet<CommandId> = new Set(['up', 'down', 'top', 'bottom', 'page-up', 'page-down', 'half-up', 'half-down']);

/**
 * A cursor or scroll offset after a navigation command: `total` rows, `page` of them visible. Clamped to the rows;
 * undefined for a command that is not navigation.
 */
export function navigate(index: number, command: CommandId, total: number, page: number): number | undefined {
  const p = Math.max(1, page);
  const delta: Partial<Record<CommandId, number>> = {
    up: -1,
    down: 1,
    'page-up': -p,
    'page-down': p,
    'half-up': -Math.max(1, Math.floor(p / 2)),
    'half-down': Math.max(1, Math.floor(p / 2)),
  };
  const last = Math.max(0, total - 1);
  if (command === 'top') return 0;
  if (command === 'bottom') return last;
  const d = delta[command];
  return d === undefined ? undefined : Math.max(0, Math.min(last, index + d));
}

/**
 * The first row of a scrolled view (a view without a cursor, windowed by `windowRows` with its "↑/↓ N more" hints)
 * after a navigation command. A page moves by the rows the window really showed, not by its height: the hints take
 * rows, and a page by the height skipped the rows under them.
 */
export function scrollView(start: number, command: CommandId, total: number, rows: number): number | undefined {
  const max = total <= rows ? 0 : total - (rows - 1);
  const from = Math.min(start, max);
  const w = windowRows(total, rows, from, false);
  const page = command === 'page-down' ? w.end - w.start : command === 'page-up' ? rows - 2 : rows;
  return navigate(from, command, max + 1, page);
}

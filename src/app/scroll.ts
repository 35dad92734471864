import type { CommandId } from './bindings.js';

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

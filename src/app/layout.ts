import type { Pane } from './ui-store.js';

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

/** Rows the screen keeps for itself: header, progress/message line, footer. */
const CHROME_ROWS = 3;

export interface ScreenLayout {
  columns: number;
  /** One row below the terminal height: a frame as tall as the terminal makes Ink repaint everything (flicker over SSH). */
  height: number;
  /** Rows between the header and the message line: the panes, or a full-screen view. */
  body: number;
  left: number;
  right: number;
  /** Height of the top row of panes (containers, tree); the bottom row (details, events) gets the rest. */
  top: number;
  bottom: number;
}

/** Where everything goes at a terminal size: the screen draws from this, and the controller's page sizes come from it. */
export function screenLayout(columns: number, rows: number): ScreenLayout {
  const height = rows - 1;
  const body = height - CHROME_ROWS;
  const left = Math.max(44, Math.floor(columns * 0.38));
  const top = Math.max(8, Math.floor(body * 0.62));
  return { columns, height, body, left, right: columns - left, top, bottom: body - top };
}

/** Rows a pane shows its list in: border (2) and title (1), and the column header of the containers and the tree. */
export function paneRows(l: ScreenLayout, pane: Pane): number {
  const h = pane === 'containers' || pane === 'tree' ? l.top : l.bottom;
  return Math.max(1, h - 3 - (pane === 'containers' || pane === 'tree' ? 1 : 0));
}

/** Rows of a full-screen view's body (help, pool, messages, command log, dialogs). */
export function overlayRows(l: ScreenLayout): number {
  return Math.max(1, l.body - 3);
}

/** Columns of text inside a full-screen view's border and padding. */
export function overlayTextWidth(columns: number): number {
  return Math.max(20, columns - 4);
}

/** Lines under the space view's list at each depth (SpaceView): health and forecast, legend, breakdown, note. */
export const SPACE_DETAIL_ROWS = [5, 3, 8, 3] as const;

/** Rows of the space view's list (SpaceView): the body less its path line, column header and the level's details. */
export function spaceListRows(body: number, depth: number): number {
  return Math.max(1, body - 2 - (SPACE_DETAIL_ROWS[depth] ?? 0));
}

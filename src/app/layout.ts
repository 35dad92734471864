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
  /** Each pane's width: containers + tree = details + events = columns. */
  width: Record<Pane, number>;
  /** Height of the top row of panes (containers, tree); the bottom row (details, events) gets the rest. */
  top: number;
  bottom: number;
}

/** Below this many columns the container list gives way to the tree once the focus leaves it (lazygit's "expand the focused side"). */
export const NARROW_COLUMNS = 120;
/** The container list when it gives way: still each container's id, name, status and flag (container-row.ts). */
export const NARROW_LEFT = 31;

/**
 * Where everything goes at a terminal size and focus: the screen draws from this, and the controller's page sizes
 * come from it. The left side (containers, details) takes 38%, at least 44 columns. On a narrow screen
 * (< NARROW_COLUMNS) the container list is that wide only while it has the focus: once the focus moves on (tree,
 * details, events) it shrinks to NARROW_LEFT and the tree gets the room for its DATE column (at 80 columns: 49
 * instead of 36). The details pane keeps its width (its labels and dataset names would wrap), so does the events pane.
 */
export function screenLayout(columns: number, rows: number, focus: Pane = 'containers'): ScreenLayout {
  const height = rows - 1;
  const body = height - CHROME_ROWS;
  const left = Math.max(44, Math.floor(columns * 0.38));
  const containers = columns < NARROW_COLUMNS && focus !== 'containers' ? Math.min(left, NARROW_LEFT) : left;
  const top = Math.max(8, Math.floor(body * 0.62));
  return {
    columns,
    height,
    body,
    width: { containers, tree: columns - containers, details: left, events: columns - left },
    top,
    bottom: body - top,
  };
}

/** Lines a pane of `height` rows shows its list in (scroll hints included): less its border (2), title (1) and the lines above the list. */
export function listRows(height: number, above: number): number {
  return Math.max(1, height - 3 - above);
}

/**
 * Rows a pane shows its list in (listRows): `above` is the lines over the list, by default the column header of the
 * containers and the tree; the tree's status lines (search, marks) are passed by the caller (treeLinesAbove).
 */
export function paneRows(l: ScreenLayout, pane: Pane, above = pane === 'containers' || pane === 'tree' ? 1 : 0): number {
  return listRows(pane === 'containers' || pane === 'tree' ? l.top : l.bottom, above);
}

/** The lines over the tree's list: the search line, the marks line, and the column header when there is a tree. */
export function treeLinesAbove(s: { searching: boolean; search: string; marked: number; tree: boolean }): number {
  return (s.searching || s.search ? 1 : 0) + (s.marked ? 1 : 0) + (s.tree ? 1 : 0);
}

/** The lines over the container list: the filter line while typing it, and the column header. */
export function containerLinesAbove(filtering: boolean): number {
  return (filtering ? 1 : 0) + 1;
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

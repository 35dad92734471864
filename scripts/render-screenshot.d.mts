// Types of scripts/render-screenshot.mjs, for the tests that import it.
export type Colour = null | number | string;
export interface Style {
  fg: Colour;
  bg: Colour;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
  hidden: boolean;
  strike: boolean;
}
export interface Run {
  col: number;
  text: string;
  style: Style;
}
export const DEFAULT_FG: string;
export const DEFAULT_BG: string;
export const PALETTE_16: readonly string[];
export function color256(n: number): string;
export function applySgr(style: Style, paramText: string): Style;
export function parseAnsi(text: string): Run[][];
export function resolveStyle(style: Style): { fg: string; bg: string };
export function toMvg(lines: Run[][]): { mvg: string; width: number; height: number };
export function renderScreenshot(input: string, output: string): void;

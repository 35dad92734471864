import { safeText } from './safe-text.js';

/** Plain left-aligned columns (the listed ones right-aligned), two spaces apart; cells escaped before they are measured. */
export function table(header: string[], cells: string[][], rightAlign: number[] = []): string {
  const rows = cells.map((r) => r.map(safeText));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => (rightAlign.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

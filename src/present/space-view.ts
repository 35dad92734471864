import type { Forecast } from '../core/model/forecast.js';
import type { CheckpointSpace, ContainerSpace, LineSpace } from '../core/model/space.js';
import type { PoolRecord, PoolStatus } from '../core/tools/zpool/parse.js';
import { formatAge, formatBytes, formatTime } from './units.js';

/**
 * The space view's wording (the console's `P`): where a pool's space is, pool -> container -> line -> checkpoint.
 * Pure: the view lays these strings out and colours the bars.
 */

export type SpaceSort = 'size' | 'name' | 'age';
export const SPACE_SORTS: readonly SpaceSort[] = ['size', 'name', 'age'];

/** The parts of a container's space, in the order the bar draws them; they add up to its total. */
export const SPACE_PARTS = [
  { key: 'live', word: 'live data', short: 'live' },
  { key: 'own', word: "checkpoints' own space", short: 'own' },
  { key: 'shared', word: 'shared between checkpoints (freed only when all holding it go)', short: 'shared' },
  { key: 'branches', word: 'branches', short: 'branches' },
  { key: 'images', word: 'CRIU images', short: 'images' },
] as const;
export type SpacePart = (typeof SPACE_PARTS)[number]['key'];

/** Each part's fill: distinct characters, so the parts read apart without colour (no-color theme, TERM=dumb). */
export const PART_FILL: Readonly<Record<'unicode' | 'ascii', Record<SpacePart, string>>> = {
  unicode: { live: '█', own: '▓', shared: '▒', branches: '░', images: '▞' },
  ascii: { live: '#', own: '=', shared: '+', branches: ':', images: '*' },
};

/** A container's parts, in SPACE_PARTS order. */
export function containerParts(c: ContainerSpace): number[] {
  return [c.live, c.snapshotsUnique, c.snapshotsShared, c.branches, c.images];
}

/** A line's own parts: its live data and its snapshots' unique and shared space (branches and images are the container's). */
export function lineParts(l: LineSpace): number[] {
  return [l.live, l.snapshotsUnique, l.snapshotsShared, 0, 0];
}

/**
 * Cells of a bar `width` wide per part, `scale` bytes filling it (ncdu: the biggest row fills the bar). Rounded on
 * the running sum, so the cells add up to the rounded whole and no part's rounding pushes the bar past its width.
 */
export function barCells(values: readonly number[], scale: number, width: number): number[] {
  const cells: number[] = [];
  let sum = 0;
  let drawn = 0;
  for (const v of values) {
    sum += Math.max(0, v);
    const upTo = scale > 0 ? Math.min(width, Math.round((sum / scale) * width)) : 0;
    cells.push(upTo - drawn);
    drawn = upTo;
  }
  return cells;
}

/** The bar as plain text (the cursor row draws it in the selection colours). */
export function barText(cells: readonly number[], width: number, ascii: boolean): string {
  const fill = PART_FILL[ascii ? 'ascii' : 'unicode'];
  const text = SPACE_PARTS.map((p, i) => fill[p.key].repeat(cells[i] ?? 0)).join('');
  return text.padEnd(width);
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const perDay = (bytes: number) => `${bytes < 0 ? '-' : '+'}${formatBytes(Math.abs(bytes))}/day`;
const days = (d: number) => (d >= 10 ? String(Math.round(d)) : d.toFixed(1).replace(/\.0$/, ''));

/** The forecast in a pool row's few columns. */
export function forecastShort(f: Forecast): string {
  if (f.kind === 'not-enough-history') return 'not enough history';
  if (f.kind === 'not-growing') return 'not growing';
  return f.daysToFull < 1 ? 'full in <1 day' : `full in ~${Math.round(f.daysToFull)} days`;
}

/** The forecast in full: the rate, the window it was measured over, what it means. */
export function forecastText(f: Forecast): string {
  const over = `over the last ${days(f.days)} days (${plural(f.points, 'data point')})`;
  if (f.kind === 'not-enough-history') return `growth: not enough history (${days(f.days)} days, ${plural(f.points, 'data point')}; needs 2 days and 3 points)`;
  if (f.kind === 'not-growing') return `growth: not growing, ${perDay(f.perDay)} ${over}`;
  return `growth: ${perDay(f.perDay)} ${over}: pool full in ${f.daysToFull < 1 ? 'less than a day' : `~${Math.round(f.daysToFull)} days`}`;
}

/** Health and scrub of a pool from `zpool status` (read when the view opens): state, last scan, errors. */
export function healthLines(pool: PoolRecord, status: PoolStatus | undefined, reading: boolean, error?: string): string[] {
  if (error) return [`${pool.name}: ${pool.health}; zpool status failed: ${error}`];
  if (!status) return [`${pool.name}: ${pool.health}; ${reading ? 'reading zpool status' : 'zpool status says nothing of it'}`];
  return [
    `${pool.name}: ${status.state}${status.status ? ` (${status.status})` : ''}`,
    `scan: ${status.scan ?? 'none requested'}`,
    `errors: ${status.errors || 'none reported'}`,
  ];
}

/** "1.2G of 48G" ("~" before sizes zfs-fuse gave in human units). */
export function poolUsed(p: Pick<PoolRecord, 'allocated' | 'size' | 'free' | 'approximate'>): { used: string; free: string } {
  const a = p.approximate ? '~' : '';
  return { used: `${a}${formatBytes(p.allocated)}/${a}${formatBytes(p.size)}`, free: `${a}${formatBytes(p.free)} free` };
}

/** The breakdown's lines: each part's word and bytes, aligned, then the total. */
export function breakdownLines(c: ContainerSpace): Array<{ part?: SpacePart; text: string }> {
  const values = containerParts(c);
  const words = [...SPACE_PARTS.map((p) => p.word), 'total'];
  const figures = [...values, c.total].map(formatBytes);
  const w = Math.max(...words.map((x) => x.length));
  const fw = Math.max(...figures.map((x) => x.length));
  return words.map((word, i) => ({ ...(i < SPACE_PARTS.length ? { part: SPACE_PARTS[i]!.key } : {}), text: `${word.padEnd(w)}  ${figures[i]!.padStart(fw)}` }));
}

/** One line legend of the parts with their bytes: "live 3.1G  own 120M  shared 800M  branches 0B  images 0B". */
export function legendItems(values: readonly number[]): Array<{ part: SpacePart; text: string }> {
  return SPACE_PARTS.map((p, i) => ({ part: p.key, text: `${p.short} ${formatBytes(values[i] ?? 0)}` }));
}

/** A dataset's last path element: the line's name in its container. */
export function lineName(l: Pick<LineSpace, 'dataset'>): string {
  return l.dataset.slice(l.dataset.lastIndexOf('/') + 1);
}

/** A checkpoint's row cells: date, age, name (and label), used, written ("~" where the pool cannot say). */
export function checkpointCells(c: CheckpointSpace, now: number): { date: string; age: string; name: string; used: string; written: string } {
  return {
    date: formatTime(c.creation).slice(0, 16),
    age: formatAge(c.creation, now, true),
    name: c.label ? `${c.name} "${c.label}"` : c.name,
    used: formatBytes(c.used),
    written: c.written === undefined ? '~' : formatBytes(c.written),
  };
}

/** The header: where the cursor is (pool › container › line) and the order. */
export function pathText(path: readonly string[], sort: SpaceSort, ascii: boolean): string {
  const sep = ascii ? ' > ' : ' › ';
  return `Space: ${['pools', ...path].join(sep)}   sort: ${sort}`;
}

/** What `used` and `written` mean, under the checkpoints of a line. */
export const CHECKPOINT_NOTE = 'used: freed by deleting it alone; written: new since the one before (~ unknown)';

import type { RuntimeEvent } from '../state/events.js';
import type { Inventory } from './inventory.js';

const DAY_S = 86_400;

/** The observed window must be this long, with this many data points, before a rate means anything. */
export const FORECAST_MIN_DAYS = 2;
export const FORECAST_MIN_POINTS = 3;
/** Only the recent past: a pool that filled fast a year ago says little about next week. */
export const FORECAST_WINDOW_DAYS = 30;

/** Bytes that arrived (or, negative, left) the pool at a moment, for an interval that began at `from`. */
export interface GrowthPoint {
  /** Unix seconds: the interval's start and end. */
  from: number;
  at: number;
  bytes: number;
}

export type Forecast =
  | { kind: 'not-enough-history'; days: number; points: number }
  | { kind: 'not-growing'; days: number; points: number; perDay: number }
  | { kind: 'growing'; days: number; points: number; perDay: number; daysToFull: number };

const inPool = (pool: string, dataset: string) => dataset === pool || dataset.startsWith(`${pool}/`);

/**
 * What the pool's datasets added, interval by interval, from the listing in memory: each snapshot's `written` (bytes
 * written since the snapshot before it, which the snapshots then keep) and each dataset's `written` since its latest
 * snapshot, up to `now`. Where the pool cannot say `written` (zfs-fuse), the change of `referenced` stands in (net
 * growth of the live data, blind to what snapshots hold). A dataset's first snapshot is left out: its `written` is
 * everything since the dataset was made (the initial install), not growth.
 */
export function growthPoints(inv: Inventory, pool: string, now: number): GrowthPoint[] {
  const points: GrowthPoint[] = [];
  for (const fs of inv.filesystems) {
    if (!inPool(pool, fs.name)) continue;
    const snaps = inv.snapshotsOf(fs.name);
    for (let i = 1; i < snaps.length; i++) {
      const [prev, s] = [snaps[i - 1]!, snaps[i]!];
      points.push({ from: prev.creation, at: s.creation, bytes: s.written ?? s.referenced - prev.referenced });
    }
    const latest = snaps.at(-1);
    if (latest && now > latest.creation) points.push({ from: latest.creation, at: now, bytes: fs.written ?? fs.referenced - latest.referenced });
  }
  return points;
}

/** What prunes and deletes gave back (events.log's `bytes_reclaimed`), on the pool's datasets. */
export function reclaimPoints(events: readonly RuntimeEvent[], pool: string): GrowthPoint[] {
  const out: GrowthPoint[] = [];
  for (const e of events) {
    if (e.result !== 'ok' || !e.bytes_reclaimed) continue;
    // The target is a container id or a dataset; an id says nothing about the pool, so it counts for every pool.
    if (e.target.includes('/') && !e.target.split(' ').some((t) => inPool(pool, t))) continue;
    const at = Math.floor(Date.parse(e.ts) / 1000);
    if (Number.isFinite(at)) out.push({ from: at, at, bytes: -e.bytes_reclaimed });
  }
  return out;
}

/**
 * "Pool full in ~N days": bytes added per day over the observed window (at most FORECAST_WINDOW_DAYS, ending `now`),
 * against the bytes free. Too short a window or too few points: not enough history. Pure.
 */
export function forecastPool(points: readonly GrowthPoint[], free: number, now: number, windowDays = FORECAST_WINDOW_DAYS): Forecast {
  const edge = now - windowDays * DAY_S;
  const recent = points.filter((p) => p.at <= now && p.at >= edge);
  const start = Math.max(edge, Math.min(now, ...recent.map((p) => p.from)));
  const days = (now - start) / DAY_S;
  if (days < FORECAST_MIN_DAYS || recent.length < FORECAST_MIN_POINTS) return { kind: 'not-enough-history', days, points: recent.length };
  // An interval that began before the window counts for its part inside it.
  const inside = (p: GrowthPoint) => (p.at > p.from && p.from < start ? (p.at - start) / (p.at - p.from) : 1);
  const perDay = recent.reduce((n, p) => n + p.bytes * inside(p), 0) / days;
  if (perDay <= 0) return { kind: 'not-growing', days, points: recent.length, perDay };
  return { kind: 'growing', days, points: recent.length, perDay, daysToFull: Math.max(0, free) / perDay };
}

import { forecastPool, growthPoints, reclaimPoints, type Forecast } from '../core/model/forecast.js';
import { spaceReport, type CheckpointSpace, type ContainerSpace, type LineSpace, type PoolSpace, type SpaceReport } from '../core/model/space.js';
import type { RuntimeEvent } from '../core/state/events.js';
import type { PoolRecord } from '../core/tools/zpool/parse.js';
import type { World } from '../core/world.js';
import { SPACE_SORTS, type SpaceSort } from '../present/space-view.js';
import type { CommandId } from './bindings.js';
import { navigate } from './scroll.js';

/**
 * The space view's navigation (`P`), pure: where the cursor is in pool -> container -> line -> checkpoint, and the
 * order. The path holds keys (pool name, container id, line dataset), not row numbers, so going back puts the cursor
 * on the row it came from whatever the order or a refresh did meanwhile.
 */
export interface SpaceNav {
  /** [pool, container id, line dataset]: as deep as the cursor went in. */
  path: string[];
  /** The row under the cursor at the current level. */
  cursor: number;
  sort: SpaceSort;
}

export const START_NAV: SpaceNav = { path: [], cursor: 0, sort: 'size' };

/** Everything the view shows, derived once per world (and its events) from the listing in memory: no process. */
export interface SpaceData {
  report: SpaceReport;
  pools: Map<string, PoolRecord>;
  /** Container names by id (the space model keeps ids). */
  names: Map<string, string>;
  forecasts: Map<string, Forecast>;
}

const derived = new WeakMap<World, { report: SpaceReport; pools: Map<string, PoolRecord>; names: Map<string, string> }>();
const forecasts = new WeakMap<World, WeakMap<readonly RuntimeEvent[], Map<string, Forecast>>>();

/**
 * The worlds the view is made of: one host's, or in a cluster each node's own (its listing, its pools named
 * `<node>:<pool>`, its containers); events.log is this machine's, so only the local node's forecast reads it.
 */
function parts(world: World): Array<{ prefix: string; world: World; containers: World['containers']; local: boolean }> {
  if (!world.nodes || world.nodes.length < 2) return [{ prefix: '', world, containers: world.containers, local: true }];
  return world.nodes
    .filter((n) => n.world)
    .map((n) => ({ prefix: `${n.name}:`, world: n.world!, containers: world.containers.filter((c) => c.node === n.name), local: n.local }));
}

export function spaceData(world: World, events: readonly RuntimeEvent[]): SpaceData {
  let base = derived.get(world);
  if (!base) {
    // CRIU images are not in memory: they show as 0 (the CLI's `space` reads the image store).
    const report: SpaceReport = {
      pools: parts(world).flatMap((x) => spaceReport(x.world.inventory, x.containers, x.world.pools).pools.map((p) => ({ ...p, name: x.prefix + p.name }))),
    };
    base = {
      report,
      pools: new Map(world.pools.map((p) => [p.name, p])),
      names: new Map(world.containers.map((c) => [c.id, c.name])),
    };
    derived.set(world, base);
  }
  let byEvents = forecasts.get(world);
  if (!byEvents) forecasts.set(world, (byEvents = new WeakMap()));
  let f = byEvents.get(events);
  if (!f) {
    const now = Math.floor(world.refreshedAt / 1000);
    f = new Map(
      parts(world).flatMap((x) =>
        x.world.pools.map((p): [string, Forecast] => [
          x.prefix + p.name,
          forecastPool([...growthPoints(x.world.inventory, p.name, now), ...(x.local ? reclaimPoints(events, p.name) : [])], p.free, now),
        ]),
      ),
    );
    byEvents.set(events, f);
  }
  return { ...base, forecasts: f };
}

export type SpaceLevel =
  | { depth: 0; items: PoolSpace[] }
  | { depth: 1; pool: PoolSpace; items: ContainerSpace[] }
  | { depth: 2; pool: PoolSpace; container: ContainerSpace; items: LineSpace[] }
  | { depth: 3; pool: PoolSpace; container: ContainerSpace; line: LineSpace; items: CheckpointSpace[] };

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const newest = (cps: readonly CheckpointSpace[]) => cps.reduce((n, c) => Math.max(n, c.creation), -Infinity);

/** Sorts a copy: biggest first, by name, or newest first; ties by key, so the order is stable across refreshes. */
function sortBy<T>(items: readonly T[], key: (t: T) => string, size: (t: T) => number, name: (t: T) => string, age: (t: T) => number, sort: SpaceSort): T[] {
  const cmp: Record<SpaceSort, (a: T, b: T) => number> = {
    size: (a, b) => size(b) - size(a),
    name: (a, b) => name(a).localeCompare(name(b)),
    age: (a, b) => age(b) - age(a),
  };
  return [...items].sort((a, b) => cmp[sort](a, b) || byKey(key(a), key(b)));
}

/** The rows at the level the path leads to, sorted; a path element that is gone (after a refresh) ends the path there. */
export function spaceLevel(data: SpaceData, nav: Pick<SpaceNav, 'path' | 'sort'>): SpaceLevel {
  const s = nav.sort;
  const pools = sortBy(
    data.report.pools,
    (p) => p.name,
    (p) => p.allocated,
    (p) => p.name,
    () => 0,
    s,
  );
  const pool = pools.find((p) => p.name === nav.path[0]);
  if (!pool) return { depth: 0, items: pools };
  const containers = sortBy(
    pool.containers,
    (c) => c.id,
    (c) => c.total,
    (c) => data.names.get(c.id) ?? c.id,
    (c) => newest(c.checkpoints),
    s,
  );
  const container = containers.find((c) => c.id === nav.path[1]);
  if (!container) return { depth: 1, pool, items: containers };
  const lines = sortBy(
    container.lines,
    (l) => l.dataset,
    (l) => l.used,
    (l) => l.dataset,
    (l) => newest(l.checkpoints),
    s,
  );
  const line = lines.find((l) => l.dataset === nav.path[2]);
  if (!line) return { depth: 2, pool, container, items: lines };
  const checkpoints = sortBy(
    line.checkpoints,
    (c) => c.fullName,
    (c) => c.used,
    (c) => c.name,
    (c) => c.creation,
    s,
  );
  return { depth: 3, pool, container, line, items: checkpoints };
}

/** The key of a row at a level (what the path holds when the cursor goes into it). */
export function rowKey(level: SpaceLevel, index: number): string | undefined {
  const item = level.items[index];
  if (!item) return undefined;
  if (level.depth === 0) return (item as PoolSpace).name;
  if (level.depth === 1) return (item as ContainerSpace).id;
  if (level.depth === 2) return (item as LineSpace).dataset;
  return (item as CheckpointSpace).fullName;
}

const clamp = (cursor: number, total: number) => Math.max(0, Math.min(cursor, total - 1));

/** The navigation made valid against the data: the path cut where it no longer leads, the cursor on a row. */
export function validNav(data: SpaceData, nav: SpaceNav): SpaceNav {
  const level = spaceLevel(data, nav);
  const path = nav.path.slice(0, level.depth);
  return { ...nav, path, cursor: path.length === nav.path.length ? clamp(nav.cursor, level.items.length) : 0 };
}

/** Enter: into the row under the cursor (first row of the level below). A checkpoint has no level below: undefined. */
export function openRow(data: SpaceData, nav: SpaceNav): SpaceNav | undefined {
  const v = validNav(data, nav);
  const level = spaceLevel(data, v);
  const key = rowKey(level, v.cursor);
  if (level.depth === 3 || key === undefined) return undefined;
  return { ...v, path: [...v.path, key], cursor: 0 };
}

/** Backspace: one level up, the cursor on the row it went in from. At the pools: undefined. */
export function backRow(data: SpaceData, nav: SpaceNav): SpaceNav | undefined {
  const v = validNav(data, nav);
  if (!v.path.length) return undefined;
  const path = v.path.slice(0, -1);
  const from = v.path.at(-1)!;
  const level = spaceLevel(data, { ...v, path });
  const i = level.items.findIndex((_, n) => rowKey(level, n) === from);
  return { ...v, path, cursor: Math.max(0, i) };
}

/** `s`: the next order; the cursor stays on the same row. */
export function nextSort(data: SpaceData, nav: SpaceNav): SpaceNav {
  const v = validNav(data, nav);
  const key = rowKey(spaceLevel(data, v), v.cursor);
  const sort = SPACE_SORTS[(SPACE_SORTS.indexOf(v.sort) + 1) % SPACE_SORTS.length]!;
  const level = spaceLevel(data, { ...v, sort });
  return {
    ...v,
    sort,
    cursor: Math.max(
      0,
      level.items.findIndex((_, n) => rowKey(level, n) === key),
    ),
  };
}

/** A navigation key (j/k, PgUp/PgDn, g/G…) at the current level, `page` rows to a page. */
export function moveRow(data: SpaceData, nav: SpaceNav, command: CommandId, page: number): SpaceNav {
  const v = validNav(data, nav);
  const total = spaceLevel(data, v).items.length;
  return { ...v, cursor: navigate(v.cursor, command, total, page) ?? v.cursor };
}

import { isJsonObject, jsonNumber, jsonOutput, type JsonObject } from '../zfs/json-output.js';
import type { PoolDevice, PoolStatus } from './parse.js';
import { scanLine } from './scan-line.js';

/** The argv options of the JSON status: numbers as integers, every vdev at the top level with its parent's name. */
export const ZPOOL_STATUS_JSON_FLAGS = ['-j', '--json-int', '--json-flat-vdevs'] as const;

/**
 * Parses `zpool status -j --json-int --json-flat-vdevs` (OpenZFS >= 2.3) into what parseZpoolStatus gives for the
 * text form: `{"output_version": {...}, "pools": {"<pool>": {"name", "state", "status", "action", "scan_stats",
 * "vdevs": {...}, "error_count"}}}` (zpool-status(8) example 2; status_callback_json, vdev_stats_nvlist and
 * errors_nvlist in cmd/zpool/zpool_main.c). Pools by name, as the text form lists them. Guids, printed as bare
 * 64-bit integers by --json-int, are not read. `timeZone` is for the dates of the scan line (local unless set).
 */
export function parseZpoolStatusJson(stdout: string, timeZone?: string): PoolStatus[] {
  const pools = Object.entries(jsonOutput(stdout, 'zpool status', 'pools')).map(([key, pool]) => poolStatus(key, pool, timeZone));
  return pools.sort((a, b) => (a.pool < b.pool ? -1 : a.pool > b.pool ? 1 : 0));
}

function poolStatus(key: string, pool: JsonObject, timeZone?: string): PoolStatus {
  const name = typeof pool.name === 'string' ? pool.name : key;
  const status = message(pool.status);
  const action = message(pool.action);
  const scan = scanLine(pool.scan_stats, timeZone);
  const errors = jsonNumber(pool.error_count);
  return {
    pool: name,
    state: typeof pool.state === 'string' ? pool.state : 'UNKNOWN',
    // The first JSON form (zpool-status(8)'s example) said "OK" where the text form has no status line.
    ...(status && status !== 'OK' ? { status } : {}),
    ...(action ? { action } : {}),
    ...(scan ? { scan } : {}),
    errors: errors === undefined ? '' : errors === 0 ? 'No known data errors' : `${errors} data errors, use '-v' for a list`,
    devices: isJsonObject(pool.vdevs) ? devices(name, pool.vdevs) : [],
  };
}

/** A status or action message: its lines ("...\n\tinvalid.  Sufficient...\n") joined as the text parser joins them. */
function message(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return (
    value
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ') || undefined
  );
}

/**
 * The flat vdev map in the text form's order and depths. --json-flat-vdevs lists each vdev after its children, with
 * a `parent` name (nested `vdevs` repeat them and are not read); the pool's root vdev (named as the pool) and the
 * top of each class (logs, cache, spares, special, dedup) have none. The text form prints a tree under the root at
 * depth 0, then each class's vdevs one level in (under a header line the text parser skips).
 */
function devices(pool: string, vdevs: JsonObject): PoolDevice[] {
  const children = new Map<string | undefined, JsonObject[]>();
  for (const vdev of Object.values(vdevs)) {
    if (!isJsonObject(vdev) || typeof vdev.name !== 'string') continue;
    const parent = typeof vdev.parent === 'string' ? vdev.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), vdev]);
  }
  const out: PoolDevice[] = [];
  const walk = (vdev: JsonObject, depth: number) => {
    out.push(device(vdev, depth));
    for (const child of children.get(vdev.name as string) ?? []) walk(child, depth + 1);
  };
  const tops = children.get(undefined) ?? [];
  for (const top of tops.filter((v) => v.name === pool)) walk(top, 0);
  for (const top of tops.filter((v) => v.name !== pool)) walk(top, 1);
  return out;
}

function device(vdev: JsonObject, depth: number): PoolDevice {
  const count = (key: string) => {
    const v = vdev[key];
    return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '-';
  };
  return {
    name: vdev.name as string,
    state: stateName(vdev.state, vdev.aux),
    read: count('read_errors'),
    write: count('write_errors'),
    cksum: count('checksum_errors'),
    depth,
  };
}

/**
 * The text form's name of a vdev state. JSON prints the kernel's vdev state ("CANT_OPEN", "CLOSED"; "HEALTHY" in
 * zpool-status(8)'s example, "ONLINE" since 2.3.0) where the text form prints zpool_state_to_name's ("UNAVAIL",
 * "OFFLINE", "ONLINE"); spares already read "AVAIL" or "INUSE".
 */
function stateName(state: unknown, aux: unknown): string {
  switch (state) {
    case 'HEALTHY':
      return 'ONLINE';
    case 'CLOSED':
      return 'OFFLINE';
    case 'CANT_OPEN':
      return aux === 'CORRUPT_DATA' || aux === 'BAD_LOG' ? 'FAULTED' : aux === 'SPLIT_POOL' ? 'SPLIT' : 'UNAVAIL';
    default:
      return typeof state === 'string' ? state : 'UNKNOWN';
  }
}

import { parseHumanSize } from '../zfs/parse.js';

export interface PoolRecord {
  name: string;
  size: number;
  allocated: number;
  free: number;
  /** Percent of size allocated, as zpool reports it (CAP: floor of exact alloc * 100 / size). */
  capacity: number;
  /** Percent, where the flavour reports it. */
  fragmentation?: number;
  health: string;
  /** Sizes were read from human units (zfs-fuse), so they are approximate. */
  approximate: boolean;
  /** Legacy pool version (zfs-fuse: 23); OpenZFS pools use feature flags instead. */
  version?: number;
}

export const ZPOOL_LIST_COLUMNS_PARSABLE = ['name', 'size', 'allocated', 'free', 'capacity', 'fragmentation', 'health'] as const;
export const ZPOOL_LIST_COLUMNS_LEGACY = ['name', 'size', 'allocated', 'free', 'capacity', 'health', 'version'] as const;

function pct(text: string | undefined): number | undefined {
  if (!text || text === '-') return undefined;
  const n = Number(text.replace('%', ''));
  return Number.isFinite(n) ? n : undefined;
}

/** Parses `zpool list -H[p] -o <columns>`; `parsable` says whether sizes are bytes (-p) or human units. */
export function parseZpoolList(stdout: string, columns: readonly string[], parsable: boolean): PoolRecord[] {
  const pools: PoolRecord[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const cells = line.split('\t');
    const get = (c: string) => cells[columns.indexOf(c)];
    // "-" (an unavailable pool) is 0, not NaN
    const size = (c: string) => {
      const n = parsable ? Number(get(c)) : parseHumanSize(get(c) ?? '');
      return n !== undefined && Number.isFinite(n) ? n : 0;
    };
    const frag = pct(get('fragmentation'));
    const [total, allocated] = [size('size'), size('allocated')];
    pools.push({
      name: get('name') ?? '',
      size: total,
      allocated,
      free: size('free'),
      // zpool's CAP (from exact bytes); only without it, the same floor from the sizes we have
      capacity: pct(get('capacity')) ?? (total > 0 ? Math.floor((allocated * 100) / total) : 0),
      ...(frag !== undefined ? { fragmentation: frag } : {}),
      health: get('health') ?? 'UNKNOWN',
      approximate: !parsable,
      ...(/^\d+$/.test(get('version') ?? '') ? { version: Number(get('version')) } : {}),
    });
  }
  return pools;
}

export interface PoolDevice {
  name: string;
  state: string;
  read: string;
  write: string;
  cksum: string;
  depth: number;
}

export interface PoolStatus {
  pool: string;
  state: string;
  status?: string;
  action?: string;
  scan?: string;
  errors: string;
  devices: PoolDevice[];
}

/** Parses `zpool status <pool>` (same layout on zfs-fuse and OpenZFS; "scrub:" on old, "scan:" on new). */
export function parseZpoolStatus(stdout: string): PoolStatus[] {
  const result: PoolStatus[] = [];
  let current: PoolStatus | undefined;
  let field: 'status' | 'action' | 'scan' | undefined;
  let inConfig = false;
  for (const raw of stdout.split('\n')) {
    const header = /^\s*(pool|state|status|action|scan|scrub|see|config|errors):\s?(.*)$/.exec(raw);
    if (header && !(inConfig && !/^\s*errors:/.test(raw))) {
      const [, key, value = ''] = header;
      field = undefined;
      inConfig = false;
      if (key === 'pool') {
        current = { pool: value.trim(), state: 'UNKNOWN', errors: '', devices: [] };
        result.push(current);
      } else if (!current) continue;
      else if (key === 'state') current.state = value.trim();
      else if (key === 'status' || key === 'action') {
        current[key] = value.trim();
        field = key;
      } else if (key === 'scan' || key === 'scrub') {
        current.scan = value.trim();
        field = 'scan';
      } else if (key === 'config') inConfig = true;
      else if (key === 'errors') current.errors = value.trim();
      continue;
    }
    if (!current) continue;
    if (inConfig) {
      const m = /^(\t| {8})(\s*)(\S+)\s+(\S+)(?:\s+(\S+)\s+(\S+)\s+(\S+))?/.exec(raw);
      if (!m || m[3] === 'NAME') continue;
      current.devices.push({
        name: m[3]!,
        state: m[4]!,
        read: m[5] ?? '-',
        write: m[6] ?? '-',
        cksum: m[7] ?? '-',
        depth: Math.floor((m[2] ?? '').length / 2),
      });
    } else if (field && raw.trim()) {
      current[field] = `${current[field] ?? ''} ${raw.trim()}`.trim();
    }
  }
  return result;
}

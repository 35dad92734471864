import type { DatasetRecord, DatasetType } from '../../model/dataset.js';
import { USER_PREFIX } from '../../model/dataset.js';

function num(value: string | undefined): number | undefined {
  if (value === undefined || value === '-' || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** A record with every property at its unset value, for the parsers to fill. */
export function emptyRecord(name: string): DatasetRecord {
  return { name, type: 'filesystem', guid: '', createtxg: 0, creation: 0, used: 0, referenced: 0, userrefs: 0, user: {} };
}

/** Sets one property from its `-Hp` text (`-` for unset), as every listing form reads it. */
export function assignProperty(rec: DatasetRecord, property: string, value: string): void {
  switch (property) {
    case 'type':
      rec.type = value as DatasetType;
      break;
    case 'guid':
      rec.guid = value;
      break;
    case 'createtxg':
    case 'creation':
    case 'used':
    case 'referenced':
      rec[property] = num(value) ?? 0;
      break;
    case 'origin':
      if (value !== '-') rec.origin = value;
      break;
    case 'mountpoint':
      if (value !== '-') rec.mountpoint = value;
      break;
    case 'mounted':
      if (value === 'yes' || value === 'no') rec.mounted = value === 'yes';
      break;
    case 'userrefs':
      rec.userrefs = num(value) ?? 0;
      break;
    // Sizes a flavour may not report ('-'): left unset rather than 0.
    case 'usedbysnapshots':
    case 'usedbydataset':
    case 'available':
    case 'written': {
      const n = num(value);
      if (n !== undefined) rec[property] = n;
      break;
    }
    default:
      if (property.startsWith(USER_PREFIX) && value !== '-') rec.user[property.slice(USER_PREFIX.length)] = value;
  }
}

/**
 * Parses `zfs get -Hp -r -o name,property,value <props> <root>`: one `name<TAB>property<TAB>value` line per
 * dataset and property, rows of one dataset adjacent. Works on zfs-fuse and OpenZFS alike.
 */
export function parseZfsGet(stdout: string): DatasetRecord[] {
  const out: DatasetRecord[] = [];
  let current: DatasetRecord | undefined;
  let start = 0;
  const len = stdout.length;
  while (start < len) {
    let end = stdout.indexOf('\n', start);
    if (end < 0) end = len;
    const t1 = stdout.indexOf('\t', start);
    if (t1 > start && t1 < end) {
      const t2 = stdout.indexOf('\t', t1 + 1);
      if (t2 > 0 && t2 < end) {
        const name = stdout.slice(start, t1);
        if (current?.name !== name) {
          current = emptyRecord(name);
          out.push(current);
        }
        assignProperty(current, stdout.slice(t1 + 1, t2), stdout.slice(t2 + 1, end));
      }
    }
    start = end + 1;
  }
  return out;
}

/** Parses `zfs list -Hp -t all -o name,<columns...>` (OpenZFS): one tab-separated row per dataset. */
export function parseZfsList(stdout: string, columns: readonly string[]): DatasetRecord[] {
  const out: DatasetRecord[] = [];
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const cells = line.split('\t');
    const rec = emptyRecord(cells[0] ?? '');
    for (let i = 0; i < columns.length; i++) assignProperty(rec, columns[i]!, cells[i + 1] ?? '-');
    out.push(rec);
  }
  return out;
}

/** Parses `zfs get -Hp -o property,value -s local all <ds>` into a property map. */
export function parseLocalProperties(stdout: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) props[line.slice(0, tab)] = line.slice(tab + 1);
  }
  return props;
}

/**
 * Parses `zfs destroy -nvp a@x,y` (OpenZFS): `destroy<TAB>name` lines and one `reclaim<TAB>bytes` line.
 */
export function parseDestroyDryRun(stdout: string): { destroys: string[]; reclaimBytes: number | undefined } {
  const destroys: string[] = [];
  let reclaimBytes: number | undefined;
  for (const line of stdout.split('\n')) {
    const [verb, value] = line.split('\t');
    if (verb === 'destroy' && value) destroys.push(value);
    else if (verb === 'reclaim' && value) reclaimBytes = Number(value);
  }
  return { destroys, reclaimBytes };
}

const UNITS: Record<string, number> = { '': 1, B: 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50, E: 2 ** 60 };

/** Parses a human size as zfs-fuse prints it ("1016M", "1.55M", "740K", "0"); undefined for "-". */
export function parseHumanSize(text: string): number | undefined {
  const m = /^([\d.]+)([BKMGTPE]?)$/.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1));
}

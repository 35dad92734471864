import type { ContainerStatus } from '../types.js';

export interface PctListRow {
  vmid: string;
  status: ContainerStatus;
  lock?: string;
  name: string;
}

/**
 * Parses `pct list`: a header, then `"%-10s %-10s %-12s %-20s\n"` rows (VMID, Status, Lock, Name). The lock column
 * is blank when unlocked and `snapshot-delete` overflows it, so rows are split on whitespace: 3 tokens = unlocked,
 * 4 = locked (names hold no spaces). No containers = no output at all.
 */
export function parsePctList(stdout: string): PctListRow[] {
  const rows: PctListRow[] = [];
  for (const line of stdout.split('\n')) {
    const tokens = line.trim().split(/\s+/).filter(Boolean);
    if (tokens.length < 3 || tokens[0] === 'VMID' || !/^\d+$/.test(tokens[0]!)) continue;
    const [vmid, status, a, b] = tokens as [string, string, string, string | undefined];
    rows.push({
      vmid,
      status: status === 'running' || status === 'stopped' ? status : 'unknown',
      ...(tokens.length >= 4 ? { lock: a } : {}),
      name: tokens.length >= 4 ? b! : a,
    });
  }
  return rows;
}

/** `key: value` lines of `pct config` or the main section of /etc/pve/lxc/<vmid>.conf (snapshot sections ignored). */
export function parsePctConfig(text: string): Record<string, string> {
  const config: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('[')) break;
    if (line.startsWith('#') || !line.trim()) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    config[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return config;
}

/**
 * The snapshots a container config names: its `[name]` sections (one per Proxmox snapshot, alphabetical). Sections
 * with a colon (`[pve:pending]`) are Proxmox's own bookkeeping, not snapshots.
 */
export function pctSnapshotNames(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\[([^\]:]+)\]\s*$/.exec(line);
    if (m) names.push(m[1]!);
  }
  return names;
}

export interface PctMountSpec {
  key: string;
  volume: string;
  path?: string;
}

/** The rootfs and mpN entries of a config: `local-zfs:subvol-101-disk-0,size=8G`, `…,mp=/data,size=32G`. */
export function pctMounts(config: Record<string, string>): PctMountSpec[] {
  const keys = Object.keys(config).filter((k) => k === 'rootfs' || /^mp\d+$/.test(k));
  keys.sort((a, b) => (a === 'rootfs' ? -1 : b === 'rootfs' ? 1 : Number(a.slice(2)) - Number(b.slice(2))));
  return keys.map((key) => {
    const [volume = '', ...opts] = config[key]!.split(',');
    const mp = opts.find((o) => o.startsWith('mp='))?.slice(3);
    return { key, volume: volume.replace(/^volume=/, ''), ...(key === 'rootfs' ? { path: '/' } : mp ? { path: mp } : {}) };
  });
}

export interface StorageEntry {
  type: string;
  id: string;
  options: Record<string, string>;
}

/** Parses /etc/pve/storage.cfg: `<type>: <id>` lines followed by indented `key value` lines. */
export function parseStorageCfg(text: string): StorageEntry[] {
  const entries: StorageEntry[] = [];
  let current: StorageEntry | undefined;
  for (const raw of text.split('\n')) {
    if (!raw.trim() || raw.trim().startsWith('#')) continue;
    const head = /^(\S+):\s*(\S+)\s*$/.exec(raw);
    if (head && !/^\s/.test(raw)) {
      current = { type: head[1]!, id: head[2]!, options: {} };
      entries.push(current);
    } else if (current && /^\s/.test(raw)) {
      const [key = '', ...rest] = raw.trim().split(/\s+/);
      current.options[key] = rest.join(' ');
    }
  }
  return entries;
}

/**
 * Maps a Proxmox volume to its dataset: `<storeid>:<volume>` on a `zfspool` storage is `<pool>/<volume>`.
 * Returns the reason instead when it is not on ZFS.
 */
export function volumeDataset(volume: string, storages: readonly StorageEntry[]): { dataset?: string; reason?: string } {
  const colon = volume.indexOf(':');
  if (colon < 0) return { reason: `${volume} is a bind mount, not a storage volume` };
  const storeId = volume.slice(0, colon);
  const name = volume.slice(colon + 1);
  const store = storages.find((s) => s.id === storeId);
  if (!store) return { reason: `storage '${storeId}' is not in storage.cfg` };
  if (store.type !== 'zfspool') return { reason: `on storage '${storeId}' (${store.type}), not ZFS` };
  const pool = store.options.pool;
  if (!pool) return { reason: `zfspool storage '${storeId}' has no pool` };
  return { dataset: `${pool}/${name}` };
}

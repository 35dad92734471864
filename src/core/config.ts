import { readFile } from 'node:fs/promises';
import { UsageError } from './errors.js';
import { validateDatasetName } from './tools/zfs/names.js';

export const DEFAULT_CONFIG_PATH = '/etc/lxcri-console/config.json';

export interface Config {
  zfs: {
    /** Container datasets live at `<base_dataset>/<container id>`. */
    base_dataset: string;
    auto_create_datasets: boolean;
    compression: string;
    /** e.g. "10G", or "none". */
    quota: string;
  };
  checkpoint: {
    max_snapshots: number;
    retention_days: number;
    auto_cleanup: boolean;
    /** Prune never leaves fewer checkpoints than this (at least 1). */
    min_keep: number;
  };
  runner: {
    timeout_seconds: number;
    long_timeout_seconds: number;
  };
  log: {
    file: string;
    level: 'debug' | 'info' | 'warn' | 'error';
  };
  /** The LXCRI runtime's state directory: containers/<id>/state.json, runtime/events.log, locks/, journal/. */
  state_dir: string;
  /** Journals of running operations; on disk (not /run) so an interrupted operation is still known after a reboot. */
  journal_dir: string;
  lxc: { path: string };
  pve: { config_dir: string; storage_cfg: string };
  container: {
    /** Graceful shutdown before a restore waits this long, then the container is stopped hard. */
    shutdown_timeout_seconds: number;
  };
  criu: {
    /** Where CRIU images are archived: <store>/<container>/<checkpoint>/dump.tar.zst + manifest.json. */
    store: string;
  };
  ui: { refresh_seconds: number; theme: string };
}

export const DEFAULT_CONFIG: Config = {
  zfs: { base_dataset: 'tank/containers', auto_create_datasets: true, compression: 'lz4', quota: 'none' },
  checkpoint: { max_snapshots: 10, retention_days: 30, auto_cleanup: false, min_keep: 1 },
  runner: { timeout_seconds: 30, long_timeout_seconds: 600 },
  log: { file: '/var/log/lxcri-console/console.log', level: 'info' },
  state_dir: '/run/proxmox-lxcri',
  journal_dir: '/var/lib/lxcri-console/journal',
  lxc: { path: '/var/lib/lxc' },
  pve: { config_dir: '/etc/pve/lxc', storage_cfg: '/etc/pve/storage.cfg' },
  container: { shutdown_timeout_seconds: 60 },
  criu: { store: '/var/lib/lxcri/checkpoints' },
  ui: { refresh_seconds: 5, theme: 'dark' },
};

type Check = (value: unknown) => string | undefined;

const positiveInt = (min: number): Check => (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min ? undefined : `an integer >= ${min}`;
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
const str = (test?: (s: string) => boolean, expected = 'a string'): Check => (v) =>
  typeof v === 'string' && (!test || test(s(v))) ? undefined : expected;
const s = (v: unknown) => v as string;
const oneOf = (...values: string[]): Check => (v) => (typeof v === 'string' && values.includes(v) ? undefined : `one of ${values.join(', ')}`);

const absolutePath = str((x) => x.startsWith('/'), 'an absolute path');

const SCHEMA: Record<string, Check | Record<string, Check>> = {
  zfs: {
    base_dataset: (v) => {
      if (typeof v !== 'string') return 'a dataset name such as "tank/containers"';
      try {
        validateDatasetName(v);
        return undefined;
      } catch {
        return 'a valid ZFS dataset name such as "tank/containers"';
      }
    },
    auto_create_datasets: bool,
    compression: str((x) => /^(on|off|lz4|lzjb|zle|zstd(-\d+)?|gzip(-[1-9])?)$/.test(x), 'a ZFS compression value (on, off, lz4, zstd, gzip-N, zle, lzjb)'),
    quota: str((x) => /^(none|\d+(\.\d+)?[KMGTP]?)$/i.test(x), 'a size such as "10G" or "none"'),
  },
  checkpoint: {
    max_snapshots: positiveInt(1),
    retention_days: positiveInt(0),
    auto_cleanup: bool,
    min_keep: positiveInt(1),
  },
  runner: { timeout_seconds: positiveInt(1), long_timeout_seconds: positiveInt(1) },
  log: { file: absolutePath, level: oneOf('debug', 'info', 'warn', 'error') },
  state_dir: absolutePath,
  journal_dir: absolutePath,
  lxc: { path: absolutePath },
  pve: { config_dir: absolutePath, storage_cfg: absolutePath },
  container: { shutdown_timeout_seconds: positiveInt(0) },
  criu: { store: absolutePath },
  ui: { refresh_seconds: positiveInt(1), theme: oneOf('dark', 'light', 'high-contrast', 'no-color') },
};

function configError(path: string, key: string, message: string): UsageError {
  return new UsageError(`config ${path}: ${key} ${message}`, `fix ${key} in ${path} (see README, "Configuration")`);
}

/** Validates a parsed config object, merging it over the defaults. Unknown keys are errors (typos must not pass silently). */
export function parseConfig(raw: unknown, path = '<config>'): Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw configError(path, '(top level)', 'must be a JSON object');
  const merged = structuredClone(DEFAULT_CONFIG) as unknown as Record<string, unknown>;
  for (const [section, value] of Object.entries(raw as Record<string, unknown>)) {
    const schema = SCHEMA[section];
    if (!schema) throw configError(path, section, `is not a known key (expected one of ${Object.keys(SCHEMA).join(', ')})`);
    if (typeof schema === 'function') {
      const expected = schema(value);
      if (expected) throw configError(path, section, `must be ${expected}, got ${JSON.stringify(value)}`);
      merged[section] = value;
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw configError(path, section, 'must be an object');
    const target = merged[section] as Record<string, unknown>;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const check = schema[key];
      if (!check) throw configError(path, `${section}.${key}`, `is not a known key (expected one of ${Object.keys(schema).join(', ')})`);
      const expected = check(v);
      if (expected) throw configError(path, `${section}.${key}`, `must be ${expected}, got ${JSON.stringify(v)}`);
      target[key] = v;
    }
  }
  return merged as unknown as Config;
}

/** Reads the config file; a missing file at the default path means defaults, a missing explicit --config is an error. */
export async function loadConfig(path?: string): Promise<{ config: Config; path: string; found: boolean }> {
  const file = path ?? DEFAULT_CONFIG_PATH;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !path) return { config: structuredClone(DEFAULT_CONFIG), path: file, found: false };
    throw new UsageError(`cannot read config ${file}: ${(error as Error).message}`, 'check the --config path and its permissions');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config ${file} is not valid JSON: ${(error as Error).message}`, 'fix the JSON syntax (a trailing comma or a missing quote is the usual cause)');
  }
  return { config: parseConfig(raw, file), path: file, found: true };
}

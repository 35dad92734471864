import { readFile } from 'node:fs/promises';
import { UsageError } from './errors.js';
import { validateDatasetName } from './tools/zfs/names.js';
import { validateNodeName, validateSshDestination, type NodeSpec } from './nodes/node-spec.js';

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
  /** Proxmox's files; `members` is pmxcfs's node list (the cluster's nodes when present). */
  pve: { config_dir: string; storage_cfg: string; members: string };
  /** The cluster's nodes when not on Proxmox (or to override it); absent: /etc/pve/.members, else this machine alone. */
  nodes?: NodeSpec[];
  /** Passed to every ssh as `-F FILE`. */
  ssh_config?: string;
  ssh: {
    /** How long a node may take to answer before it is shown unreachable (ssh ConnectTimeout and the refresh's wait). */
    connect_timeout_seconds: number;
    /** How long an idle shared connection (ControlMaster) stays open. */
    control_persist_seconds: number;
  };
  replication: {
    /**
     * How a stream goes from one node to another when neither is this machine: `auto` straight from node to node when
     * the source reaches the target over ssh (cluster keys), else relayed through this machine; `relay` always relayed.
     */
    path: 'auto' | 'relay';
    /**
     * Where replicas go on the target: the container's parent dataset replaced by this one
     * (`rpool/data/subvol-101-disk-0` -> `<target_base>/subvol-101-disk-0`). Absent: the same names as on the source.
     */
    target_base?: string;
  };
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
  pve: { config_dir: '/etc/pve/lxc', storage_cfg: '/etc/pve/storage.cfg', members: '/etc/pve/.members' },
  ssh: { connect_timeout_seconds: 5, control_persist_seconds: 60 },
  replication: { path: 'auto' },
  container: { shutdown_timeout_seconds: 60 },
  criu: { store: '/var/lib/lxcri/checkpoints' },
  ui: { refresh_seconds: 5, theme: 'dark' },
};

type Check = (value: unknown) => string | undefined;

/** Node's timers hold at most 2^31-1 ms; a longer delay fires at once (with a TimeoutOverflowWarning). */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
/** pct shutdown / lxc-stop wait `shutdown_timeout_seconds` + this grace on a Node timer (src/core/tools/pct.ts, lxc.ts). */
const SHUTDOWN_GRACE_SECONDS = 30;

const positiveInt =
  (min: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min ? undefined : `an integer >= ${min}`;
/** A number of seconds that ends up on a Node timer: refused beyond the timer's range rather than firing at once. */
const seconds =
  (min: number, max = MAX_TIMER_SECONDS): Check =>
  (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max
      ? undefined
      : `an integer from ${min} to ${max} (seconds; Node's timers hold at most ${MAX_TIMER_SECONDS} s)`;
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
const str =
  (test?: (s: string) => boolean, expected = 'a string'): Check =>
  (v) =>
    typeof v === 'string' && (!test || test(v)) ? undefined : expected;
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `one of ${values.join(', ')}`;

/** A dataset (not a snapshot) name, as `zfs create` takes it. */
const datasetName =
  (example: string): Check =>
  (v) => {
    if (typeof v !== 'string') return `a dataset name such as "${example}"`;
    try {
      validateDatasetName(v);
      return undefined;
    } catch {
      return `a valid ZFS dataset name such as "${example}"`;
    }
  };

const absolutePath = str((x) => x.startsWith('/'), 'an absolute path');

/** `[{ "name": "pve2", "ssh": "root@10.0.0.2" }, ...]`: names unique, at most one "local". */
const nodeList: Check = (v) => {
  const expected = 'a list of { "name": "<node>", "ssh": "<destination>" | "local" }';
  if (!Array.isArray(v) || v.length === 0) return expected;
  const names = new Set<string>();
  let locals = 0;
  for (const n of v as unknown[]) {
    if (typeof n !== 'object' || n === null || Array.isArray(n)) return expected;
    const { name, ssh, ...rest } = n as Record<string, unknown>;
    if (Object.keys(rest).length) return `${expected} (unknown key ${Object.keys(rest)[0]})`;
    if (typeof name !== 'string' || typeof ssh !== 'string') return expected;
    try {
      validateNodeName(name);
      validateSshDestination(ssh, name);
    } catch (error) {
      return `${expected}: ${(error as Error).message}`;
    }
    if (names.has(name)) return `${expected}: node ${name} is named twice`;
    names.add(name);
    if (ssh === 'local') locals++;
  }
  return locals > 1 ? `${expected}: only one node can be "local"` : undefined;
};

type Section = ReadonlyMap<string, Check>;
const section = (checks: Record<string, Check>): Section => new Map(Object.entries(checks));

/**
 * Every key and what it expects. Maps, never plain objects: a user's key is looked up only among our own keys, so
 * `toString`, `constructor` or `__proto__` (which JSON.parse keeps as an own key) are unknown keys like any typo.
 */
const SCHEMA: ReadonlyMap<string, Check | Section> = new Map<string, Check | Section>([
  [
    'zfs',
    section({
      base_dataset: datasetName('tank/containers'),
      auto_create_datasets: bool,
      compression: str((x) => /^(on|off|lz4|lzjb|zle|zstd(-\d+)?|gzip(-[1-9])?)$/.test(x), 'a ZFS compression value (on, off, lz4, zstd, gzip-N, zle, lzjb)'),
      quota: str((x) => /^(none|\d+(\.\d+)?[KMGTP]?)$/i.test(x), 'a size such as "10G" or "none"'),
    }),
  ],
  [
    'checkpoint',
    section({
      max_snapshots: positiveInt(1),
      retention_days: positiveInt(0),
      auto_cleanup: bool,
      min_keep: positiveInt(1),
    }),
  ],
  ['runner', section({ timeout_seconds: seconds(1), long_timeout_seconds: seconds(1) })],
  ['log', section({ file: absolutePath, level: oneOf('debug', 'info', 'warn', 'error') })],
  ['state_dir', absolutePath],
  ['journal_dir', absolutePath],
  ['lxc', section({ path: absolutePath })],
  ['pve', section({ config_dir: absolutePath, storage_cfg: absolutePath, members: absolutePath })],
  ['nodes', nodeList],
  ['ssh_config', absolutePath],
  ['ssh', section({ connect_timeout_seconds: seconds(1, 300), control_persist_seconds: seconds(0, 86_400) })],
  ['replication', section({ path: oneOf('auto', 'relay'), target_base: datasetName('tank/replicas') })],
  ['container', section({ shutdown_timeout_seconds: seconds(0, MAX_TIMER_SECONDS - SHUTDOWN_GRACE_SECONDS) })],
  ['criu', section({ store: absolutePath })],
  ['ui', section({ refresh_seconds: seconds(1), theme: oneOf('dark', 'light', 'high-contrast', 'no-color') })],
]);

function configError(path: string, key: string, message: string): UsageError {
  return new UsageError(`config ${path}: ${key} ${message}`, `fix ${key} in ${path} (see README, "Configuration")`);
}

/** A value echoed in a message: JSON (so one line, control characters escaped), cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a parsed config object, merging it over the defaults. Unknown keys are errors (typos must not pass silently). */
export function parseConfig(raw: unknown, path = '<config>'): Config {
  if (!isPlainObject(raw)) throw configError(path, '(top level)', 'must be a JSON object');
  const merged = new Map<string, unknown>(Object.entries(structuredClone(DEFAULT_CONFIG)));
  for (const [name, value] of Object.entries(raw)) {
    const schema = SCHEMA.get(name);
    if (!schema) throw configError(path, name, `is not a known key (expected one of ${[...SCHEMA.keys()].join(', ')})`);
    if (typeof schema === 'function') {
      const expected = schema(value);
      if (expected) throw configError(path, name, `must be ${expected}, got ${shown(value)}`);
      merged.set(name, value);
      continue;
    }
    if (!isPlainObject(value)) throw configError(path, name, `must be an object with keys ${[...schema.keys()].join(', ')}, got ${shown(value)}`);
    const target = new Map<string, unknown>(Object.entries(merged.get(name) as object));
    for (const [key, v] of Object.entries(value)) {
      const check = schema.get(key);
      if (!check) throw configError(path, `${name}.${key}`, `is not a known key (expected one of ${[...schema.keys()].join(', ')})`);
      const expected = check(v);
      if (expected) throw configError(path, `${name}.${key}`, `must be ${expected}, got ${shown(v)}`);
      target.set(key, v);
    }
    merged.set(name, Object.fromEntries(target));
  }
  return Object.fromEntries(merged) as unknown as Config;
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
    throw new UsageError(
      `config ${file} is not valid JSON: ${(error as Error).message}`,
      'fix the JSON syntax (a trailing comma or a missing quote is the usual cause)',
    );
  }
  return { config: parseConfig(raw, file), path: file, found: true };
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type Config } from '../../src/core/config.js';
import { createContext, type CoreContext } from '../../src/core/context.js';
import { Core } from '../../src/core/core.js';
import type { DatasetRecord } from '../../src/core/model/dataset.js';
import { USER_PREFIX } from '../../src/core/model/dataset.js';
import { FakeRunner } from '../../src/core/runner/fake-runner.js';
import { listingProperties } from '../../src/core/tools/zfs/properties.js';

export const NOW_MS = 1_763_900_000_000;
export const NOW_S = NOW_MS / 1000;

/** A core on a fake runner; `ctx` overrides parts of its context (another node's files, its name). */
export function fakeCore(base = 't/c', config: Partial<Config['checkpoint']> = {}, ctx: Partial<CoreContext> = {}) {
  const runner = new FakeRunner();
  const cfg: Config = structuredClone(DEFAULT_CONFIG);
  cfg.zfs.base_dataset = base;
  // No host files leak in: containers resolve by the dataset convention only.
  const nowhere = '/nonexistent/lxcri-test';
  const state = mkdtempSync(join(tmpdir(), 'lxcri-fake-state-'));
  cfg.state_dir = state;
  cfg.journal_dir = join(state, 'journal');
  cfg.lxc.path = nowhere;
  cfg.pve = { config_dir: nowhere, storage_cfg: `${nowhere}/storage.cfg`, members: `${nowhere}/.members` };
  Object.assign(cfg.checkpoint, config);
  const core = new Core(createContext(cfg, runner, { now: () => NOW_MS, identity: { user: 'alice', host: 'pve1' }, ...ctx }));
  return { runner, core };
}

export const OPENZFS_COLUMNS = listingProperties({ written: true });
export const LEGACY_PROPS = listingProperties({ written: false });

function cell(rec: DatasetRecord, column: string): string {
  if (column.startsWith(USER_PREFIX)) return rec.user[column.slice(USER_PREFIX.length)] ?? '-';
  const v = (rec as unknown as Record<string, unknown>)[column];
  if (column === 'mounted') return v === undefined ? '-' : v ? 'yes' : 'no';
  return v === undefined ? (column === 'written' ? '0' : '-') : String(v);
}

/** Renders records as `zfs list -Hp -t all -o name,<columns>` prints them (OpenZFS). */
export function openzfsListOutput(records: readonly DatasetRecord[]): string {
  return records.map((r) => [r.name, ...OPENZFS_COLUMNS.map((c) => cell(r, c))].join('\t') + '\n').join('');
}

/** Renders records as `zfs get -Hp -r -o name,property,value` prints them (zfs-fuse). */
export function legacyGetOutput(records: readonly DatasetRecord[]): string {
  return records.map((r) => LEGACY_PROPS.map((p) => `${r.name}\t${p}\t${cell(r, p)}\n`).join('')).join('');
}

export function expectOpenzfs(runner: FakeRunner, records: readonly DatasetRecord[], root = 't'): void {
  runner.expect(['zfs', 'version'], { stdout: 'zfs-2.2.6-pve1\nzfs-kmod-2.2.6-pve1\n' });
  expectOpenzfsListing(runner, records, root);
}

export function expectOpenzfsListing(runner: FakeRunner, records: readonly DatasetRecord[], root = 't'): void {
  runner.expect(['zfs', 'list', '-Hp', '-r', '-t', 'all', '-o', ['name', ...OPENZFS_COLUMNS].join(','), root], { stdout: openzfsListOutput(records) });
}

export function expectLegacy(runner: FakeRunner, records: readonly DatasetRecord[], root = 't'): void {
  runner.expect(['zfs', 'version'], { exitCode: 2, stderr: "unrecognized command 'version'\n" });
  expectLegacyListing(runner, records, root);
}

export function expectLegacyListing(runner: FakeRunner, records: readonly DatasetRecord[], root = 't'): void {
  runner.expect(['zfs', 'get', '-Hp', '-r', '-o', 'name,property,value', LEGACY_PROPS.join(','), root], { stdout: legacyGetOutput(records) });
}

export const CHECKPOINT_PROPS = ['-o', 'lxcri:kind=checkpoint', '-o', 'lxcri:created-by=alice', '-o', 'lxcri:host=pve1'];

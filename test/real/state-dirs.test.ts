import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LxcriError } from '../../src/core/errors.js';
import { LocalFs } from '../../src/core/nodes/local-fs.js';
import { checkStateDirs } from '../../src/core/state/preflight.js';
import { runCli } from '../support/cli-process.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

// The state and journal directories on real filesystems that refuse writes: a read-only dataset (EROFS), a full
// pool (ENOSPC), a dataset over its quota (zfs-fuse: EDQUOT). The CLI tests need Core.operate to call
// checkStateDirs before its locks (marked "needs the preflight in operate").

let pool: TestPool;
let roDir: string;
let quotaDir: string;
before(() => {
  pool = createTestPool('sdir', '128M');
  pool.container('101', 'v1');
  sh('zfs', ['create', `${pool.pool}/ro`]);
  roDir = mountOf(`${pool.pool}/ro`);
  mkdirSync(join(roDir, 'state'));
  sh('zfs', ['set', 'readonly=on', `${pool.pool}/ro`]);
  sh('zfs', ['create', '-o', 'quota=2M', `${pool.pool}/q`]);
  quotaDir = mountOf(`${pool.pool}/q`);
  mkdirSync(join(quotaDir, 'state/locks'), { recursive: true });
  mkdirSync(join(quotaDir, 'state/runtime'), { recursive: true });
  fill(join(quotaDir, 'filler'));
});
after(() => pool?.destroy());

function mountOf(dataset: string): string {
  return sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', dataset]).trim();
}

/** Writes until the filesystem refuses (ENOSPC, or EDQUOT over a quota). */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1 << 16, 7);
  try {
    for (let i = 0; i < 4000; i++) writeSync(fd, chunk);
    assert.fail(`${path} never filled up`);
  } catch (error) {
    assert.ok((error as NodeJS.ErrnoException).errno === -28 || (error as NodeJS.ErrnoException).errno === -122, String(error));
  } finally {
    try {
      closeSync(fd);
    } catch {
      /* a full filesystem may fail the close too */
    }
  }
}

const stateDirError = (message: string, hint: RegExp) => (e: unknown) =>
  e instanceof LxcriError && e.code === 'state-dir' && e.message === message && hint.test(e.hint);

/** A config file for the CLI: the test pool's, with these directories. */
function configWith(dirs: { state_dir?: string; journal_dir?: string }): string {
  const file = join(pool.dir, `config-${Math.random().toString(36).slice(2, 8)}.json`);
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(pool.configFile, 'utf8')), ...dirs }));
  return file;
}

test('preflight on a read-only dataset: EROFS for an existing state dir and for a journal dir it would create', async () => {
  const state = join(roDir, 'state');
  await assert.rejects(
    checkStateDirs(new LocalFs(), { state_dir: state, journal_dir: join(pool.dir, 'j1') }),
    stateDirError(`state dir ${state} is read-only (EROFS)`, /^remount the filesystem holding .* read-write, or set state_dir in the config/),
  );
  const journal = join(roDir, 'journal');
  await assert.rejects(
    checkStateDirs(new LocalFs(), { state_dir: join(pool.dir, 's1'), journal_dir: journal }),
    stateDirError(`journal dir ${journal} is read-only (EROFS)`, /set journal_dir/),
  );
});

test('preflight over a quota (zfs-fuse says EDQUOT) and on a full pool (ENOSPC)', async () => {
  const state = join(quotaDir, 'state');
  await assert.rejects(
    checkStateDirs(new LocalFs(), { state_dir: state, journal_dir: join(pool.dir, 'j2') }),
    stateDirError(`no space left to write in ${state} (state dir; EDQUOT, quota exceeded)`, /quota/),
  );
  const full = createTestPool('sdfull', '64M');
  try {
    const root = mountOf(full.pool);
    mkdirSync(join(root, 'journal'));
    fill(join(root, 'filler'));
    const journal = join(root, 'journal');
    await assert.rejects(
      checkStateDirs(new LocalFs(), { state_dir: join(full.dir, 's'), journal_dir: journal }),
      stateDirError(`no space left to write in ${journal} (journal dir; ENOSPC)`, new RegExp(`df -h ${journal}`)),
    );
  } finally {
    full.destroy();
  }
});

/** Runs a mutating CLI command that must stop before any zfs command: exit 1, these two lines, no snapshot made. */
function refusedBeforeZfs(config: string, message: string, hint: RegExp): void {
  const snapshots = pool.snapshots();
  const r = runCli(['--config', config, 'checkpoint', '101']);
  assert.equal(r.status, 1, r.stderr);
  const [error, hintLine, ...rest] = r.stderr.trimEnd().split('\n');
  assert.equal(error, `error: ${message}`);
  assert.match(hintLine!, hint);
  assert.deepEqual(rest, []);
  assert.deepEqual(pool.snapshots(), snapshots, 'no zfs command ran');
}

test('CLI (needs the preflight in operate): state dir is a file -> one line naming it, nothing snapshotted', () => {
  const file = join(pool.dir, 'state-file');
  writeFileSync(file, 'not a dir');
  refusedBeforeZfs(configWith({ state_dir: file }), `state dir ${file} is a file, not a directory`, /^hint: move or remove .*, or set state_dir in the config/);
});

test('CLI (needs the preflight in operate): journal dir on a read-only dataset -> EROFS, nothing snapshotted', () => {
  const journal = join(roDir, 'journal');
  refusedBeforeZfs(configWith({ journal_dir: journal }), `journal dir ${journal} is read-only (EROFS)`, /^hint: remount .* or set journal_dir/);
});

test('CLI (needs the preflight in operate): state dir over its quota -> no space left, nothing snapshotted', () => {
  const state = join(quotaDir, 'state');
  refusedBeforeZfs(
    configWith({ state_dir: state }),
    `no space left to write in ${state} (state dir; EDQUOT, quota exceeded)`,
    /^hint: free space within the quota/,
  );
});

test('read-only commands work without the state and journal dirs, and do not create them', () => {
  const state = join(pool.dir, 'never-made/state');
  const journal = join(pool.dir, 'never-made/journal');
  const config = configWith({ state_dir: state, journal_dir: journal });
  for (const args of [['list'], ['tree', '101'], ['pool'], ['list', '--json']]) {
    const r = runCli(['--config', config, ...args]);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr, '', args.join(' '));
  }
  assert.equal(existsSync(join(pool.dir, 'never-made')), false);
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LxcriError } from '../../src/core/errors.js';
import { sha256File } from '../../src/core/criu/store.js';
import { runCli } from '../support/cli-process.js';
import { createLxcContainer, destroyLxc, lxcState, startLxc } from '../support/lxc.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

const STANDIN = new URL('../fixtures/criu-standin', import.meta.url).pathname;
let pool: TestPool;
let lxcpath: string;
let config: string;
const names = ['web', 'idle', 'plain', 'crdemo', 'fb'];

before(() => {
  pool = createTestPool('lxc', '512M');
  lxcpath = `${pool.dir}/lxc`;
  const cfg = JSON.parse(readFileSync(pool.configFile, 'utf8'));
  cfg.lxc = { path: lxcpath };
  cfg.criu = { store: `${pool.dir}/images` };
  config = `${pool.dir}/lxc-config.json`;
  writeFileSync(config, JSON.stringify(cfg));
});
after(() => {
  for (const n of names) destroyLxc(lxcpath, n);
  pool?.destroy();
});

const core = () =>
  pool.core({
    config: (c) => {
      c.lxc.path = lxcpath;
      c.criu.store = `${pool.dir}/images`;
      c.container.shutdown_timeout_seconds = 2;
    },
  }).core;
const withPath = async <T>(prefix: string, fn: () => Promise<T>): Promise<T> => {
  const saved = process.env.PATH;
  process.env.PATH = `${prefix}:${saved}`;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
};

test('list shows the real LXC containers with their datasets and status; one not on ZFS says why', () => {
  createLxcContainer(lxcpath, 'web', `${pool.pool}/lxc/web`, true);
  createLxcContainer(lxcpath, 'idle', `${pool.pool}/lxc/idle`, false);
  mkdirSync(`${pool.dir}/plainfs`, { recursive: true });
  execFileSync('lxc-create', ['-P', lxcpath, '-n', 'plain', '-t', 'busybox', '-B', 'dir', '--dir', `/var/tmp/lxcri-plain-${process.pid}`], { stdio: 'pipe' });
  const r = runCli(['list', '--json', '--config', config]);
  assert.equal(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout).containers as Array<{ id: string; status: string; dataset?: string; sources: string[]; reason?: string }>;
  const by = (id: string) => list.find((c) => c.id === id)!;
  assert.deepEqual([by('web').status, by('web').dataset, by('web').sources], ['running', `${pool.pool}/lxc/web`, ['lxc']]);
  assert.deepEqual([by('idle').status, by('idle').dataset], ['stopped', `${pool.pool}/lxc/idle`]);
  assert.equal(by('plain').dataset, undefined);
  assert.match(by('plain').reason!, /is not on a mounted ZFS dataset/);
});

test('branch restore of a running container: shut down, restored, started again; files checked inside the rootfs', async () => {
  const rootfs = `${sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', `${pool.pool}/lxc/web`]).trim()}/rootfs`;
  writeFileSync(`${rootfs}/data.txt`, 'v1');
  const c = core();
  const cp = (await c.checkpoint(['web'], { label: 'while running' })).checkpoints[0]!.name;
  assert.equal(lxcState(lxcpath, 'web'), 'RUNNING', 'a checkpoint does not stop the container');
  writeFileSync(`${rootfs}/data.txt`, 'v2');
  const r = await c.restore('web', { snapshot: cp });
  assert.deepEqual([r.stopped, r.started], [true, true]);
  assert.equal(readFileSync(`${rootfs}/data.txt`, 'utf8'), 'v1');
  assert.equal(lxcState(lxcpath, 'web'), 'RUNNING', 'it runs again');
  if (r.mode !== 'branch') throw new Error('expected branch');
  const branchMount = sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', r.branchDataset]).trim();
  assert.equal(readFileSync(`${branchMount}/rootfs/data.txt`, 'utf8'), 'v2');
  assert.equal(readFileSync(`${lxcpath}/web/config`, 'utf8').match(/lxc\.rootfs\.path = (.*)/)![1], `dir:${rootfs}`, 'the container config is unchanged');

  const again = await c.restore('web', { snapshot: cp, noStart: true });
  assert.deepEqual([again.stopped, again.started], [true, false]);
  assert.equal(lxcState(lxcpath, 'web'), 'STOPPED');
  startLxc(lxcpath, 'web');
});

test('stateful checkpoint with the real CRIU: a clear error, the container still running, nothing half-made', async () => {
  const c = core();
  const snaps = pool.snapshots();
  await assert.rejects(c.checkpointStateful('web'), (e: unknown) => {
    assert.ok(e instanceof LxcriError, String(e));
    assert.equal(e.code, 'criu-failed');
    assert.match(e.message, /^CRIU dump of web failed: .*vdso/i);
    assert.match(e.hint, /keeps running and no checkpoint was made/);
    return true;
  });
  assert.deepEqual(pool.snapshots(), snaps, 'no snapshot');
  assert.equal(lxcState(lxcpath, 'web'), 'RUNNING');
  assert.deepEqual(readdirSync(`${pool.dir}/images/web`), ['last-failed-dump.log'], 'no image, no temporary directory; the log is kept');
});

test('stateful checkpoint with a stand-in CRIU (real lxc-checkpoint): image store layout, manifest, sha256, snapshot link', async () => {
  createLxcContainer(lxcpath, 'crdemo', `${pool.pool}/lxc/crdemo`, true);
  const c = core();
  const r = await withPath(STANDIN, () => c.checkpointStateful('crdemo', { label: 'with memory' }));
  assert.equal(lxcState(lxcpath, 'crdemo'), 'RUNNING', 'left running');
  const dir = `${pool.dir}/images/crdemo/${r.checkpointId}`;
  assert.equal(r.image, dir);
  assert.deepEqual(readdirSync(dir).sort(), ['.checkpoint-complete', 'dump.tar.zst', 'manifest.json']);
  const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8'));
  assert.equal(manifest.container, 'crdemo');
  assert.equal(manifest.zfs_snapshot, r.snapshot);
  assert.equal(manifest.criu_version, '3.17.1');
  assert.equal(manifest.sha256, await sha256File(`${dir}/dump.tar.zst`));
  assert.equal(sh('zfs', ['get', '-H', '-o', 'value', 'lxcri:image', r.snapshot!]).trim(), dir);
  assert.match(execFileSync('tar', ['--zstd', '-tf', `${dir}/dump.tar.zst`], { encoding: 'utf8' }), /inventory\.img/);
  const tree = await c.tree('crdemo');
  assert.equal([...tree.nodes.values()].find((n) => n.fullName === r.snapshot)!.image, dir);

  // Restoring it: lxc-checkpoint -r cannot bring a stand-in's processes back, so the CRIU restore fails for real.
  await assert.rejects(
    withPath(STANDIN, () => c.restore('crdemo', { snapshot: r.checkpointId })),
    (e: unknown) =>
      e instanceof LxcriError &&
      e.code === 'criu-restore-failed' &&
      /its filesystem is restored and it is stopped/.test(e.message) &&
      /--cold-fallback/.test(e.hint),
  );
  assert.equal(lxcState(lxcpath, 'crdemo'), 'STOPPED');
  const cold = await withPath(STANDIN, () => c.restore('crdemo', { snapshot: r.checkpointId, coldFallback: true }));
  assert.equal(cold.state, 'cold');
  assert.equal(lxcState(lxcpath, 'crdemo'), 'RUNNING');

  // A corrupted archive is caught by its sha256 before CRIU sees it.
  writeFileSync(`${dir}/dump.tar.zst`, 'garbage');
  await assert.rejects(
    withPath(STANDIN, () => c.restore('crdemo', { snapshot: r.checkpointId })),
    /is corrupt: sha256/,
  );
  startLxc(lxcpath, 'crdemo');

  // GC: an incomplete directory and an image whose snapshot is gone are removed; a live one stays.
  const doomed = await withPath(STANDIN, () => c.checkpointStateful('crdemo'));
  const live = await withPath(STANDIN, () => c.checkpointStateful('crdemo'));
  mkdirSync(`${pool.dir}/images/crdemo/.tmp-checkpoint-1-99999/images`, { recursive: true });
  sh('zfs', ['destroy', doomed.snapshot!]);
  const { removed } = await c.gc({ retentionHours: 0 });
  assert.deepEqual(
    removed.map((x) => x.dir.split('/').pop()).sort(),
    ['.tmp-checkpoint-1-99999', doomed.checkpointId].sort(),
    JSON.stringify({ removed, doomed: doomed.manifest, r: r.manifest, live: live.manifest }),
  );
  assert.ok(existsSync(live.image) && existsSync(r.image), 'images whose snapshots exist stay');
});

test("ZFS not available: a CRIU-only checkpoint into the store, with the seed's warning", () => {
  createLxcContainer(lxcpath, 'fb', `${pool.pool}/lxc/fb`, true);
  const bin = join(pool.dir, 'nozfs-bin');
  mkdirSync(bin, { recursive: true });
  // A PATH with LXC, tar, zstd and the stand-in criu, but no zfs.
  const r = runCli(['checkpoint', 'fb', '--stateful', '--config', config], { PATH: `${STANDIN}:/usr/bin:/bin` });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^warning: ZFS not available, falling back to CRIU-only checkpoint$/m);
  const ids = readdirSync(`${pool.dir}/images/fb`).filter((n) => n.startsWith('checkpoint-'));
  assert.equal(ids.length, 1);
  const manifest = JSON.parse(readFileSync(`${pool.dir}/images/fb/${ids[0]}/manifest.json`, 'utf8'));
  assert.equal(manifest.zfs_snapshot, null);
  assert.ok(!pool.snapshots().some((s) => s.includes('/fb@')));
});

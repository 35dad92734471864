import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LxcriError, NotFoundError, UsageError } from '../../src/core/errors.js';
import type { DatasetRecord } from '../../src/core/model/dataset.js';
import { parseRange } from '../../src/core/ops/space.js';
import type { FakeRunner } from '../../src/core/runner/fake-runner.js';
import { parseDestroyDryRun } from '../../src/core/tools/zfs/parse.js';
import { ZPOOL_LIST_COLUMNS_LEGACY, ZPOOL_LIST_COLUMNS_PARSABLE } from '../../src/core/tools/zpool/parse.js';
import { expectLegacy, expectOpenzfs, fakeCore, LEGACY_PROPS, legacyGetOutput } from '../support/fake-core.js';
import { RecordBuilder } from '../support/records.js';

const M = 2 ** 20;

/** web: checkpoint-1..4 on t/c/web, 8M / 4M / 2M / 1M of their own, 30M shared between them. */
function webListing() {
  return new RecordBuilder()
    .fs('t', { used: 200 * M, usedbydataset: 1 * M, usedbysnapshots: 0 })
    .fs('t/c', { used: 199 * M, usedbydataset: 1 * M, usedbysnapshots: 0 })
    .fs('t/c/web', { used: 100 * M + 45 * M, usedbydataset: 100 * M, usedbysnapshots: 45 * M })
    .snap('t/c/web', 'checkpoint-1', { used: 8 * M, referenced: 90 * M })
    .snap('t/c/web', 'checkpoint-2', { used: 4 * M, referenced: 95 * M, user: { label: 'before upgrade' } })
    .snap('t/c/web', 'checkpoint-3', { used: 2 * M, referenced: 98 * M })
    .snap('t/c/web', 'checkpoint-4', { used: 1 * M, referenced: 99 * M });
}

/** Both flavours list every pool when no root is given. */
function expectLegacyAllPools(runner: FakeRunner, records: readonly DatasetRecord[]) {
  runner.expect(['zfs', 'version'], { exitCode: 2, stderr: "unrecognized command 'version'\n" });
  runner.expect(['zfs', 'get', '-Hp', '-r', '-o', 'name,property,value', LEGACY_PROPS.join(',')], { stdout: legacyGetOutput(records) });
  runner.expect(['zpool', 'list', '-H', '-o', ZPOOL_LIST_COLUMNS_LEGACY.join(',')], { stdout: 't\t1016M\t200M\t816M\t19%\tONLINE\t23\n' });
}

function withStore(core: ReturnType<typeof fakeCore>['core'], files: Record<string, number>) {
  const store = mkdtempSync(join(tmpdir(), 'lxcri-space-store-'));
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(store, path, '..'), { recursive: true });
    writeFileSync(join(store, path), Buffer.alloc(bytes));
  }
  core.ctx.config.criu.store = store;
}

test('space of one container: one listing and one zpool list, figures exactly the listing, images from one read of the store', async () => {
  const { runner, core } = fakeCore();
  withStore(core, {
    'web/checkpoint-2/dump.tar.zst': 5000,
    'web/checkpoint-2/manifest.json': 100,
    'web/.tmp-checkpoint-9-1/images/x': 11,
    'db/c/dump.tar.zst': 7,
  });
  expectLegacyAllPools(runner, webListing().records);
  const report = await core.space(['web']);
  runner.assertDone();
  assert.equal(runner.ran.length, 3, 'zfs version, the listing, zpool list: no process per checkpoint');
  assert.equal(report.pools.length, 1);
  const [web] = report.pools[0]!.containers;
  assert.equal(web!.id, 'web');
  assert.deepEqual([web!.live, web!.snapshotsUnique, web!.snapshotsShared, web!.branches, web!.images], [100 * M, 15 * M, 30 * M, 0, 5111]);
  assert.equal(web!.total, 145 * M + 5111);
  assert.deepEqual(
    web!.checkpoints.map((k) => [k.name, k.used, k.referenced, k.label]),
    [
      ['checkpoint-1', 8 * M, 90 * M, undefined],
      ['checkpoint-2', 4 * M, 95 * M, 'before upgrade'],
      ['checkpoint-3', 2 * M, 98 * M, undefined],
      ['checkpoint-4', 1 * M, 99 * M, undefined],
    ],
  );
});

test('space: ids are checked before anything runs; an unknown container is refused in one line', async () => {
  const { runner, core } = fakeCore();
  await assert.rejects(core.space(['../x']), /invalid container id '\.\.\/x'/);
  await assert.rejects(core.space(['web', 'web']), (e: unknown) => e instanceof UsageError && /named twice/.test(e.message));
  assert.equal(runner.ran.length, 0);
  expectLegacyAllPools(runner, webListing().records);
  await assert.rejects(
    core.space(['web', 'nope']),
    (e: unknown) => e instanceof NotFoundError && e.message === 'no container nope: its dataset t/c/nope does not exist',
  );
});

test('space works in a read-only session (it is a read)', async () => {
  const { runner, core } = fakeCore();
  core.ctx.readOnly = true;
  withStore(core, {});
  expectLegacyAllPools(runner, webListing().records);
  const report = await core.space(['web']);
  assert.equal(report.pools[0]!.containers[0]!.images, 0);
});

test('parseRange: A..B with both names checked; anything else is a usage error', () => {
  assert.deepEqual(parseRange('checkpoint-1..checkpoint-3'), ['checkpoint-1', 'checkpoint-3']);
  assert.deepEqual(parseRange('t/c/web@checkpoint-1..t/c/web@checkpoint-3'), ['t/c/web@checkpoint-1', 't/c/web@checkpoint-3']);
  for (const bad of ['checkpoint-1', 'checkpoint-1..', '..checkpoint-2', 'a...b', '']) assert.throws(() => parseRange(bad), /a range is <A>\.\.<B>/, bad);
  assert.throws(() => parseRange('checkpoint-..checkpoint-2'), /only a prefix/);
  assert.throws(() => parseRange('a/b..c'), /invalid snapshot name/);
});

test('range on zfs-fuse: the sum of each used, a lower bound, in createtxg order whichever end comes first', async () => {
  const { runner, core } = fakeCore();
  expectLegacy(runner, webListing().records);
  const r = await core.spaceRange('web', 'checkpoint-3..checkpoint-2');
  runner.assertDone();
  assert.equal(r.accuracy, 'lower-bound');
  assert.equal(r.bytes, 6 * M);
  assert.equal(r.sumOfUsed, 6 * M);
  assert.deepEqual([r.from, r.to], ['t/c/web@checkpoint-2', 't/c/web@checkpoint-3']);
  assert.deepEqual(r.blockers, []);
});

// The parsable lines of `zfs destroy -nvp`, as OpenZFS cmd/zfs/zfs_main.c prints them: destroy_print_cb prints
// `printf("destroy\t%s\n", name)` for each snapshot of the range, zfs_do_destroy then `printf("reclaim\t%llu\n",
// cb.cb_snapused)`, the bytes lzc_snaprange_space() reports for the range (zfs-destroy(8): -n dry run, -v verbose,
// -p parsable). The byte figure is made up: no OpenZFS host was available.
const OPENZFS_RANGE_DRY_RUN = 'destroy\tt/c/web@checkpoint-1\ndestroy\tt/c/web@checkpoint-2\ndestroy\tt/c/web@checkpoint-3\nreclaim\t44040192\n';

test('parseDestroyDryRun reads the range form quoted from OpenZFS zfs_main.c', () => {
  assert.deepEqual(parseDestroyDryRun(OPENZFS_RANGE_DRY_RUN), {
    destroys: ['t/c/web@checkpoint-1', 't/c/web@checkpoint-2', 't/c/web@checkpoint-3'],
    reclaimBytes: 44040192,
  });
});

test('range on OpenZFS: exact bytes from zfs destroy -nvp ds@A%B (more than the sum of used: shared blocks go too)', async () => {
  const { runner, core } = fakeCore();
  expectOpenzfs(runner, webListing().records);
  runner.expect(['zfs', 'destroy', '-nvp', 't/c/web@checkpoint-1%checkpoint-3'], { stdout: OPENZFS_RANGE_DRY_RUN });
  const r = await core.spaceRange('web', 't/c/web@checkpoint-1..checkpoint-3');
  runner.assertDone();
  assert.deepEqual([r.accuracy, r.bytes, r.sumOfUsed], ['exact', 44040192, 14 * M]);
  assert.equal(r.snapshots.length, 3);
});

test('range: held snapshots and clone origins are listed as what would block a destroy; a refused dry run falls back to the lower bound', async () => {
  const b = webListing();
  b.records.find((r) => r.name === 't/c/web@checkpoint-2')!.userrefs = 1;
  b.fs('t/c/other', { origin: 't/c/web@checkpoint-3' });
  const { runner, core } = fakeCore();
  expectOpenzfs(runner, b.records);
  runner.expect(['zfs', 'destroy', '-nvp', 't/c/web@checkpoint-1%checkpoint-4'], {
    exitCode: 1,
    stderr: "cannot destroy 't/c/web@checkpoint-3': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\nt/c/other\n",
  });
  const r = await core.spaceRange('web', 'checkpoint-1..checkpoint-4');
  assert.deepEqual(r.blockers, [
    { snapshot: 't/c/web@checkpoint-2', rule: 'held', detail: '1 hold(s)' },
    { snapshot: 't/c/web@checkpoint-3', rule: 'clone-origin', detail: 't/c/other' },
  ]);
  assert.equal(r.accuracy, 'lower-bound');
  assert.equal(r.bytes, 15 * M);
  assert.match(r.dryRunError!, /dependent clones/);
});

test('range across two lines is refused naming both datasets; an unknown end is not found', async () => {
  const b = webListing().fs('t/c/lxcri-br-web-1700000000', { origin: 't/c/web@checkpoint-2' }).snap('t/c/lxcri-br-web-1700000000', 'checkpoint-11');
  const { runner, core } = fakeCore();
  expectLegacy(runner, b.records);
  await assert.rejects(
    core.spaceRange('web', 'checkpoint-1..checkpoint-11'),
    (e: unknown) => e instanceof UsageError && /t\/c\/web and .*on t\/c\/lxcri-br-web-1700000000: a range is taken on one line/.test(e.message),
  );
  const again = fakeCore();
  expectLegacy(again.runner, b.records);
  await assert.rejects(
    again.core.spaceRange('web', 'checkpoint-1..checkpoint-99'),
    (e: unknown) => e instanceof LxcriError && /does not exist: checkpoint-99/.test(e.message),
  );
  const first = fakeCore();
  await assert.rejects(first.core.spaceRange('web', 'checkpoint-1'), /a range is <A>\.\.<B>/);
  assert.equal(first.runner.ran.length, 0, 'refused before anything ran');
});

test('OpenZFS zpool columns are read for the report (exact sizes)', async () => {
  const { runner, core } = fakeCore();
  withStore(core, {});
  runner.expect(['zfs', 'version'], { stdout: 'zfs-2.2.6-pve1\nzfs-kmod-2.2.6-pve1\n' });
  const { OPENZFS_COLUMNS, openzfsListOutput } = await import('../support/fake-core.js');
  runner.expect(['zfs', 'list', '-Hp', '-r', '-t', 'all', '-o', ['name', ...OPENZFS_COLUMNS].join(',')], { stdout: openzfsListOutput(webListing().records) });
  runner.expect(['zpool', 'list', '-Hp', '-o', ZPOOL_LIST_COLUMNS_PARSABLE.join(',')], { stdout: 't\t1065353216\t209715200\t855638016\t19\t3\tONLINE\n' });
  const report = await core.space(['web']);
  const p = report.pools[0]!;
  assert.deepEqual([p.size, p.allocated, p.free, p.approximate], [1065353216, 209715200, 855638016, false]);
  assert.equal(p.containers[0]!.checkpoints[0]!.written, 0);
});

test('space of every container: the containers the sources know, each pool once, biggest first', async () => {
  const b = webListing().fs('t/c/db', { used: 300 * M, usedbydataset: 300 * M, usedbysnapshots: 0 });
  const { runner, core } = fakeCore();
  withStore(core, { 'db/checkpoint-1/dump.tar.zst': 1000 });
  expectLegacyAllPools(runner, b.records);
  // No LXC, no Proxmox here: the containers come from the dataset convention (<base>/<id>).
  runner.expect(['pct', 'list'], { fail: 'missing' });
  runner.expect(['lxc-ls', '-P', '/nonexistent/lxcri-test', '-f', '-F', 'NAME,STATE,PID'], { fail: 'missing' });
  const report = await core.space();
  runner.assertDone();
  assert.deepEqual(
    report.pools.map((p) => [p.name, p.containers.map((c) => [c.id, c.total])]),
    [
      [
        't',
        [
          ['db', 300 * M + 1000],
          ['web', 145 * M],
        ],
      ],
    ],
  );
});

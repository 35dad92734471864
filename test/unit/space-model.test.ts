import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inventory } from '../../src/core/model/inventory.js';
import { containerSpace, spaceReport, type ContainerSpace } from '../../src/core/model/space.js';
import { parseZfsGet } from '../../src/core/tools/zfs/parse.js';
import { parseZpoolList, ZPOOL_LIST_COLUMNS_LEGACY } from '../../src/core/tools/zpool/parse.js';
import { summarizeContainers } from '../../src/core/world.js';
import { fixture } from '../support/fixtures.js';
import { RecordBuilder } from '../support/records.js';

const M = 2 ** 20;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The figures ZFS gives, summed over the family: what the parts must add up to. */
function familyUsed(inv: Inventory, c: ContainerSpace): number {
  return sum(c.lines.map((l) => inv.get(l.dataset)!.used));
}

test('captured zfs-fuse listing: live, snapshots and the branch add up to the family used, byte for byte', () => {
  const inv = new Inventory(parseZfsGet(fixture('zfs/zfs-fuse-get-branch-restore.txt')));
  const web = containerSpace(inv, { id: 'web', dataset: 'ztest/containers/web' }, 4096)!;
  // zfs get used: web 118784 (usedbydataset 118784, usedbysnapshots 0); lxcri-br-web-1795427507 86016.
  assert.equal(web.live, 118784);
  assert.equal(web.snapshotsUnique, 0);
  assert.equal(web.snapshotsShared, 0);
  assert.equal(web.branches, 86016);
  assert.equal(web.images, 4096);
  assert.equal(web.total, 118784 + 86016 + 4096);
  assert.equal(web.total, familyUsed(inv, web) + web.images);
  assert.deepEqual(
    web.lines.map((l) => [l.dataset, l.active]),
    [
      ['ztest/containers/web', true],
      ['ztest/containers/lxcri-br-web-1795427507', false],
    ],
  );
  // Every snapshot of the family, oldest first, with its label.
  assert.deepEqual(
    web.checkpoints.map((k) => k.name),
    ['checkpoint-1795427501', 'checkpoint-1795427503', 'checkpoint-1795427505', 'pre-restore-1795427507', 'checkpoint-1795427509'],
  );
  assert.equal(web.checkpoints[0]!.label, 'first');
  assert.equal(web.checkpoints[0]!.written, undefined, 'zfs-fuse has no written');
  // A container of its own: db is not web's branch.
  const db = containerSpace(inv, { id: 'db', dataset: 'ztest/containers/db' })!;
  assert.deepEqual([db.live, db.branches, db.lines.length], [114688, 0, 1]);
});

/** The demo's 105: snapshots hold 916M, but each one's own `used` sums to only ~124M. */
function sharedListing() {
  return new RecordBuilder()
    .fs('t/c/105', { used: 1200 * M + 916 * M, usedbydataset: 1200 * M, usedbysnapshots: 916 * M, referenced: 1200 * M })
    .snap('t/c/105', 'checkpoint-1', { used: 40 * M, written: 900 * M, referenced: 900 * M })
    .snap('t/c/105', 'checkpoint-2', { used: 50 * M, written: 300 * M, referenced: 1000 * M, user: { label: 'before upgrade' } })
    .snap('t/c/105', 'checkpoint-3', { used: 34 * M, written: 200 * M, referenced: 1100 * M });
}

test('shared = usedbysnapshots minus the sum of unique; the parts add up to the dataset used', () => {
  const inv = new Inventory(sharedListing().records);
  const c = containerSpace(inv, { id: '105', dataset: 't/c/105' })!;
  assert.equal(c.snapshotsUnique, 124 * M);
  assert.equal(c.snapshotsShared, 916 * M - 124 * M);
  assert.equal(c.live, 1200 * M);
  assert.equal(c.live + c.snapshotsUnique + c.snapshotsShared, inv.get('t/c/105')!.used);
  assert.equal(c.total, inv.get('t/c/105')!.used);
  // Per checkpoint: exactly the listing's used / written / referenced.
  for (const k of c.checkpoints) {
    const rec = inv.get(k.fullName)!;
    assert.deepEqual([k.used, k.written, k.referenced, k.creation], [rec.used, rec.written, rec.referenced, rec.creation]);
  }
  assert.equal(c.checkpoints[1]!.label, 'before upgrade');
  assert.equal(c.lines[0]!.snapshotsShared, c.snapshotsShared);
});

test('shared is never negative (a listing where usedbysnapshots lags the snapshots), and falls back without usedbysnapshots', () => {
  const lag = new RecordBuilder().fs('t/c/a', { used: 100, usedbydataset: 90, usedbysnapshots: 10 }).snap('t/c/a', 'checkpoint-1', { used: 20 });
  assert.equal(containerSpace(new Inventory(lag.records), { id: 'a', dataset: 't/c/a' })!.snapshotsShared, 0);
  const none = new RecordBuilder()
    .fs('t/c/a', { used: 100, usedbydataset: undefined, usedbysnapshots: undefined, referenced: 80 })
    .snap('t/c/a', 'checkpoint-1');
  const c = containerSpace(new Inventory(none.records), { id: 'a', dataset: 't/c/a' })!;
  assert.deepEqual([c.live, c.snapshotsShared], [80, 0]);
  assert.equal(containerSpace(new Inventory(none.records), { id: 'x', dataset: 't/c/missing' }), undefined);
});

/**
 * web's branch restore, before and after `zfs promote`: the clone (now t/c/web) first hangs off the branch's
 * checkpoint-2, then takes checkpoint-1 and -2 over, and the branch becomes its clone. ZFS moves the snapshots'
 * space with them; the family and its totals must read the same either way.
 */
function beforePromote() {
  return new RecordBuilder()
    .fs('t/c/lxcri-br-web-1700000000', { used: 500 + 60 + 100, usedbydataset: 500, usedbysnapshots: 160 })
    .snap('t/c/lxcri-br-web-1700000000', 'checkpoint-1', { used: 10, guid: 'g1' })
    .snap('t/c/lxcri-br-web-1700000000', 'checkpoint-2', { used: 20, guid: 'g2' })
    .snap('t/c/lxcri-br-web-1700000000', 'checkpoint-3', { used: 30, guid: 'g3' })
    .fs('t/c/web', { used: 400, usedbydataset: 400, usedbysnapshots: 0, origin: 't/c/lxcri-br-web-1700000000@checkpoint-2' });
}

function afterPromote() {
  const b = new RecordBuilder()
    .fs('t/c/web', { used: 400 + 130, usedbydataset: 400, usedbysnapshots: 130 })
    .snap('t/c/web', 'checkpoint-1', { used: 10, guid: 'g1' })
    .snap('t/c/web', 'checkpoint-2', { used: 20, guid: 'g2' })
    .fs('t/c/lxcri-br-web-1700000000', { used: 500 + 30, usedbydataset: 500, usedbysnapshots: 30, origin: 't/c/web@checkpoint-2' })
    .snap('t/c/lxcri-br-web-1700000000', 'checkpoint-3', { used: 30, guid: 'g3' });
  return b;
}

test('promote-invariance: the family is found whichever dataset holds the snapshots, with the same totals', () => {
  const views = [beforePromote(), afterPromote()].map((b) => {
    const inv = new Inventory(b.records);
    const c = containerSpace(inv, { id: 'web', dataset: 't/c/web' }, 7)!;
    return { inv, c };
  });
  for (const { inv, c } of views) {
    assert.equal(c.lines.length, 2);
    assert.equal(c.total, familyUsed(inv, c) + 7);
    assert.equal(c.total, 400 + 500 + 160 + 7);
    assert.equal(c.live, 400);
  }
  const [before, after] = views.map(({ c }) => c);
  const byGuidless = (c: ContainerSpace) => c.checkpoints.map((k) => [k.name, k.used]);
  assert.deepEqual(byGuidless(before!).sort(), byGuidless(after!).sort());
  assert.equal(sum(before!.checkpoints.map((k) => k.used)), sum(after!.checkpoints.map((k) => k.used)));
  // Before the promote the active line has no snapshots: all of them count in the branch.
  assert.deepEqual([before!.snapshotsUnique, before!.branches], [0, 660]);
  assert.deepEqual([after!.snapshotsUnique, after!.snapshotsShared, after!.branches], [30, 100, 530]);
});

test('spaceReport: per pool, containers biggest first, images by id, containers without a dataset left out', () => {
  const b = sharedListing().fs('t/c/small', { used: 5 * M, usedbydataset: 5 * M, usedbysnapshots: 0 });
  const inv = new Inventory(b.records);
  const containers = summarizeContainers(
    [
      { id: 'small', name: 'small', status: 'stopped', sources: ['zfs'], dataset: 't/c/small', mounts: [] },
      { id: '105', name: 'build', status: 'running', sources: ['pct'], dataset: 't/c/105', mounts: [] },
      { id: 'gone', name: 'gone', status: 'stopped', sources: ['zfs'], dataset: 't/c/gone', mounts: [] },
      { id: 'dir', name: 'dir', status: 'stopped', sources: ['lxc'], mounts: [], reason: 'rootfs is a directory' },
    ],
    inv,
  );
  const pools = parseZpoolList('t\t1016M\t4.64M\t1011M\t0%\tONLINE\t23\nother\t1G\t1M\t1G\t0%\tONLINE\t23\n', ZPOOL_LIST_COLUMNS_LEGACY, false);
  const report = spaceReport(inv, containers, pools, new Map([['small', 3 * M]]));
  assert.deepEqual(
    report.pools.map((p) => [p.name, p.containers.map((c) => c.id)]),
    [
      ['t', ['105', 'small']],
      ['other', []],
    ],
  );
  const t = report.pools[0]!;
  assert.equal(t.approximate, true);
  assert.equal(t.size, 1016 * M);
  assert.equal(t.containers[1]!.images, 3 * M);
  assert.equal(t.containers[1]!.total, 8 * M);
  assert.equal(t.containers[0]!.images, 0);
});

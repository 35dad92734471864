import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePoolVersion, parseZfsVersion } from '../../src/core/tools/zfs/capabilities.js';
import { parseDestroyDryRun, parseHumanSize, parseLocalProperties, parseZfsGet, parseZfsList } from '../../src/core/tools/zfs/parse.js';
import { listingProperties } from '../../src/core/tools/zfs/properties.js';
import { fixture } from '../support/fixtures.js';

test('parseZfsGet reads every dataset and snapshot of a zfs-fuse capture', () => {
  const recs = parseZfsGet(fixture('zfs/zfs-fuse-get-branch-restore.txt'));
  const names = recs.map((r) => r.name);
  assert.equal(new Set(names).size, names.length, 'one record per dataset');
  const web = recs.find((r) => r.name === 'ztest/containers/web')!;
  assert.equal(web.type, 'filesystem');
  assert.equal(web.mounted, true);
  assert.equal(web.mountpoint, '/ztest/containers/web');
  assert.equal(web.origin, undefined);
  const branch = recs.find((r) => r.name === 'ztest/containers/lxcri-br-web-1795427507')!;
  assert.equal(branch.origin, 'ztest/containers/web@checkpoint-1795427501');
  assert.deepEqual(branch.user, { branch: 'web@1795427507' });
  const first = recs.find((r) => r.name === 'ztest/containers/web@checkpoint-1795427501')!;
  assert.equal(first.type, 'snapshot');
  assert.equal(first.user.label, 'first');
  assert.equal(first.user.kind, 'checkpoint');
  assert.match(first.guid, /^\d+$/);
  assert.ok(first.createtxg > 0 && first.creation > 1_700_000_000);
  const held = recs.find((r) => r.name === 'ztest/containers/web@checkpoint-1795427509')!;
  assert.equal(held.userrefs, 1);
});

test('the OpenZFS list layout parses to the same records as the zfs-fuse get layout', () => {
  const fromGet = parseZfsGet(fixture('zfs/zfs-fuse-get-branch-restore.txt'));
  const fromList = parseZfsList(fixture('zfs/openzfs-list-branch-restore.txt'), listingProperties({ written: true }));
  assert.equal(fromList.length, fromGet.length);
  for (const [i, rec] of fromList.entries()) {
    const { written, ...rest } = rec;
    assert.deepEqual(rest, fromGet[i], rec.name);
    assert.equal(typeof written, 'number');
  }
});

test('flavour detection parses zfs version and pool version', () => {
  assert.equal(parseZfsVersion(fixture('zfs/openzfs-version.txt')), 'zfs-2.2.6-pve1');
  assert.equal(parseZfsVersion(fixture('zfs/zfs-fuse-version.stderr.txt')), undefined);
  assert.equal(parsePoolVersion(fixture('zpool/zfs-fuse-upgrade-v.txt')), 23);
});

test('destroy -nvp gives the destroyed names and exact reclaim bytes', () => {
  const r = parseDestroyDryRun(fixture('zfs/openzfs-destroy-nvp.txt'));
  assert.deepEqual(r.destroys, ['rpool/data/subvol-101-disk-0@checkpoint-1763800000', 'rpool/data/subvol-101-disk-0@checkpoint-1763810000']);
  assert.equal(r.reclaimBytes, 52690944);
});

test('local properties and human sizes', () => {
  assert.deepEqual(parseLocalProperties(fixture('zfs/zfs-fuse-local-props.txt')), { 'lxcri:branch': 'web@1795427507' });
  assert.equal(parseHumanSize('1016M'), 1016 * 2 ** 20);
  assert.equal(parseHumanSize('1.55M'), Math.round(1.55 * 2 ** 20));
  assert.equal(parseHumanSize('0'), 0);
  assert.equal(parseHumanSize('-'), undefined);
});

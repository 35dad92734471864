import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foreignSource } from '../../src/core/model/classify.js';
import { Inventory } from '../../src/core/model/inventory.js';
import { buildTree } from '../../src/core/model/tree.js';
import { pctSnapshotNames } from '../../src/core/containers/sources/pct-parse.js';
import { nodeMarks } from '../../src/present/tree-columns.js';
import { fixture } from '../support/fixtures.js';
import { RecordBuilder } from '../support/records.js';

/**
 * The marks column names a foreign snapshot's owner as the issue's sanoid/pve/syncoid: by the tools' naming habits,
 * and for Proxmox also by the snapshots its container config names.
 */

test('owners by name: sanoid, syncoid, zfs-auto-snapshot, and Proxmox (vzdump, storage replication, migration) as pve', () => {
  assert.equal(foreignSource('autosnap_2026-01-01_00:00:01_daily'), 'sanoid');
  assert.equal(foreignSource('syncoid_pve2_2026-01-01:00:00:01-GMT00:00'), 'syncoid');
  assert.equal(foreignSource('syncoid_backup-host_2025-12-31:23:59:59'), 'syncoid');
  assert.equal(foreignSource('zfs-auto-snap_hourly-2026-01-01-0000'), 'zfs-auto-snapshot');
  assert.equal(foreignSource('vzdump'), 'pve');
  assert.equal(foreignSource('__replicate_106-0_1763890000__'), 'pve');
  assert.equal(foreignSource('__migration__'), 'pve');
  assert.equal(foreignSource('before_upgrade'), undefined, 'a plain name says nothing by itself');
  assert.equal(foreignSource('before_upgrade', new Set(['before_upgrade'])), 'pve', 'named in the Proxmox config');
});

test("a container config's [name] sections are its Proxmox snapshots; [pve:pending] is not one", () => {
  assert.deepEqual(pctSnapshotNames(fixture('pve/101.conf')), ['before-upgrade']);
  const conf =
    'arch: amd64\nparent: b\nrootfs: local-zfs:subvol-106-disk-0,size=8G\n\n[a]\narch: amd64\nsnaptime: 1\n\n[b]\nparent: a\nsnaptime: 2\n\n[pve:pending]\nmemory: 1024\n';
  assert.deepEqual(pctSnapshotNames(conf), ['a', 'b']);
});

test('the tree marks each foreign snapshot with its owner: sanoid, syncoid, pve (by name or by the config), else foreign', () => {
  const b = new RecordBuilder()
    .fs('t/c/vpn')
    .snap('t/c/vpn', 'autosnap_2026-01-01_00:00:01_daily')
    .snap('t/c/vpn', 'syncoid_pve2_2026-01-02:00:00:01')
    .snap('t/c/vpn', 'vzdump')
    .snap('t/c/vpn', 'before_upgrade')
    .snap('t/c/vpn', 'by_hand')
    .snap('t/c/vpn', 'checkpoint-1700000000');
  const tree = buildTree('vpn', 't/c/vpn', new Inventory(b.records), { pveSnapshots: ['before_upgrade'] });
  const marks = Object.fromEntries([...tree.nodes.values()].filter((n) => n.kind === 'snapshot').map((n) => [n.name, nodeMarks(n)]));
  assert.deepEqual(marks, {
    'autosnap_2026-01-01_00:00:01_daily': 'sanoid',
    'syncoid_pve2_2026-01-02:00:00:01': 'syncoid',
    vzdump: 'pve',
    before_upgrade: 'pve',
    by_hand: 'foreign',
    'checkpoint-1700000000': '',
  });
  // Without the config, the same snapshot is only foreign.
  const bare = buildTree('vpn', 't/c/vpn', new Inventory(b.records));
  assert.equal(nodeMarks([...bare.nodes.values()].find((n) => n.name === 'before_upgrade')!), 'foreign');
});

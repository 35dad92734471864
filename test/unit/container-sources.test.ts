import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { datasetForPath, parseMountinfo } from '../../src/core/containers/mounts.js';
import { describeContainer, mergeContainers } from '../../src/core/containers/registry.js';
import { lxcRootfs, parseLxcLs, rootfsBackend } from '../../src/core/containers/sources/lxc-parse.js';
import { parseLxcriState } from '../../src/core/containers/sources/lxcri-parse.js';
import { parsePctConfig, parsePctList, parseStorageCfg, pctMounts, volumeDataset } from '../../src/core/containers/sources/pct-parse.js';
import { fakeCore } from '../support/fake-core.js';
import { fixture } from '../support/fixtures.js';

test('pct list: 3 tokens unlocked, 4 locked, the overflowing snapshot-delete lock included; empty output = none', () => {
  assert.deepEqual(parsePctList(fixture('pct/list.txt')), [
    { vmid: '100', status: 'running', name: 'web' },
    { vmid: '101', status: 'stopped', lock: 'snapshot', name: 'db' },
    { vmid: '102', status: 'stopped', lock: 'snapshot-delete', name: 'ci-runner' },
    { vmid: '103', status: 'running', name: 'mail' },
  ]);
  assert.deepEqual(parsePctList(fixture('pct/list-empty.txt')), []);
});

test('pct config and the .conf file give the same current config; snapshot sections are ignored', () => {
  const fromCli = parsePctConfig(fixture('pct/config-101.txt'));
  const fromFile = parsePctConfig(fixture('pve/101.conf'));
  assert.equal(fromCli.lock, 'snapshot');
  assert.equal(fromFile.lock, 'snapshot');
  assert.equal(fromFile.memory, '4096', 'the [before-upgrade] section does not leak in');
  assert.equal(fromFile.rootfs, fromCli.rootfs);
  assert.equal(fromCli['lxc.cgroup2.devices.allow'], 'c 10:200 rwm');
  assert.deepEqual(pctMounts(fromFile), [
    { key: 'rootfs', volume: 'local-zfs:subvol-101-disk-0', path: '/' },
    { key: 'mp0', volume: 'local-zfs:subvol-101-disk-1', path: '/var/lib/postgresql' },
    { key: 'mp1', volume: '/mnt/shared', path: '/shared' },
  ]);
});

test('storage.cfg maps zfspool volumes to datasets and says why others are not ZFS', () => {
  const storages = parseStorageCfg(fixture('pve/storage.cfg'));
  assert.deepEqual(
    storages.map((s) => [s.type, s.id]),
    [
      ['dir', 'local'],
      ['zfspool', 'local-zfs'],
      ['lvmthin', 'local-lvm'],
      ['zfspool', 'tank-ct'],
    ],
  );
  assert.equal(storages[1]!.options.pool, 'rpool/data');
  assert.equal(storages[3]!.options.blocksize, '16k');
  assert.deepEqual(volumeDataset('local-zfs:subvol-101-disk-0', storages), { dataset: 'rpool/data/subvol-101-disk-0' });
  assert.deepEqual(volumeDataset('tank-ct:subvol-7-disk-0', storages), { dataset: 'tank/ct/subvol-7-disk-0' });
  assert.match(volumeDataset('local-lvm:vm-101-disk-0', storages).reason!, /local-lvm' \(lvmthin\), not ZFS/);
  assert.match(volumeDataset('nfs:x', storages).reason!, /not in storage\.cfg/);
});

test('lxc-ls -f -F NAME,STATE,PID and the rootfs of an LXC config (captured)', () => {
  assert.deepEqual(parseLxcLs(fixture('lxc/ls-f.txt')), [
    { name: 'bb1', status: 'running', pid: 19472 },
    { name: 'bb2', status: 'stopped' },
  ]);
  const spec = lxcRootfs(fixture('lxc/config-bb1.txt'))!;
  assert.equal(spec, 'dir:/ztest/lxc/bb1/rootfs');
  assert.deepEqual(rootfsBackend(spec), { backend: 'dir', path: '/ztest/lxc/bb1/rootfs' });
  assert.deepEqual(rootfsBackend('zfs:tank/lxc/web'), { backend: 'zfs', path: 'tank/lxc/web' });
});

test('a rootfs path belongs to the ZFS dataset with the longest mountpoint prefix', () => {
  const mounts = parseMountinfo(
    [
      '48 27 0:45 / /tank rw,relatime - fuse.zfs tank rw',
      '49 48 0:46 / /tank/containers rw,relatime - zfs tank/containers rw,xattr',
      '50 49 0:47 / /tank/containers/web rw,relatime - zfs tank/containers/web rw',
      '51 49 0:48 / /tank/containers/web2 rw,relatime - zfs tank/containers/web2 rw',
      '52 27 0:49 / /mnt/with\\040space rw - zfs tank/space rw',
      '53 27 0:50 / /tank/containers/web/rootfs/proc rw - proc proc rw',
    ].join('\n'),
  );
  assert.equal(datasetForPath('/tank/containers/web/rootfs', mounts), 'tank/containers/web');
  assert.equal(datasetForPath('/tank/containers/web2/rootfs', mounts), 'tank/containers/web2');
  assert.equal(datasetForPath('/tank/other', mounts), 'tank');
  assert.equal(datasetForPath('/mnt/with space/x', mounts), 'tank/space');
  assert.equal(datasetForPath('/var/lib/lxc/x/rootfs', mounts), undefined);
});

test('LXCRI state.json: OCI state with a dataset annotation; malformed JSON is reported, not fatal', async () => {
  assert.deepEqual(
    parseLxcriState(
      '{"ociVersion":"1.0.2","id":"web","status":"running","pid":4242,"bundle":"/var/lib/lxcri/web","annotations":{"io.lxcri.zfs.dataset":"tank/oci/web"}}',
      'web',
    ),
    {
      id: 'web',
      status: 'running',
      pid: 4242,
      bundle: '/var/lib/lxcri/web',
      annotations: { 'io.lxcri.zfs.dataset': 'tank/oci/web' },
    },
  );
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-state-'));
  mkdirSync(join(dir, 'containers', 'broken'), { recursive: true });
  writeFileSync(join(dir, 'containers', 'broken', 'state.json'), '{"id": "broken", ');
  const { core } = fakeCore();
  core.ctx.config.state_dir = dir;
  const c = await describeContainer(core.ctx, 'broken');
  assert.deepEqual(c.sources, ['lxcri']);
  assert.match(c.error!, /^state\.json: /);
  assert.equal(c.dataset, 't/c/broken');
});

test('a Proxmox container resolves through its config and storage.cfg, with its lock', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-pve-'));
  writeFileSync(join(dir, '101.conf'), fixture('pve/101.conf'));
  writeFileSync(join(dir, 'storage.cfg'), fixture('pve/storage.cfg'));
  const { core } = fakeCore();
  core.ctx.config.pve = { config_dir: dir, storage_cfg: join(dir, 'storage.cfg'), members: join(dir, '.members') };
  const c = await describeContainer(core.ctx, '101');
  assert.deepEqual([c.sources, c.dataset, c.lock, c.name], [['pct'], 'rpool/data/subvol-101-disk-0', 'snapshot', 'db']);
  assert.equal(c.mounts.find((m) => m.key === 'mp0')!.dataset, 'rpool/data/subvol-101-disk-1');
});

test('merging by id: the best source wins, gaps are filled, no dataset gives the reason', () => {
  const merged = mergeContainers([
    { id: '101', name: '101', status: 'running', sources: ['lxc'], mounts: [], pid: 77, reason: 'rootfs not on ZFS' },
    { id: '101', name: 'db', status: 'unknown', lock: 'backup', sources: ['pct'], dataset: 'rpool/data/subvol-101-disk-0', mounts: [] },
    { id: 'x', name: 'x', status: 'stopped', sources: ['lxc'], mounts: [], reason: 'rootfs backend lvm is not ZFS' },
  ]);
  assert.deepEqual(merged[0], {
    id: '101',
    name: 'db',
    status: 'running',
    lock: 'backup',
    sources: ['pct', 'lxc'],
    dataset: 'rpool/data/subvol-101-disk-0',
    mounts: [],
    pid: 77,
  });
  assert.equal(merged[1]!.reason, 'rootfs backend lvm is not ZFS');
});

test('restore refuses a container Proxmox has locked, naming the lock, before any command runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-pve-'));
  writeFileSync(join(dir, '101.conf'), fixture('pve/101.conf'));
  writeFileSync(join(dir, 'storage.cfg'), fixture('pve/storage.cfg'));
  const { core, runner } = fakeCore();
  core.ctx.config.pve = { config_dir: dir, storage_cfg: join(dir, 'storage.cfg'), members: join(dir, '.members') };
  await assert.rejects(
    core.restore('101', { snapshot: 'checkpoint-1' }),
    (e: unknown) =>
      e instanceof Error && e.message === 'container 101 is locked by Proxmox (snapshot)' && /pct unlock 101/.test((e as unknown as { hint: string }).hint),
  );
  assert.equal(runner.ran.length, 0);
  for (const attempt of [() => core.checkpoint(['101']), () => core.checkpointStateful('101')]) {
    await assert.rejects(attempt(), /container 101 is locked by Proxmox \(snapshot\)/);
  }
  assert.equal(runner.ran.length, 0, 'checkpoints are refused before any command too');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CoreContext } from '../../src/core/context.js';
import { copyConfig, copyDataset, freeId } from '../../src/core/ops/restore-copy.js';
import { parseVmlist } from '../../src/core/nodes/restore-on.js';

// restore --on: the pure parts (new dataset name, new id, the config rewritten for the copy).

const ctx = { config: { lxc: { path: '/var/lib/lxc' }, pve: { members: '/etc/pve/.members' } } } as unknown as CoreContext;

test('the copy is named like the original with its id replaced: Proxmox volumes keep their form', () => {
  assert.equal(copyDataset('rpool/data/subvol-101-disk-0', '101', '120'), 'rpool/data/subvol-120-disk-0');
  assert.equal(copyDataset('tank/ct/web', 'web', 'web-copy'), 'tank/ct/web-copy');
  // A leaf that does not carry the id: the new id alone under the same parent.
  assert.equal(copyDataset('tank/lxc/rootfs-a', 'web', '100'), 'tank/lxc/100');
  // Only a whole id token is replaced (1010 is not 101).
  assert.equal(copyDataset('rpool/data/subvol-1010-disk-0', '101', '120'), 'rpool/data/120');
});

test('the new id is the lowest free from 100 (as Proxmox nextid), or <id>-copy[N] for a named container', () => {
  assert.equal(freeId('101', new Set(['100', '101', '102'])), '103');
  assert.equal(freeId('5', new Set()), '100');
  assert.equal(freeId('web', new Set(['web', 'web-copy'])), 'web-copy2');
});

test('a Proxmox config for the copy: rootfs renamed, snapshot sections, parent and lock dropped; mpN volumes refused', () => {
  const conf = [
    'arch: amd64',
    'hostname: db',
    'lock: snapshot',
    'memory: 512',
    'parent: before_upgrade',
    'rootfs: local-zfs:subvol-101-disk-0,size=8G',
    '',
    '[before_upgrade]',
    'arch: amd64',
    'rootfs: local-zfs:subvol-101-disk-0,size=8G',
    'snaptime: 1763890000',
    '',
  ].join('\n');
  const out = copyConfig(ctx, 'pct', conf, { id: '101', dataset: 'rpool/data/subvol-101-disk-0' }, '120', 'pve2')!;
  assert.equal(out.path, '/etc/pve/nodes/pve2/lxc/120.conf');
  assert.equal(out.text, 'arch: amd64\nhostname: db\nmemory: 512\nrootfs: local-zfs:subvol-120-disk-0,size=8G\n');
  assert.throws(
    () =>
      copyConfig(
        ctx,
        'pct',
        `${conf.split('\n[')[0]}\nmp0: local-zfs:subvol-101-disk-1,mp=/data,size=32G\n`,
        { id: '101', dataset: 'rpool/data/subvol-101-disk-0' },
        '120',
        'pve2',
      ),
    /container 101 has mount point volumes \(mpN\)/,
  );
});

test('an LXC config for the copy: the dataset rewritten, a dir: rootfs left for the clone’s own mountpoint', () => {
  const zfsRoot = copyConfig(ctx, 'lxc', 'lxc.uts.name = web\nlxc.rootfs.path = zfs:tank/ct/web\n', { id: 'web', dataset: 'tank/ct/web' }, 'web-copy', 'pve2')!;
  assert.equal(zfsRoot.path, '/var/lib/lxc/web-copy/config');
  assert.equal(zfsRoot.text, 'lxc.uts.name = web\nlxc.rootfs.path = zfs:tank/ct/web-copy\n');
  const dirRoot = copyConfig(
    ctx,
    'lxc',
    'lxc.rootfs.path = dir:/srv/containers/web\n',
    { id: 'web', dataset: 'tank/ct/web', mount: '/srv/containers/web' },
    '100',
    'pve2',
  )!;
  assert.equal(dirRoot.sourceMount, '/srv/containers/web', 'filled in with the clone’s mountpoint on the node');
  assert.equal(copyConfig(ctx, 'zfs', undefined, { id: '7', dataset: 'tank/ct/7' }, '100', 'pve2'), undefined, 'a convention container has no config');
  assert.throws(() => copyConfig(ctx, 'lxc', undefined, { id: 'web', dataset: 'tank/ct/web' }, '100', 'pve2'), /the config of web cannot be read/);
});

test('the copy gets new MAC addresses, loses unusedN, and says which static addresses it shares with the original', () => {
  const conf = [
    'hostname: db',
    'net0: name=eth0,bridge=vmbr0,hwaddr=BC:24:11:AA:BB:CC,ip=10.0.0.5/24,gw=10.0.0.1,type=veth',
    'net1: name=eth1,bridge=vmbr1,hwaddr=BC:24:11:AA:BB:CD,ip=dhcp,type=veth',
    'rootfs: local-zfs:subvol-101-disk-0,size=8G',
    'unused0: local-zfs:subvol-101-disk-1',
    '',
  ].join('\n');
  const out = copyConfig(ctx, 'pct', conf, { id: '101', dataset: 'rpool/data/subvol-101-disk-0' }, '120', 'pve2')!;
  assert.doesNotMatch(out.text, /AA:BB:C[CD]/, 'no MAC of the original');
  assert.equal([...out.text.matchAll(/hwaddr=([0-9A-F:]{17})/g)].length, 2);
  for (const [, m] of out.text.matchAll(/hwaddr=([0-9A-F:]{17})/g))
    assert.equal(parseInt(m!.slice(0, 2), 16) & 0x03, 0x02, `${m}: locally administered, unicast`);
  assert.doesNotMatch(out.text, /unused0/);
  assert.deepEqual(out.staticIps, ['10.0.0.5/24']);
  const lxc = copyConfig(
    ctx,
    'lxc',
    'lxc.net.0.hwaddr = 00:16:3e:11:22:33\nlxc.net.0.ipv4.address = 192.168.1.9/24\n',
    { id: 'web', dataset: 'tank/ct/web' },
    'web-copy',
    'pve2',
  )!;
  assert.doesNotMatch(lxc.text, /00:16:3e:11:22:33/);
  assert.deepEqual(lxc.staticIps, ['192.168.1.9/24']);
});

test('a Proxmox copy needs a numeric id from 100; .vmlist ids count as taken', () => {
  assert.throws(
    () => copyConfig(ctx, 'pct', 'rootfs: local-zfs:subvol-101-disk-0\n', { id: '101', dataset: 'rpool/data/subvol-101-disk-0' }, 'web', 'pve2'),
    /a number from 100, got 'web'/,
  );
  assert.throws(
    () => copyConfig(ctx, 'pct', 'rootfs: local-zfs:subvol-101-disk-0\n', { id: '101', dataset: 'rpool/data/subvol-101-disk-0' }, '5', 'pve2'),
    /a number from 100/,
  );
  assert.deepEqual(parseVmlist('{"version":3,"ids":{"100":{"node":"pve1","type":"lxc","version":1},"105":{"node":"pve3","type":"qemu","version":2}}}'), [
    '100',
    '105',
  ]);
  assert.deepEqual(parseVmlist('not json'), []);
  assert.deepEqual(parseVmlist(undefined), []);
});

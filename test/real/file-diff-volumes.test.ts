import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

// A Proxmox container with a mount point volume on real zfs-fuse (issue 12: mpN diffed too): its config and
// storage.cfg where the CLI's config points, rootfs and mp0 datasets in a test pool. `before` is taken on both volumes
// as `pct snapshot` does; the later checkpoint by lxcri, which snapshots the root filesystem only.

let pool: TestPool;
before(() => {
  pool = createTestPool('fdvol', '256M');
});
after(() => pool?.destroy());

async function json<T>(...args: string[]): Promise<T> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...args, '--config', pool.configFile, '--json'], { out: (s) => out.push(s), err: (s) => err.push(s) });
  assert.equal(code, 0, err.join('\n'));
  return JSON.parse(out.join('\n')) as T;
}

type Change = { path: string; change: string; size?: number };
type Volume = { mount: string; path: string; compared: boolean; reason?: string; checkpoint?: string };

test('diff of a Proxmox container compares its mount point volume where it has the checkpoint, and says so where not', async () => {
  const root = `${pool.base}/subvol-101-disk-0`;
  const vol = `${pool.base}/subvol-101-disk-1`;
  sh('zfs', ['create', root]);
  sh('zfs', ['create', vol]);
  mkdirSync(`${pool.dir}/pve`, { recursive: true });
  writeFileSync(`${pool.dir}/pve/storage.cfg`, `zfspool: local-zfs\n\tpool ${pool.base}\n\tcontent images,rootdir\n`);
  writeFileSync(
    `${pool.dir}/pve/101.conf`,
    'arch: amd64\nhostname: db\nmp0: local-zfs:subvol-101-disk-1,mp=/var/lib/postgresql,size=1G\nrootfs: local-zfs:subvol-101-disk-0,size=1G\n',
  );
  const mp = (ds: string) => sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', ds]).trim();
  mkdirSync(`${mp(root)}/etc`);
  writeFileSync(`${mp(root)}/etc/hosts`, 'old');
  writeFileSync(`${mp(vol)}/pg_hba.conf`, 'trust');
  sh('zfs', ['snapshot', `${root}@before`]);
  sh('zfs', ['snapshot', `${vol}@before`]);
  writeFileSync(`${mp(root)}/etc/hosts`, 'new hosts');
  writeFileSync(`${mp(vol)}/PG_VERSION`, '17\n');
  const later = (await json<{ checkpoints: Array<{ name: string }> }>('checkpoint', '101')).checkpoints[0]!.name;

  const toNow = await json<{ changes: Change[]; volumes: Volume[] }>('diff', '101', 'before');
  assert.deepEqual(
    toNow.changes.map((c) => [c.change, c.path, c.size]),
    [
      ['M', '/etc/hosts', 9],
      ['+', '/var/lib/postgresql/PG_VERSION', 3],
    ],
  );
  assert.deepEqual(toNow.volumes, [{ mount: 'mp0', path: '/var/lib/postgresql', dataset: vol, compared: true }]);

  const toLater = await json<{ changes: Change[]; volumes: Volume[] }>('diff', '101', 'before', later);
  assert.deepEqual(
    toLater.changes.map((c) => `${c.change} ${c.path}`),
    ['M /etc/hosts'],
  );
  assert.deepEqual(toLater.volumes, [
    { mount: 'mp0', path: '/var/lib/postgresql', dataset: vol, compared: false, reason: 'not-in-checkpoint', checkpoint: later },
  ]);
  const left = sh('zfs', ['list', '-H', '-t', 'all', '-o', 'name', '-r', pool.pool])
    .split('\n')
    .filter((n) => n.includes('lxcri-tmp-'));
  assert.deepEqual(left, [], 'no temporary clone left');
});

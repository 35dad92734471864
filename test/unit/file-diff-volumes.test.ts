import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { statSizes } from '../../src/core/tools/stat.js';
import { diffLines, volumeLines } from '../../src/present/file-diff.js';
import { expectOpenzfs, fakeCore } from '../support/fake-core.js';
import { fixture } from '../support/fixtures.js';
import { RecordBuilder } from '../support/records.js';

// A Proxmox container with a mount point volume (test/fixtures/pve/101.conf: rootfs subvol-101-disk-0, mp0
// subvol-101-disk-1 at /var/lib/postgresql, mp1 a bind mount of /mnt/shared at /shared). Checkpoint x was taken by
// `pct snapshot` (every volume has it), y by lxcri (the root filesystem only).
const ROOT = 'rpool/data/subvol-101-disk-0';
const VOL = 'rpool/data/subvol-101-disk-1';
const records = () => new RecordBuilder().fs('rpool').fs('rpool/data').fs(ROOT).snap(ROOT, 'x').snap(ROOT, 'y').fs(VOL).snap(VOL, 'x').records;

function pveCore() {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-pve-'));
  // The lock of the fixture is Proxmox's business during its own snapshot; a diff reads only, but keep it simple.
  writeFileSync(join(dir, '101.conf'), fixture('pve/101.conf').replace(/^lock: .*\n/m, ''));
  writeFileSync(join(dir, 'storage.cfg'), fixture('pve/storage.cfg'));
  const made = fakeCore('rpool/data');
  made.core.ctx.config.pve = { config_dir: dir, storage_cfg: join(dir, 'storage.cfg'), members: join(dir, '.members') };
  return made;
}

const FHT = (lines: string[]) => lines.map((l) => `1763890001.000000001\t${l}\n`).join('');

test('a mount point volume with the checkpoint is diffed too, its paths under its mount path, sized by the same stat', async () => {
  const { runner, core } = pveCore();
  expectOpenzfs(runner, records(), 'rpool');
  runner.expect(['zfs', 'diff', '-FHt', `${ROOT}@x`, ROOT], { stdout: FHT([`M\tF\t/${ROOT}/etc/hosts`]) });
  runner.expect(['zfs', 'diff', '-FHt', `${VOL}@x`, VOL], {
    stdout: FHT([`M\t/\t/${VOL}/base`, `+\tF\t/${VOL}/base/16384`, `-\tF\t/${VOL}/pg_hba.conf`]),
  });
  runner.expect(['sh', ...statSizes([`/${ROOT}/etc/hosts`, `/${VOL}/base/16384`, `/${VOL}/.zfs/snapshot/x/pg_hba.conf`]).args], {
    stdout: `10\t/${ROOT}/etc/hosts\x00` + `8192\t/${VOL}/base/16384\x00` + `300\t/${VOL}/.zfs/snapshot/x/pg_hba.conf\x00`,
  });
  const r = await core.diff('101', 'x');
  runner.assertDone();
  assert.deepEqual(
    r.changes.map((c) => [c.change, c.path, c.size]),
    [
      ['M', '/etc/hosts', 10],
      ['+', '/var/lib/postgresql/base/16384', 8192],
      ['-', '/var/lib/postgresql/pg_hba.conf', 300],
    ],
  );
  assert.deepEqual(r.volumes, [
    { mount: 'mp0', path: '/var/lib/postgresql', dataset: VOL, compared: true },
    { mount: 'mp1', path: '/shared', compared: false, reason: 'bind-mount' },
  ]);
  assert.deepEqual(
    r.summary.top.map((t) => t.dir),
    ['/var', '/etc'],
  );
  const text = diffLines(r);
  assert.deepEqual(text.slice(2, 4), [
    'mount points compared too: mp0 /var/lib/postgresql',
    'note: mp1 /shared not compared: a bind mount of a host directory, in no checkpoint',
  ]);
});

test('a checkpoint the volume has no snapshot of: the root filesystem alone, and the result says why', async () => {
  const { runner, core } = pveCore();
  expectOpenzfs(runner, records(), 'rpool');
  runner.expect(['zfs', 'diff', '-FHt', `${ROOT}@x`, `${ROOT}@y`], { stdout: FHT([`+\tF\t/${ROOT}/new`]) });
  runner.expect(['sh', ...statSizes([`/${ROOT}/.zfs/snapshot/y/new`]).args], { stdout: `3\t/${ROOT}/.zfs/snapshot/y/new\x00` });
  const r = await core.diff('101', 'x', 'y');
  runner.assertDone();
  assert.deepEqual(
    r.changes.map((c) => [c.change, c.path]),
    [['+', '/new']],
  );
  assert.deepEqual(r.volumes![0], { mount: 'mp0', path: '/var/lib/postgresql', dataset: VOL, compared: false, reason: 'not-in-checkpoint', checkpoint: 'y' });
  assert.equal(
    volumeLines(r.volumes)[0],
    `note: mp0 /var/lib/postgresql not compared: its volume ${VOL} has no snapshot y (lxcri checkpoints snapshot the root filesystem only; pct snapshot takes every volume)`,
  );
});

test('the notes of every reason a mount point is left out, and none for a container without mount points', () => {
  assert.deepEqual(volumeLines(undefined), []);
  assert.deepEqual(
    volumeLines([
      { mount: 'mp0', path: '/a', dataset: 'p/a', compared: false, reason: 'across-branches' },
      { mount: 'mp1', path: '/b', dataset: 'p/b', compared: false, reason: 'not-mounted' },
      { mount: 'mp2', path: '/c', dataset: 'q/c', compared: false, reason: 'other-pool' },
    ]),
    [
      'note: mp0 /a not compared: a volume has no branches (a branch restore moves the root filesystem only), so only the root filesystem is compared here',
      'note: mp1 /b not compared: its volume p/b is not mounted (mount it to compare its live files)',
      'note: mp2 /c not compared: its volume q/c is in another pool than the root filesystem, which is not read for a diff',
    ],
  );
});

test('files and restore-file refuse a path on a mount point (the root filesystem has only the directory it is mounted over)', async () => {
  for (const [call, what] of [
    [
      (core: ReturnType<typeof pveCore>['core']) => core.files('101', 'x', '/var/lib/postgresql/base'),
      /^path \/var\/lib\/postgresql\/base is on mount point mp0 of 101 \(\/var\/lib\/postgresql, volume rpool\/data\/subvol-101-disk-1\), not in its root filesystem/,
    ],
    [
      (core: ReturnType<typeof pveCore>['core']) => core.planRestoreFile('101', 'x', '/var/lib/postgresql/pg_hba.conf'),
      /^path \/var\/lib\/postgresql\/pg_hba\.conf is on mount point mp0/,
    ],
    [
      (core: ReturnType<typeof pveCore>['core']) => core.planRestoreFile('101', 'x', '/etc/hosts', { to: '/shared/hosts' }),
      /^--to \/shared\/hosts is on mount point mp1 of 101 \(\/shared, host directory \/mnt\/shared\)/,
    ],
  ] as const) {
    const { runner, core } = pveCore();
    expectOpenzfs(runner, records(), 'rpool');
    await assert.rejects(call(core), (e: Error) => what.test(e.message));
    runner.assertDone();
    assert.equal(runner.ran.length, 2, 'nothing but the listing ran');
  }
});

test("a text diff of a file on a mount point is refused before anything is read (the root filesystem's directory under the volume is not it)", async () => {
  const { runner, core } = pveCore();
  expectOpenzfs(runner, records(), 'rpool');
  await assert.rejects(core.diffFile('101', 'x', undefined, '/var/lib/postgresql/pg_hba.conf'), {
    code: 'on-mount-point',
    message: /--file \/var\/lib\/postgresql\/pg_hba.conf is on mount point mp0 of 101 .* which is all a text diff reads/,
  });
  runner.assertDone();
});

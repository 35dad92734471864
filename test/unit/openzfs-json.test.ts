import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LxcriError } from '../../src/core/errors.js';
import { FakeRunner } from '../../src/core/runner/fake-runner.js';
import { capabilitiesFromProbe, LEGACY_CAPABILITIES, OPENZFS_CAPABILITIES, openzfsRelease } from '../../src/core/tools/zfs/capabilities.js';
import { parseZfsListJson } from '../../src/core/tools/zfs/json.js';
import { parseZfsList } from '../../src/core/tools/zfs/parse.js';
import { listingProperties } from '../../src/core/tools/zfs/properties.js';
import { Zfs } from '../../src/core/tools/zfs/zfs.js';
import { parseZpoolStatus } from '../../src/core/tools/zpool/parse.js';
import { niceBytes, scanLine } from '../../src/core/tools/zpool/scan-line.js';
import { parseZpoolStatusJson } from '../../src/core/tools/zpool/status-json.js';
import { Zpool } from '../../src/core/tools/zpool/zpool.js';
import { fixture } from '../support/fixtures.js';

const PROPS = listingProperties({ written: true });
const LIST_JSON = fixture('zfs/list-branch-restore-openzfs-2.3.json');
const LIST_TEXT = fixture('zfs/openzfs-list-branch-restore.txt');

/** The same JSON with its datasets in another order (the parser must not rely on the order it reads). */
function reordered(json: string): string {
  const doc = JSON.parse(json) as { datasets: Record<string, unknown> };
  doc.datasets = Object.fromEntries(Object.entries(doc.datasets).reverse());
  return JSON.stringify(doc);
}

const unreadable = (error: unknown) => error instanceof LxcriError && error.code === 'unreadable-output';

test('capabilitiesFromProbe: JSON from OpenZFS 2.3 on, -Hp for older OpenZFS, legacy for zfs-fuse', () => {
  assert.deepEqual(openzfsRelease('zfs-2.3.1-pve1'), { major: 2, minor: 3 });
  assert.equal(openzfsRelease('pool v23'), undefined);
  for (const v of ['zfs-2.3.0', 'zfs-2.3.1-pve1', 'zfs-2.4.0-pve1', 'zfs-2.10.2', 'zfs-3.0.0']) {
    assert.deepEqual(capabilitiesFromProbe({ zfsVersion: `${v}\nzfs-kmod-${v.slice(4)}\n` }), { ...OPENZFS_CAPABILITIES, version: v, json: true }, v);
  }
  // The userland prints the JSON: its version decides, not the kernel module's.
  assert.equal(capabilitiesFromProbe({ zfsVersion: 'zfs-2.3.1-pve1\nzfs-kmod-2.2.6-pve1\n' }).json, true);
  const older = capabilitiesFromProbe({ zfsVersion: fixture('zfs/openzfs-version.txt') });
  assert.deepEqual(older, { ...OPENZFS_CAPABILITIES, version: 'zfs-2.2.6-pve1', json: false });
  assert.equal(older.parsableList, true);
  const fuse = fixture('zfs/zfs-fuse-version.stderr.txt');
  assert.deepEqual(capabilitiesFromProbe({}), { ...LEGACY_CAPABILITIES, version: 'legacy' });
  assert.deepEqual(capabilitiesFromProbe({ zfsVersion: fuse }), { ...LEGACY_CAPABILITIES, version: 'legacy' });
  assert.deepEqual(capabilitiesFromProbe({ poolVersion: fixture('zpool/zfs-fuse-upgrade-v.txt') }), { ...LEGACY_CAPABILITIES, version: 'pool v23' });
  assert.equal(capabilitiesFromProbe({}).json, false);
});

test('zfs list -j gives the records of the -Hp form, in its order, whatever order the JSON object has', () => {
  const fromText = parseZfsList(LIST_TEXT, PROPS);
  assert.equal(fromText.length, 12);
  assert.deepEqual(parseZfsListJson(LIST_JSON, PROPS), fromText);
  // zfs prints the object on one line; the fixture is laid out as `| jq` shows it.
  assert.deepEqual(parseZfsListJson(JSON.stringify(JSON.parse(LIST_JSON)), PROPS), fromText);
  assert.deepEqual(parseZfsListJson(reordered(LIST_JSON), PROPS), fromText);
  const branch = parseZfsListJson(LIST_JSON, PROPS).find((r) => r.name === 'ztest/containers/lxcri-br-web-1795427507@pre-restore-1795427507')!;
  assert.equal(branch.guid, '15472536335879381013', 'guids keep all 20 digits');
  assert.deepEqual(branch.user, {
    label: 'before restoring checkpoint-1795427501',
    kind: 'safety',
    'created-by': 'root',
    host: 'vm',
    branch: 'web@1795427507',
  });
});

test('zfs list -j: snapshots of a dataset by createtxg, a dataset before its snapshots, bookmarks left out', () => {
  const doc = JSON.parse(LIST_JSON) as { datasets: Record<string, { createtxg: string; properties: Record<string, { value: string }> }> };
  // Two snapshots created in the same second: createtxg orders them, as zfs list does.
  const a = doc.datasets['ztest/containers/web@checkpoint-1795427501']!;
  const b = doc.datasets['ztest/containers/web@checkpoint-1795427509']!;
  b.properties.creation!.value = a.properties.creation!.value;
  const bookmark = { name: 'ztest/containers/web#keep', type: 'BOOKMARK', pool: 'ztest', createtxg: '14', properties: {} };
  const text = reordered(JSON.stringify({ ...doc, datasets: { ...doc.datasets, 'ztest/containers/web#keep': bookmark } }));
  const names = parseZfsListJson(text, PROPS).map((r) => r.name);
  assert.deepEqual(
    names.filter((n) => n.startsWith('ztest/containers/web')),
    ['ztest/containers/web', 'ztest/containers/web@checkpoint-1795427501', 'ztest/containers/web@checkpoint-1795427509'],
  );
  assert.equal(names.indexOf('ztest/containers/db') + 1, names.indexOf('ztest/containers/db@checkpoint-1795427503'));
});

test('zfs list -j --json-int would print guids as bare 64-bit integers: they cannot be read exactly, so that throws', () => {
  // --json-int turns every all-digit value into a JSON integer (zprop_nvlist_one_property in libzfs_util.c).
  const asInt = LIST_JSON.replace(/"value": "(\d+)"/g, '"value": $1').replace(/"createtxg": "(\d+)"/g, '"createtxg": $1');
  assert.throws(
    () => parseZfsListJson(asInt, PROPS),
    (e) => unreadable(e) && /guid of ztest is the number/.test((e as Error).message),
  );
  // Integers that JSON holds exactly read as their text.
  const safe = asInt.replace(/"value": (\d{16,})/g, '"value": "$1"');
  assert.deepEqual(parseZfsListJson(safe, PROPS), parseZfsList(LIST_TEXT, PROPS));
});

test('zfs list -j: output that is not JSON, of another command or another major output version is refused', () => {
  assert.throws(() => parseZfsListJson('NAME USED\n', PROPS), unreadable);
  assert.throws(() => parseZfsListJson(LIST_JSON.replace('"zfs list"', '"zfs get"'), PROPS), unreadable);
  assert.throws(() => parseZfsListJson(LIST_JSON.replace('"vers_major": 0', '"vers_major": 1'), PROPS), unreadable);
  assert.deepEqual(parseZfsListJson(LIST_JSON.replace('"vers_minor": 1', '"vers_minor": 2'), PROPS), parseZfsList(LIST_TEXT, PROPS));
});

test('listAll runs zfs list -j on OpenZFS 2.3, zfs list -Hp on 2.2, zfs get on zfs-fuse: the same records', async () => {
  const props = (written: boolean) => listingProperties({ written }).join(',');
  const json = new FakeRunner()
    .expect(['zfs', 'version'], { stdout: 'zfs-2.3.1-pve1\nzfs-kmod-2.3.1-pve1\n' })
    .expect(['zfs', 'list', '-j', '-p', '-r', '-t', 'filesystem,snapshot,volume', '-o', props(true), 'ztest'], { stdout: LIST_JSON });
  const hp = new FakeRunner()
    .expect(['zfs', 'version'], { stdout: fixture('zfs/openzfs-version.txt') })
    .expect(['zfs', 'list', '-Hp', '-r', '-t', 'all', '-o', `name,${props(true)}`, 'ztest'], { stdout: LIST_TEXT });
  const fuse = new FakeRunner()
    .expect(['zfs', 'version'], { exitCode: 2, stderr: fixture('zfs/zfs-fuse-version.stderr.txt') })
    .expect(['zfs', 'get', '-Hp', '-r', '-o', 'name,property,value', props(false), 'ztest'], { stdout: fixture('zfs/zfs-fuse-get-branch-restore.txt') });
  const [fromJson, fromHp, fromFuse] = await Promise.all([json, hp, fuse].map((runner) => new Zfs(runner).listAll('ztest')));
  for (const runner of [json, hp, fuse]) runner.assertDone();
  assert.deepEqual(fromJson, fromHp);
  assert.deepEqual(
    fromJson!.map(({ written: _, ...rest }) => rest),
    fromFuse,
  );
});

test('zpool status -j --json-int --json-flat-vdevs gives what the text form gives', () => {
  for (const [json, text] of [
    ['zpool/status-degraded-openzfs-2.3.json', 'zpool/openzfs-status-degraded.txt'],
    ['zpool/status-classes-openzfs-2.3.json', 'zpool/openzfs-status-classes.txt'],
  ] as const) {
    assert.deepEqual(parseZpoolStatusJson(fixture(json), 'UTC'), parseZpoolStatus(fixture(text)), json);
  }
  const [rpool] = parseZpoolStatusJson(fixture('zpool/status-classes-openzfs-2.3.json'), 'UTC');
  assert.deepEqual(
    rpool!.devices.map((d) => [d.name, d.state, d.cksum, d.depth]),
    [
      ['rpool', 'ONLINE', '0', 0],
      ['mirror-0', 'ONLINE', '0', 1],
      ['nvme0n1p3', 'ONLINE', '6', 2],
      ['nvme1n1p3', 'ONLINE', '6', 2],
      ['sdc', 'ONLINE', '0', 1],
      ['sdd', 'ONLINE', '0', 1],
      ['sde', 'AVAIL', '-', 1],
    ],
  );
  assert.equal(rpool!.errors, "3 data errors, use '-v' for a list");
});

test('zpool status JSON: the early form of zpool-status(8) (HEALTHY, status OK) and pools by name', () => {
  const pool = (name: string) => ({
    name,
    state: 'ONLINE',
    status: 'OK',
    vdevs: { [name]: { name, vdev_type: 'root', state: 'HEALTHY', read_errors: '0', write_errors: '0', checksum_errors: '0' } },
    error_count: '0',
  });
  const out = JSON.stringify({
    output_version: { command: 'zpool status', vers_major: 0, vers_minor: 1 },
    pools: { tank: pool('tank'), rpool: pool('rpool') },
  });
  const statuses = parseZpoolStatusJson(out);
  assert.deepEqual(
    statuses.map((s) => s.pool),
    ['rpool', 'tank'],
  );
  assert.deepEqual(statuses[0], {
    pool: 'rpool',
    state: 'ONLINE',
    errors: 'No known data errors',
    devices: [{ name: 'rpool', state: 'ONLINE', read: '0', write: '0', cksum: '0', depth: 0 }],
  });
});

test('scan lines from scan_stats: none, finished, canceled, in progress; sizes as zpool prints them', () => {
  const at = 1762648605;
  const stats = (over: Record<string, unknown>) => ({
    function: 'SCRUB',
    state: 'FINISHED',
    start_time: at - 90061,
    end_time: at,
    processed: 0,
    errors: 0,
    ...over,
  });
  assert.equal(scanLine(undefined), undefined);
  assert.equal(scanLine({ function: 'NONE', state: 'NONE' }), undefined);
  assert.equal(scanLine(stats({ processed: 5120 }), 'UTC'), 'scrub repaired 5K in 1 days 01:01:01 with 0 errors on Sun Nov  9 00:36:45 2025');
  assert.equal(scanLine(stats({ state: 'CANCELED' }), 'UTC'), 'scrub canceled on Sun Nov  9 00:36:45 2025');
  assert.equal(
    scanLine(stats({ state: 'SCANNING', start_time: at, to_examine: 4096 * 1024, skipped: 0, examined: 2048 * 1024, issued: 1024 * 1024 }), 'UTC'),
    'scrub in progress since Sun Nov  9 00:36:45 2025 2M / 4M scanned, 1M / 4M issued 0B repaired, 25.00% done',
  );
  assert.deepEqual([0, 512, 1536, 10239, 1610612736, 2 ** 40].map(niceBytes), ['0B', '512B', '1.50K', '10.0K', '1.50G', '1T']);
});

test('Zpool.status runs the JSON form when the capabilities say json, the text form otherwise', async () => {
  const runner = new FakeRunner()
    .expect(['zpool', 'status', '-j', '--json-int', '--json-flat-vdevs'], { stdout: fixture('zpool/status-degraded-openzfs-2.3.json') })
    .expect(['zpool', 'status'], { stdout: fixture('zpool/openzfs-status-degraded.txt') });
  const zpool = new Zpool(runner);
  const [fromJson] = await zpool.status(capabilitiesFromProbe({ zfsVersion: 'zfs-2.4.0-pve1\n' }));
  const [fromText] = await zpool.status(capabilitiesFromProbe({ zfsVersion: 'zfs-2.2.6-pve1\n' }));
  runner.assertDone();
  assert.deepEqual({ ...fromJson, scan: undefined }, { ...fromText, scan: undefined });
});

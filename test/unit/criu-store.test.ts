import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_CONFIG, type Config } from '../../src/core/config.js';
import { createContext, type CoreContext } from '../../src/core/context.js';
import { artifactUri, resolveArtifactUri } from '../../src/core/criu/artifact-uri.js';
import { collectGarbage } from '../../src/core/criu/gc.js';
import { validateImageDir } from '../../src/core/criu/restore-from-dir.js';
import { ImageStore, sha256File } from '../../src/core/criu/store.js';
import { LxcriError, UsageError } from '../../src/core/errors.js';
import { Inventory } from '../../src/core/model/inventory.js';
import { buildTree } from '../../src/core/model/tree.js';
import type { LoadedContainer } from '../../src/core/ops/container.js';
import { planPrune } from '../../src/core/ops/prune.js';
import { ExecaRunner } from '../../src/core/runner/execa-runner.js';
import { LEGACY_CAPABILITIES } from '../../src/core/tools/zfs/capabilities.js';
import { RecordBuilder } from '../support/records.js';

const HOUR = 3_600_000;
const NOW = 1_763_900_000_000;
const temps: string[] = [];
after(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lxcri-criu-store-'));
  temps.push(d);
  return d;
}

function setup(now = NOW): { root: string; ctx: CoreContext; store: ImageStore } {
  const root = `${tempDir()}/store`;
  const config: Config = structuredClone(DEFAULT_CONFIG);
  config.criu.store = root;
  const runner = new ExecaRunner();
  const ctx = createContext(config, runner, { now: () => now });
  return { root, ctx, store: new ImageStore(root, runner, () => now) };
}

/** A real published image (tar + zstd) of `container`, created at `created` ms, its snapshot's guid `guid`. */
async function image(root: string, container: string, id: string, guid: string | null, created = NOW): Promise<string> {
  const store = new ImageStore(root, new ExecaRunner(), () => created);
  const scratch = await store.scratch(container, id);
  writeFileSync(`${scratch}/images/inventory.img`, `memory of ${container} ${id}`);
  await store.publish(scratch, {
    container,
    checkpoint_id: id,
    zfs_snapshot: guid ? `tank/ct/${container}@${id}` : null,
    zfs_guid: guid,
    criu_version: '3.17.1',
    tool: 'lxc-checkpoint',
  });
  return store.dir(container, id);
}

function marker(dir: string, m: object | string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/.inprogress`, typeof m === 'string' ? m : JSON.stringify(m));
}

const deadPid = (): number => spawnSync('true').pid!;
const oneLine = (e: unknown) => e instanceof LxcriError && !e.message.includes('\n') && !e.hint.includes('\n');

test('artifact URIs: a valid one resolves to the file in the store', () => {
  assert.equal(artifactUri('101', 'checkpoint-1732412345', 'dump.tar.zst'), 'shared://101/checkpoint-1732412345/dump.tar.zst');
  assert.equal(
    resolveArtifactUri('/var/lib/lxcri/checkpoints', 'shared://101/checkpoint-1732412345/dump.tar.zst'),
    '/var/lib/lxcri/checkpoints/101/checkpoint-1732412345/dump.tar.zst',
  );
  assert.equal(resolveArtifactUri('/srv/store/', 'shared://web.prod/checkpoint-1_2/manifest.json'), '/srv/store/web.prod/checkpoint-1_2/manifest.json');
});

test('artifact URIs: hostile ones are refused with a one-line error naming the problem', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /it is empty/],
    ['file:///etc/passwd', /does not start with shared:\/\//],
    ['SHARED://101/checkpoint-1/dump.tar.zst', /does not start with shared:\/\//],
    ['shared:///etc/passwd', /absolute path/],
    ['shared:////etc/shadow', /absolute path/],
    ['shared://101/../../etc/passwd', /5 path part\(s\), expected 3/],
    ['shared://../checkpoint-1/dump.tar.zst', /container id is '\.\.'/],
    ['shared://101/../dump.tar.zst', /checkpoint id is '\.\.'/],
    ['shared://101/checkpoint-1/..', /file name is '\.\.'/],
    ['shared://101/./dump.tar.zst', /checkpoint id is '\.'/],
    ['shared://101/%2e%2e/dump.tar.zst', /'%' \(percent-encoding is not accepted\)/],
    ['shared://101%2f..%2f../checkpoint-1/dump.tar.zst', /'%'/],
    ['shared://101/checkpoint-1/dump.tar.zst%00', /'%'/],
    ['shared://101/checkpoint-1/dump\0.tar.zst', /U\+0000/],
    ['shared://101/checkpoint-1/..\\..\\etc\\passwd', /character '\\'/],
    ['shared://101/checkpoint-1/dump.tar.zst\n/etc/passwd', /U\+000A/],
    ['shared://101/checkpoint-1/dump.tar.zst?x=../../y', /character '\?'/],
    ['shared://101/checkpoint-1/dump.tar.zst#frag', /character '#'/],
    ['shared://101//dump.tar.zst', /checkpoint id is empty/],
    ['shared://101/checkpoint-1/dump.tar.zst/', /4 path part\(s\)/],
    ['shared://101/checkpoint-1', /2 path part\(s\)/],
    ['shared://101/.tmp-checkpoint-1-999/dump.tar.zst', /starts with '\.'/],
    ['shared://101/checkpoint-1/.inprogress', /'\.inprogress' is not a valid file name/],
    ['shared://lxcri-br-101/checkpoint-1/dump.tar.zst', /'lxcri-br-101' is not a valid container id/],
    ['shared://-rf/checkpoint-1/dump.tar.zst', /'-rf' is not a valid container id/],
    ['shared://web one/checkpoint-1/dump.tar.zst', /U\+0020/],
    ['shared://101/\uff0e\uff0e/dump.tar.zst', /U\+FF0E/],
    ['shared://101/checkpoint@1/dump.tar.zst', /'checkpoint@1' is not a valid checkpoint id/],
    [`shared://101/checkpoint-1/${'a'.repeat(1100)}`, /longer than 1024 characters/],
  ];
  for (const [uri, why] of cases) {
    assert.throws(
      () => resolveArtifactUri('/store', uri),
      (e: unknown) => {
        assert.ok(e instanceof UsageError, `${JSON.stringify(uri)}: ${String(e)}`);
        assert.ok(oneLine(e), `one line for ${JSON.stringify(uri)}: ${e.message}`);
        assert.match(e.message, /^invalid artifact URI /);
        assert.match(e.message, why, JSON.stringify(uri));
        assert.match(e.hint, /shared:\/\/<container>\/<checkpoint id>\/<file>/);
        return true;
      },
    );
  }
  assert.throws(() => resolveArtifactUri('store', 'shared://101/checkpoint-1/dump.tar.zst'), /image store "store" is not an absolute path/);
});

test('the store: .inprogress is written first with pid, host and start; the published image has none', async () => {
  const { root, store } = setup();
  const scratch = await store.scratch('101', 'checkpoint-1732412345');
  assert.equal(scratch, `${root}/101/.tmp-checkpoint-1732412345-${process.pid}`);
  assert.deepEqual(readdirSync(scratch).sort(), ['.inprogress', 'images']);
  assert.ok(statSync(`${scratch}/.inprogress`).mtimeMs <= statSync(`${scratch}/images`).mtimeMs, 'the marker is there before the images directory');
  const m = JSON.parse(readFileSync(`${scratch}/.inprogress`, 'utf8'));
  assert.deepEqual([m.pid, m.host, m.started], [process.pid, hostname(), new Date(NOW).toISOString()]);
  writeFileSync(`${scratch}/images/pages-1.img`, 'x'.repeat(5000));
  const manifest = await store.publish(scratch, {
    container: '101',
    checkpoint_id: 'checkpoint-1732412345',
    zfs_snapshot: 'tank/ct/101@checkpoint-1732412345',
    zfs_guid: '42',
    criu_version: '3.17.1',
    tool: 'lxc-checkpoint',
  });

  const dir = `${root}/101/checkpoint-1732412345`;
  assert.deepEqual(readdirSync(`${root}/101`), ['checkpoint-1732412345'], 'no scratch directory left');
  assert.deepEqual(readdirSync(dir).sort(), ['.checkpoint-complete', 'dump.tar.zst', 'manifest.json'], 'no .inprogress in a published image');
  const onDisk = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8'));
  assert.deepEqual(onDisk, manifest);
  const sha = await sha256File(`${dir}/dump.tar.zst`);
  assert.deepEqual(onDisk.artifacts, [
    { name: 'dump.tar.zst', uri: 'shared://101/checkpoint-1732412345/dump.tar.zst', sha256: sha, size: statSync(`${dir}/dump.tar.zst`).size },
  ]);
  assert.equal(resolveArtifactUri(root, onDisk.artifacts![0]!.uri), `${dir}/dump.tar.zst`);
  assert.equal(onDisk.created, new Date(NOW).toISOString());
});

test('every reader skips or refuses a directory marked in progress', async () => {
  const { root, ctx, store } = setup();
  const done = await image(root, 'web', 'checkpoint-1', 'g-checkpoint-1');
  const busy = await image(root, 'web', 'checkpoint-2', 'g-checkpoint-2');
  marker(busy, { pid: 4242, host: 'node-b', started: new Date(NOW).toISOString() });

  assert.equal(await store.manifest(busy), undefined);
  assert.ok(await store.manifest(done));
  assert.equal(await store.complete(busy), false);
  assert.deepEqual(
    (await store.entries()).map((e) => e.name),
    ['checkpoint-1'],
  );
  assert.deepEqual(
    (await store.scan()).map((e) => [e.name, e.state]),
    [
      ['checkpoint-1', 'complete'],
      ['checkpoint-2', 'in-progress'],
    ],
  );
  await assert.rejects(
    store.verifyAndExtract(busy),
    (e: unknown) =>
      oneLine(e) &&
      (e as LxcriError).code === 'image-in-progress' &&
      (e as LxcriError).message === `CRIU image ${busy} is still being written (pid 4242 on node-b since ${new Date(NOW).toISOString()})`,
  );
  assert.ok(!existsSync(`${busy}/restore-${process.pid}`), 'nothing unpacked');

  // prune counts the bytes of the images it removes: none for one still being written.
  const records = new RecordBuilder()
    .fs('t/c/web')
    .snap('t/c/web', 'checkpoint-1', { user: { image: done }, creation: NOW / 1000 - 100 * 86_400 })
    .snap('t/c/web', 'checkpoint-2', { user: { image: busy }, creation: NOW / 1000 - 99 * 86_400 })
    .snap('t/c/web', 'checkpoint-3').records;
  const inventory = new Inventory(records);
  const c: LoadedContainer = {
    id: 'web',
    dataset: 't/c/web',
    container: { id: 'web', name: 'web', status: 'stopped', sources: ['zfs'], dataset: 't/c/web', mounts: [] },
    caps: { ...LEGACY_CAPABILITIES, version: 'pool v23' },
    inventory,
    tree: buildTree('web', 't/c/web', inventory),
  };
  const plan = await planPrune(ctx, c, { maxSnapshots: 1, retentionDays: 0, minKeep: 1, include: [] });
  const items = new Map(plan.items.map((i) => [i.name, i]));
  assert.equal(items.get('checkpoint-1')!.imageBytes, statSync(`${done}/dump.tar.zst`).size);
  assert.equal(items.get('checkpoint-2')!.imageBytes, 0);
});

test('gc: retention for images whose snapshot is gone, writers dead or alive, unreadable markers; checked on disk', async () => {
  const { root, ctx } = setup();
  const started = (hoursAgo: number) => new Date(NOW - hoursAgo * HOUR).toISOString();
  await image(root, '101', 'checkpoint-live', 'g-live', NOW - 100 * HOUR);
  await image(root, '101', 'checkpoint-gone-old', 'g-old', NOW - 25 * HOUR);
  await image(root, '101', 'checkpoint-gone-young', 'g-young', NOW - 3 * HOUR);
  await image(root, '101', 'checkpoint-criu-only', null, NOW - 100 * HOUR);
  mkdirSync(`${root}/101/.tmp-checkpoint-9-99999/images`, { recursive: true });
  marker(`${root}/101/.tmp-checkpoint-dead-1`, { pid: deadPid(), host: hostname(), started: started(0) });
  marker(`${root}/101/.tmp-checkpoint-alive-1`, { pid: process.pid, host: hostname(), started: started(1) });
  marker(`${root}/101/.tmp-checkpoint-remote-1`, { pid: 1, host: 'node-b', started: started(2) });
  marker(`${root}/101/.tmp-checkpoint-remote-2`, { pid: 1, host: 'node-b', started: started(30) });
  marker(`${root}/101/checkpoint-garbled`, '{"pid": 12');
  utimesSync(`${root}/101/checkpoint-garbled`, (NOW - HOUR) / 1000, (NOW - HOUR) / 1000);
  await image(root, '202', 'checkpoint-gone-old', 'g-202', NOW - 50 * HOUR);
  mkdirSync(`${root}/lost+found/x`, { recursive: true });
  mkdirSync(`${root}/101/.snapshot/hourly`, { recursive: true });
  writeFileSync(`${root}/101/last-failed-dump.log`, 'Error');

  const r = await collectGarbage(ctx, new Set(['g-live']), new Set(['202']), {});
  assert.equal(r.retentionHours, 24);
  const names = (items: typeof r.removed) => items.map((i) => i.dir.slice(root.length + 1)).sort();
  assert.deepEqual(names(r.removed), ['101/.tmp-checkpoint-9-99999', '101/.tmp-checkpoint-dead-1', '101/.tmp-checkpoint-remote-2', '101/checkpoint-gone-old']);
  assert.deepEqual(names(r.kept), [
    '101/.tmp-checkpoint-alive-1',
    '101/.tmp-checkpoint-remote-1',
    '101/checkpoint-garbled',
    '101/checkpoint-gone-young',
    '202',
  ]);
  assert.deepEqual(readdirSync(`${root}/101`).sort(), [
    '.snapshot',
    '.tmp-checkpoint-alive-1',
    '.tmp-checkpoint-remote-1',
    'checkpoint-criu-only',
    'checkpoint-garbled',
    'checkpoint-gone-young',
    'checkpoint-live',
    'last-failed-dump.log',
  ]);
  assert.ok(existsSync(`${root}/202/checkpoint-gone-old`) && existsSync(`${root}/lost+found/x`));

  const why = (items: typeof r.removed, name: string) => items.find((i) => i.dir.endsWith(`/${name}`))!;
  assert.equal(why(r.kept, 'checkpoint-gone-young').why, 'its snapshot tank/ct/101@checkpoint-gone-young is gone; image 3 h old, removed after 24 h');
  assert.deepEqual(
    why(r.kept, 'checkpoint-gone-young').artifacts!.map((a) => a.uri),
    ['shared://101/checkpoint-gone-young/dump.tar.zst'],
  );
  assert.equal(why(r.removed, 'checkpoint-gone-old').why, 'its snapshot tank/ct/101@checkpoint-gone-old is gone; image 25 h old, beyond the 24 h retention');
  assert.deepEqual(
    why(r.removed, 'checkpoint-gone-old').artifacts!.map((a) => a.uri),
    ['shared://101/checkpoint-gone-old/dump.tar.zst'],
  );
  assert.ok(why(r.removed, 'checkpoint-gone-old').bytes > 0);
  assert.match(why(r.removed, '.tmp-checkpoint-dead-1').why, /^in progress, but its writer is gone \(pid \d+ on /);
  assert.match(why(r.removed, '.tmp-checkpoint-remote-2').why, /^in progress for 30 h \(pid 1 on node-b since .*\), beyond the 24 h retention$/);
  assert.match(why(r.kept, '.tmp-checkpoint-alive-1').why, /^being written \(pid \d+ on .*, writer alive\); removed after 24 h unless it finishes$/);
  assert.match(why(r.kept, '.tmp-checkpoint-remote-1').why, /writer unknown/);
  assert.match(why(r.kept, 'checkpoint-garbled').why, /an unreadable \.inprogress marker, writer unknown/);
  assert.equal(why(r.kept, '202').why, 'an operation on 202 is running; not examined');
  assert.equal(why(r.removed, '.tmp-checkpoint-9-99999').why, 'incomplete (the dump never finished)');

  // --retention-hours 0: every image whose snapshot is gone and every directory marked in progress (a local writer
  // holds its container's lock, which keeps gc out).
  const zero = await collectGarbage(ctx, new Set(['g-live']), new Set(), { retentionHours: 0 });
  assert.deepEqual(names(zero.removed), [
    '101/.tmp-checkpoint-alive-1',
    '101/.tmp-checkpoint-remote-1',
    '101/checkpoint-garbled',
    '101/checkpoint-gone-young',
    '202/checkpoint-gone-old',
  ]);
  assert.deepEqual(readdirSync(`${root}/101`).sort(), ['.snapshot', 'checkpoint-criu-only', 'checkpoint-live', 'last-failed-dump.log']);
});

test('gc: a retention that is not an integer >= 0 is a one-line usage error', async () => {
  const { ctx } = setup();
  for (const bad of [-1, 1.5, Number.NaN, Infinity]) {
    await assert.rejects(
      collectGarbage(ctx, new Set(), new Set(), { retentionHours: bad }),
      (e: unknown) => e instanceof UsageError && oneLine(e) && /^--retention-hours must be an integer >= 0, got '/.test(e.message),
    );
  }
});

test('restore from an image directory: each defect refused in one line before anything runs', async () => {
  const { root, ctx } = setup();
  const src = await image(root, 'web', 'checkpoint-1', 'g1');
  const outside = tempDir();
  const copy = (name: string) => {
    const d = `${outside}/${name}`;
    cpSync(src, d, { recursive: true });
    return d;
  };
  const good = copy('good');
  const m = await validateImageDir(ctx, good, 'web');
  assert.equal(m.checkpoint_id, 'checkpoint-1');
  assert.equal((await validateImageDir(ctx, `${outside}/x/../good/`)).container, 'web', 'a normalised absolute path is fine');

  const noManifest = copy('no-manifest');
  rmSync(`${noManifest}/manifest.json`);
  const badJson = copy('bad-json');
  writeFileSync(`${badJson}/manifest.json`, '{"container": "web"');
  const partial = copy('partial');
  const pm = JSON.parse(readFileSync(`${partial}/manifest.json`, 'utf8'));
  delete pm.sha256;
  writeFileSync(`${partial}/manifest.json`, JSON.stringify(pm));
  const unfinished = copy('unfinished');
  rmSync(`${unfinished}/.checkpoint-complete`);
  const corrupt = copy('corrupt');
  writeFileSync(`${corrupt}/dump.tar.zst`, 'garbage');
  const noArchive = copy('no-archive');
  rmSync(`${noArchive}/dump.tar.zst`);
  const writing = copy('writing');
  marker(writing, { pid: 77, host: 'node-c', started: '2025-11-23T10:00:00.000Z' });

  const cases: Array<[string, string, RegExp]> = [
    ['relative/dir', 'usage', /^--image-path must be an absolute path, got "relative\/dir"$/],
    ['', 'usage', /^--image-path is empty$/],
    [`${outside}/nope`, 'image-missing', /^CRIU image .*\/nope does not exist$/],
    [noManifest, 'image-incomplete', /is incomplete: it has no manifest\.json$/],
    [badJson, 'image-incomplete', /is incomplete: its manifest\.json is not valid JSON$/],
    [partial, 'image-incomplete', /is incomplete: its manifest\.json is incomplete: 'sha256' is not a sha256$/],
    [unfinished, 'image-incomplete', /is incomplete: it has no \.checkpoint-complete \(the dump never finished\)$/],
    [noArchive, 'image-incomplete', /is incomplete: it has no dump\.tar\.zst$/],
    [corrupt, 'image-corrupt', /is corrupt: sha256 [0-9a-f]{12}… does not match [0-9a-f]{12}…$/],
    [writing, 'image-in-progress', /is still being written \(pid 77 on node-c since 2025-11-23T10:00:00\.000Z\)$/],
    [good, 'refused', /^CRIU image .*\/good is of container web, not db$/],
  ];
  for (const [dir, code, why] of cases) {
    await assert.rejects(validateImageDir(ctx, dir, dir === good ? 'db' : 'web'), (e: unknown) => {
      assert.ok(e instanceof LxcriError, String(e));
      assert.ok(oneLine(e), e.message);
      assert.equal(e.code, code, `${dir}: ${e.message}`);
      assert.match(e.message, why);
      return true;
    });
  }
  assert.deepEqual(readdirSync(good).sort(), ['.checkpoint-complete', 'dump.tar.zst', 'manifest.json'], 'validation writes nothing');
});

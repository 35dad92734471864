import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { after, before, test } from 'node:test';
import { ImageStore } from '../../src/core/criu/store.js';
import { ExecaRunner } from '../../src/core/runner/execa-runner.js';
import { runCli } from '../support/cli-process.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

const HOUR = 3_600_000;
let pool: TestPool;
let store: string;
let config: string;

before(() => {
  pool = createTestPool('criugc');
  store = `${pool.dir}/images`;
  config = `${pool.dir}/gc-config.json`;
  writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(pool.configFile, 'utf8')), criu: { store } }));
});
after(() => pool?.destroy());

/** A real image in the store for a real snapshot (its guid in the manifest, as `checkpoint --stateful` writes it). */
async function imageFor(id: string, snap: string, ageHours = 0): Promise<string> {
  const full = `${pool.base}/${id}@${snap}`;
  sh('zfs', ['snapshot', full]);
  const guid = sh('zfs', ['get', '-Hp', '-o', 'value', 'guid', full]).trim();
  const s = new ImageStore(store, new ExecaRunner(), () => Date.now() - ageHours * HOUR);
  const scratch = await s.scratch(id, snap);
  writeFileSync(`${scratch}/images/pages-1.img`, `${snap} `.repeat(1000));
  await s.publish(scratch, { container: id, checkpoint_id: snap, zfs_snapshot: full, zfs_guid: guid, criu_version: '3.17.1', tool: 'lxc-checkpoint' });
  return s.dir(id, snap);
}

const gc = (...args: string[]) => {
  const r = runCli(['gc', '--json', '--config', config, ...args]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as {
    retentionHours: number;
    removed: Array<{ dir: string; why: string; artifacts?: Array<{ uri: string }> }>;
    kept: Array<{ dir: string; why: string }>;
  };
};
const short = (dir: string) => dir.slice(store.length + 1);

test('gc keeps images whose snapshot is gone for the retention window, then removes them; live ones and live writers stay', async () => {
  pool.container('101');
  const live = await imageFor('101', 'checkpoint-1', 40);
  const old = await imageFor('101', 'checkpoint-2', 30);
  const young = await imageFor('101', 'checkpoint-3', 2);
  sh('zfs', ['destroy', `${pool.base}/101@checkpoint-2`]);
  sh('zfs', ['destroy', `${pool.base}/101@checkpoint-3`]);
  // A writer of this host that died mid-dump, and one of another node that is still writing.
  const dead = `${store}/101/.tmp-checkpoint-4-${spawnSync('true').pid}`;
  mkdirSync(`${dead}/images`, { recursive: true });
  writeFileSync(`${dead}/.inprogress`, JSON.stringify({ pid: spawnSync('true').pid, host: hostname(), started: new Date().toISOString() }));
  const remote = `${store}/101/.tmp-checkpoint-5-4242`;
  mkdirSync(`${remote}/images`, { recursive: true });
  writeFileSync(`${remote}/.inprogress`, JSON.stringify({ pid: 4242, host: 'node-b', started: new Date(Date.now() - HOUR).toISOString() }));

  const first = gc();
  assert.equal(first.retentionHours, 24);
  assert.deepEqual(first.removed.map((r) => short(r.dir)).sort(), [`101/${dead.split('/').pop()}`, '101/checkpoint-2']);
  assert.deepEqual(first.kept.map((r) => short(r.dir)).sort(), ['101/.tmp-checkpoint-5-4242', '101/checkpoint-3']);
  assert.match(
    first.kept.find((k) => k.dir === young)!.why,
    new RegExp(`^its snapshot ${pool.base}/101@checkpoint-3 is gone; image (1|2) h old, removed after 24 h$`),
  );
  assert.deepEqual(
    first.removed.find((r) => r.dir === old)!.artifacts!.map((a) => a.uri),
    ['shared://101/checkpoint-2/dump.tar.zst'],
  );
  assert.deepEqual(readdirSync(`${store}/101`).sort(), ['.tmp-checkpoint-5-4242', 'checkpoint-1', 'checkpoint-3']);

  // The text output says the same.
  const text = runCli(['gc', '--config', config]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^kept ${young}: its snapshot .* is gone; image \\d h old, removed after 24 h$`, 'm'));
  assert.match(text.stdout, /^kept .*\.tmp-checkpoint-5-4242: being written \(pid 4242 on node-b since .*, writer unknown\)/m);

  const second = gc('--retention-hours', '1');
  assert.deepEqual(second.removed.map((r) => short(r.dir)).sort(), ['101/.tmp-checkpoint-5-4242', '101/checkpoint-3']);
  assert.deepEqual(readdirSync(`${store}/101`), ['checkpoint-1'], 'the image whose snapshot exists stays');
  assert.ok(existsSync(`${live}/dump.tar.zst`));
  assert.deepEqual(gc('--retention-hours', '0'), { retentionHours: 0, removed: [], kept: [] });
});

test('gc --retention-hours takes an integer >= 0, else a one-line usage error', () => {
  for (const bad of ['-1', 'abc', '1.5', '', '24h', '1e3']) {
    const r = runCli(['gc', '--config', config, `--retention-hours=${bad}`]);
    assert.equal(r.status, 2, `${bad}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^error: --retention-hours must be an integer >= 0, got ".*"\nhint: pass --retention-hours N with N >= 0 \(default 24\)\n$/);
  }
});

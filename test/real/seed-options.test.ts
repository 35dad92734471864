import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli-process.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

// The seed CLI's options: checkpoint --image-path <dataset>, restore --image-path <dir>, checkpoint.auto_cleanup.

let pool: TestPool;
before(() => {
  pool = createTestPool('seed');
});
after(() => pool?.destroy());

test('checkpoint --image-path snapshots the named dataset for the container, with its provenance; bad names refused first', () => {
  sh('zfs', ['create', '-p', `${pool.pool}/images/web`]);
  const r = runCli(['checkpoint', '--image-path', `${pool.pool}/images/web`, 'web', '--label', 'custom', '--json', '--config', pool.configFile]);
  assert.equal(r.status, 0, r.stderr);
  const snap = JSON.parse(r.stdout).checkpoints[0].snapshot as string;
  assert.match(snap, new RegExp(`^${pool.pool}/images/web@checkpoint-\\d+$`));
  assert.deepEqual(sh('zfs', ['get', '-H', '-o', 'value', 'lxcri:label,lxcri:kind', snap]).trim().split('\n'), ['custom', 'checkpoint']);
  assert.ok(!pool.datasets().includes(`${pool.base}/web`), 'the convention dataset was not created or used');

  const before = pool.snapshots();
  for (const [args, pattern] of [
    [['--image-path', '../etc', 'web'], /invalid dataset name '\.\.\/etc'/],
    [['--image-path', `${pool.pool}/images/web`, 'web', 'db'], /--image-path takes exactly one container/],
    [['--image-path', `${pool.pool}/images/nope`, 'web'], /Dataset does not exist: .*images\/nope/],
  ] as const) {
    const bad = runCli(['checkpoint', ...args, '--config', pool.configFile]);
    assert.notEqual(bad.status, 0, args.join(' '));
    assert.match(bad.stderr.split('\n')[0]!, pattern);
  }
  assert.deepEqual(pool.snapshots(), before, 'nothing snapshotted by a refused call');
});

test('checkpoint.auto_cleanup runs the prune policy for that container after each checkpoint', () => {
  pool.container('ac', 'x');
  const config = `${pool.dir}/auto.json`;
  const base = JSON.parse(readFileSync(pool.configFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(config, JSON.stringify({ ...base, checkpoint: { auto_cleanup: true, max_snapshots: 2 } }));
  const outputs: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = runCli(['checkpoint', 'ac', '--config', config]);
    assert.equal(r.status, 0, r.stderr);
    outputs.push(r.stdout);
  }
  const left = pool.snapshots().filter((s) => s.startsWith(`${pool.base}/ac@`));
  assert.equal(left.length, 2, `at most max_snapshots=2 remain: ${left.join(', ')}`);
  assert.match(outputs.at(-1)!, /auto cleanup \(checkpoint\.auto_cleanup\) of ac: pruned 1 checkpoint\(s\)/);
  // Without the option nothing is pruned.
  for (let i = 0; i < 2; i++) assert.equal(runCli(['checkpoint', 'ac', '--config', pool.configFile]).status, 0);
  assert.equal(pool.snapshots().filter((s) => s.startsWith(`${pool.base}/ac@`)).length, 4);
});

test('restore --image-path refuses a directory that is not a complete image, before touching the container', () => {
  pool.container('ri', 'x');
  const snaps = pool.snapshots();
  for (const [dir, pattern] of [
    ['relative/dir', /absolute/],
    [`${pool.dir}/no-such-image`, /no-such-image/],
  ] as const) {
    const r = runCli(['restore', 'ri', '--image-path', dir, '--config', pool.configFile]);
    assert.equal(r.status === 0, false, dir);
    assert.match(r.stderr.split('\n')[0]!, /^error: /);
    assert.match(r.stderr.split('\n')[0]!, pattern);
  }
  const mixed = runCli(['restore', 'ri', '--image-path', '/x', '--snapshot', 'checkpoint-1', '--config', pool.configFile]);
  assert.equal(mixed.status, 2);
  assert.deepEqual(pool.snapshots(), snaps);
  assert.equal(pool.read('ri'), 'x');
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

// Locks guard datasets, not ids: two ids that name one dataset (here the convention id `x` and an LXCRI state
// entry `alias` annotated with x's dataset) exclude each other, and the loser hears who holds it.

let pool: TestPool;
before(() => {
  pool = createTestPool('dl');
});
after(() => pool?.destroy());

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args, '--config', pool.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('two ids on one dataset restoring at once: one restores, the other is refused as locked, nothing left behind', async () => {
  const dataset = pool.container('x', 'first');
  mkdirSync(`${pool.dir}/state/containers/alias`, { recursive: true });
  writeFileSync(
    `${pool.dir}/state/containers/alias/state.json`,
    JSON.stringify({
      ociVersion: '1.0.2',
      id: 'alias',
      status: 'stopped',
      pid: 0,
      bundle: '/nonexistent',
      annotations: { 'io.lxcri.zfs.dataset': dataset },
    }),
  );
  const { core } = pool.core();
  const cp = (await core.checkpoint(['x'])).checkpoints[0]!.name;
  pool.write('x', 'live');
  await core.checkpoint(['alias']);

  for (let round = 0; round < 4; round++) {
    const [a, b] = await Promise.all([cli(['restore', 'x', '--snapshot', cp]), cli(['restore', 'alias', '--snapshot', cp])]);
    const outcomes = [a, b].map((r) => r.code);
    const won = outcomes.filter((c) => c === 0).length;
    for (const r of [a, b]) {
      if (r.code !== 0)
        assert.match(
          r.stderr,
          /^error: container (x|alias) is locked by restore \(pid \d+, since /m,
          `round ${round}: the loser names the holder, not a missing dataset: ${r.stderr}`,
        );
    }
    // Both may succeed one after the other when their moments do not overlap; never both at once.
    assert.ok(won >= 1, `round ${round}: at least one restore ran (${a.stderr} ${b.stderr})`);
    assert.deepEqual(
      pool.datasets().filter((d) => d.includes('lxcri-restore-')),
      [],
      `round ${round}: no restore clone left behind`,
    );
    assert.equal(pool.read('x'), 'first', `round ${round}: x holds the restored checkpoint`);
    const tree = await core.tree('x');
    assert.equal(
      tree.branches.filter((br) => !br.active).length,
      pool.datasets().filter((d) => d.includes('lxcri-br-')).length,
      'every kept line is a branch of x',
    );
  }
});

test('a dataset held by another operation: changes are refused naming the holder, and a read mid-swap says who holds it', async () => {
  pool.container('p', 'one');
  const { core } = pool.core();
  await core.checkpoint(['p']);
  // A live lock on p's dataset held by this process's parent stands for a restore in flight.
  mkdirSync(`${pool.dir}/state/locks`, { recursive: true });
  const { hostname } = await import('node:os');
  writeFileSync(
    `${pool.dir}/state/locks/${encodeURIComponent(`${pool.base}/p`)}.lock`,
    JSON.stringify({
      dataset: `${pool.base}/p`,
      container: 'p',
      operation: 'restore',
      pid: process.pid,
      host: hostname(),
      since: Date.now(),
    }),
  );
  const r = await cli(['checkpoint', 'p']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: container p is locked by restore \(pid \d+/m);
  // Mid-swap the container's dataset is renamed away for a moment: a preview or tree then names the holder.
  sh('zfs', ['unmount', `${pool.base}/p`]);
  sh('zfs', ['rename', `${pool.base}/p`, `${pool.base}/lxcri-br-p-1`]);
  for (const args of [
    ['tree', 'p'],
    ['restore', 'p', '--dry-run'],
  ]) {
    const read = await cli(args);
    assert.equal(read.code, 1, args.join(' '));
    assert.match(read.stderr, /^error: container p is locked by restore/m, `${args.join(' ')}: ${read.stderr}`);
  }
});

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli-process.js';
import { createTestPool, type TestPool } from '../support/real-pool.js';

// Read-only lives in the core: every change is refused before anything runs, whatever face asks, and nothing is
// written (no snapshot, no lock, no journal, no events.log line).

let pool: TestPool;
before(() => {
  pool = createTestPool('ro');
});
after(() => pool?.destroy());

test('--read-only refuses every change before anything runs and writes nothing; reads still work', async () => {
  pool.container('r', 'one');
  const { core } = pool.core();
  const cp = (await core.checkpoint(['r'])).checkpoints[0]!.name;
  await core.checkpoint(['r']);
  const state = `${pool.dir}/state`;
  const files = () => (existsSync(state) ? readdirSync(state, { recursive: true }).map(String).sort() : []);
  const before = { snaps: pool.snapshots(), datasets: pool.datasets(), files: files(), events: readEvents() };
  for (const args of [
    ['checkpoint', 'r'],
    ['restore', 'r', '--snapshot', cp, '--yes'],
    ['delete', 'r', cp, '--yes'],
    ['prune', 'r', '--max-snapshots', '1', '--yes'],
    ['gc'],
  ]) {
    const r = runCli([...args, '--read-only', '--config', pool.configFile]);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: read-only session: /m, args.join(' '));
  }
  assert.deepEqual({ snaps: pool.snapshots(), datasets: pool.datasets(), files: files(), events: readEvents() }, before, 'nothing changed or written');
  const tree = runCli(['tree', 'r', '--read-only', '--config', pool.configFile]);
  assert.equal(tree.status, 0, tree.stderr);
  assert.match(tree.stdout, new RegExp(cp));
  // The core itself refuses, whatever face calls it.
  const ro = pool.core({ ctx: { readOnly: true } }).core;
  await assert.rejects(ro.checkpoint(['r']), (e: unknown) => e instanceof Error && /read-only session: checkpoint of r was not run/.test(e.message));
  assert.deepEqual(pool.snapshots(), before.snaps);
});

function readEvents(): string {
  const path = `${pool.dir}/state/runtime/events.log`;
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

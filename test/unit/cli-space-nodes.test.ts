import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';

/**
 * `space` in a cluster, through the CLI's main() over the demo cluster (three simulated nodes, each its own runner
 * answering zfs/zpool/pct as the real tools do): without containers it reads every node, and with several nodes every
 * pool and container names its node, in the JSON and in the text.
 */

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['--demo', '--demo-cluster', ...argv], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

type Json = { pools: Array<{ name: string; node?: string; containers: Array<{ id: string; node?: string }> }> };

test('space --json without containers reads every node: each pool and container carries its node', async () => {
  const r = await run('space', '--json');
  assert.equal(r.code, 0, r.err);
  const { pools } = JSON.parse(r.out) as Json;
  assert.deepEqual(
    pools.map((p) => `${p.node}:${p.name}`),
    ['pve1:rpool', 'pve2:rpool', 'pve3:rpool'],
  );
  const where = Object.fromEntries(pools.flatMap((p) => p.containers.map((c) => [c.id, c.node])));
  assert.equal(where['101'], 'pve1');
  assert.equal(where['200'], 'pve2');
  assert.equal(where['301'], 'pve3');
  for (const p of pools) for (const c of p.containers) assert.equal(c.node, p.node, `${c.id} is on its pool's node`);
});

test("space <container> in a cluster: that container's node, in the JSON and on the pool's line", async () => {
  const r = await run('space', '200', '--json');
  assert.equal(r.code, 0, r.err);
  const { pools } = JSON.parse(r.out) as Json;
  assert.deepEqual(
    pools.map((p) => [p.node, p.containers.map((c) => [c.id, c.node])]),
    [['pve2', [['200', 'pve2']]]],
  );
  const text = await run('space', '200');
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^pool rpool on pve2: size /m);
});

test('space on a lone host (the demo without its cluster) names no node, as before', async () => {
  const out: string[] = [];
  const code = await main(['--demo', 'space', '--json'], { out: (s) => out.push(s), err: () => undefined });
  assert.equal(code, 0);
  const { pools } = JSON.parse(out.join('\n')) as Json;
  assert.deepEqual(
    pools.map((p) => p.node),
    [undefined],
  );
  assert.ok(pools[0]!.containers.length > 0 && pools[0]!.containers.every((c) => c.node === undefined));
});

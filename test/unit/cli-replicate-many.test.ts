import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';

// `replicate` of several containers or of a whole node (--all), through the CLI's main() over the demo cluster (three
// simulated nodes that send and receive): one after another, a failure said and the next one done, exit 1 then.

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['--demo', '--demo-cluster', ...argv], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('replicate 100 107 --to pve2: 100 is replicated, 107 (no ZFS dataset) fails with its reason, exit 1 naming it', async () => {
  const r = await run('replicate', '100', '107', '--to', 'pve2');
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /^replicated 100 to pve2: 2 step\(s\), \S+ sent$/m);
  assert.match(r.out, /^1 of 2 container\(s\) replicated to pve2$/m);
  assert.match(r.err, /^replication of 107 to pve2 failed: container 107 has no ZFS dataset/m);
  assert.match(r.err, /^error: 1 of 2 replication\(s\) to pve2 failed: 107$/m);
});

test('replicate --all --node pve3 --to pve1 --json: every container of pve3, one JSON document, exit 0; pve1 then has them', async () => {
  const r = await run('replicate', '--all', '--node', 'pve3', '--to', 'pve1', '--json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as { from: string; to: string; containers: Array<{ container: string; ok: boolean; result?: { bytes?: number } }> };
  assert.deepEqual([doc.from, doc.to], ['pve3', 'pve1']);
  assert.deepEqual(
    doc.containers.map((c) => [c.container, c.ok]),
    [
      ['300', true],
      ['301', true],
    ],
  );
  assert.ok(doc.containers.every((c) => (c.result?.bytes ?? 0) > 0));
});

test('replicate: containers and --all together, or neither, are refused before anything runs', async () => {
  const both = await run('replicate', '100', '--all', '--to', 'pve2');
  assert.equal(both.code, 2);
  assert.match(both.err, /^error: replicate takes containers or --all, not both$/m);
  const none = await run('replicate', '--to', 'pve2');
  assert.equal(none.code, 2);
  assert.match(none.err, /^error: replicate needs a container \(or --all for every one of the node\)$/m);
  const spread = await run('replicate', '100', '200', '--to', 'pve3');
  assert.equal(spread.code, 2);
  assert.match(spread.err, /the containers are on different nodes \(pve1, pve2\)/);
});

test('--node with a cross-node command picks where it runs, the other nodes still reachable: move --dry-run from pve2', async () => {
  const r = await run('--node', 'pve2', 'move', '200', '--to', 'pve3', '--dry-run');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /move 200 \(running\) from pve2 to pve3/);
});

test('--node with container refs: a bare id is that node’s, a ref to another node is refused, an unknown node named', async () => {
  const elsewhere = await run('--node', 'pve2', 'restore', '100', '--dry-run');
  assert.notEqual(elsewhere.code, 0, 'not planned on pve1, where 100 is');
  assert.match(elsewhere.err, /container 100|100/);
  const other = await run('--node', 'pve2', 'replicate', 'pve1:100', '--to', 'pve3');
  assert.equal(other.code, 2);
  assert.match(other.err, /^error: pve1:100 is not on --node pve2$/m);
  const unknown = await run('--node', 'nosuch', 'replicate', '100', '--to', 'pve2');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /^error: unknown node 'nosuch'$/m);
});

test('replicate --all to the node they are on, or in a read-only session: refused once, before anything runs', async () => {
  const self = await run('replicate', '--all', '--node', 'pve2', '--to', 'pve2');
  assert.equal(self.code, 2);
  assert.match(self.err, /^error: --to pve2 is the node they are on$/m);
  const ro = await run('--read-only', 'replicate', '--all', '--node', 'pve3', '--to', 'pve1');
  assert.equal(ro.code, 1);
  assert.deepEqual(
    ro.err.split('\n').filter((l) => l.startsWith('error:')),
    ['error: read-only session: replication to pve1 was not run'],
  );
});

test('replicate --all to a node that stops answering: the first fails with the reason, the rest are not tried', async () => {
  process.env.LXCRI_DEMO_DOWN = 'pve2';
  try {
    const r = await run('replicate', '--all', '--node', 'pve3', '--to', 'pve2', '--json');
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.out) as { containers: Array<{ container: string; ok: boolean; error?: string }> };
    assert.equal(doc.containers.length, 2);
    assert.ok(doc.containers.every((c) => !c.ok));
    assert.match(doc.containers[1]!.error!, /^not tried: /);
    assert.match(r.err, /hint: none was replicated; the reasons are above \(pve2 stopped answering\)/);
  } finally {
    delete process.env.LXCRI_DEMO_DOWN;
  }
});

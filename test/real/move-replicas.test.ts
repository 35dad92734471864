import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startClusterCli, type ClusterCli } from '../support/cluster-cli.js';

// A container moved to another node keeps its replicas on a third one (issue 11): the replica pve3 holds of it, made
// from pve1, is taken over by its next replication from pve2 - an increment from the common base (by guid), the
// replica marked pve2's, pve1's holds there released - instead of being refused as another node's replica and sent
// again in full. Ground truth is zfs inside each node.

let h: ClusterCli;
before(() => {
  h = startClusterCli(['pve1', 'pve2', 'pve3']);
  h.zfs('pve1', ['create', 'rpool/data/330']);
});
after(() => h?.stop());

test("after a move, the replica a third node kept is taken over: an increment, marked the new node's, the old node's holds released", () => {
  h.write('pve1', '330', 'one');
  h.ok(['checkpoint', 'pve1:330', '--label', 'one']);
  h.ok(['replicate', '330', '--to', 'pve3']);
  const first = [...h.guids('pve3', '330').keys()][0]!;
  const createtxg = h.prop('pve3', 'createtxg', first);
  assert.equal(h.prop('pve3', 'userrefs', first), '1', "pve1's replication hold");

  h.ok(['move', '330', '--to', 'pve2', '--yes']);
  assert.ok(!h.exists('pve1', 'rpool/data/330'), 'moved away from pve1');
  h.write('pve2', '330', 'two');
  h.ok(['checkpoint', 'pve2:330', '--label', 'two']);

  const dry = h.ok(['replicate', '330', '--to', 'pve3', '--dry-run']).stdout;
  assert.match(dry, /the replica on pve3 was made from pve1, where 330 was before it moved to pve2: it goes on from it, as pve2's/);
  assert.doesNotMatch(dry, /in full/, 'an increment from the common base, nothing sent again in full');
  h.ok(['replicate', '330', '--to', 'pve3']);

  assert.deepEqual([...h.guids('pve3', '330')].sort(), [...h.guids('pve2', '330')].sort(), 'the same snapshots, the same guids');
  assert.equal(h.prop('pve3', 'createtxg', first), createtxg, 'the older snapshot was not received again');
  assert.equal(h.prop('pve3', 'lxcri:replica-of', 'rpool/data/330'), 'pve2:rpool/data/330');
  const newest = [...h.guids('pve3', '330').keys()].at(-1)!;
  assert.equal(h.prop('pve3', 'userrefs', first), '0', "pve1's hold released");
  assert.equal(h.prop('pve3', 'userrefs', newest), '1', "pve2's hold on the new base");
  // The next one is a plain increment from pve2.
  h.write('pve2', '330', 'three');
  h.ok(['checkpoint', 'pve2:330', '--label', 'three']);
  const again = h.ok(['replicate', '330', '--to', 'pve3', '--dry-run']).stdout;
  assert.doesNotMatch(again, /was made from pve1/);
  h.ok(['replicate', '330', '--to', 'pve3']);
  assert.deepEqual([...h.guids('pve3', '330')].sort(), [...h.guids('pve2', '330')].sort());
});

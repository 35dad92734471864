import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createContext } from '../../src/core/context.js';
import { Core } from '../../src/core/core.js';
import { ClusterCore } from '../../src/core/nodes/cluster-core.js';
import { planRestoreOn, restoreOn } from '../../src/core/nodes/restore-on.js';
import { createDemoCluster } from '../../src/demo/demo-cluster.js';
import { createDemoHost, DEMO_IDENTITY } from '../../src/demo/demo-host.js';

// The demo cluster (`--demo --demo-cluster`) does what a real one does with a container's tree: replicate, move,
// restore --on, through the same core; the simulated nodes hand the streams over in memory. Before, every one of
// them failed ("this transport cannot pipe"), and a move failed at its last increment (the nodes' peers were the
// first, one-node cluster's).

async function demoCluster() {
  const host = await createDemoHost();
  const pve1 = new Core(createContext(host.config, host.runner, { identity: DEMO_IDENTITY }));
  const cluster = await createDemoCluster(host, pve1, DEMO_IDENTITY, undefined, { instantLink: true });
  return { host, cluster, core: new ClusterCore(cluster) };
}

/** Every snapshot of a dataset on a node, by guid, with its name under the dataset. */
async function snapshots(cluster: Awaited<ReturnType<typeof demoCluster>>['cluster'], node: string, dataset: string) {
  const all = await cluster.node(node).core.ctx.zfs.listAll('rpool');
  return all
    .filter((r) => r.type === 'snapshot' && r.name.startsWith(`${dataset}@`))
    .map((r) => `${r.guid} ${r.name.slice(dataset.length)}`)
    .sort();
}

test('demo cluster: replicate copies the whole tree to pve2 (every guid), a second run sends only what is new', async () => {
  const { host, cluster, core } = await demoCluster();
  try {
    const ds = 'rpool/data/subvol-100-disk-0';
    const first = await core.replicateTo('100', 'pve2');
    assert.ok((first.bytes ?? 0) > 3 * 1024 ** 3, `the full tree went (${first.bytes} bytes)`);
    assert.deepEqual(await snapshots(cluster, 'pve2', ds), await snapshots(cluster, 'pve1', ds));
    assert.equal((await cluster.node('pve2').core.ctx.zfs.localProperties(ds)).readonly, 'on', 'a read-only replica');
    await cluster.node('pve1').core.checkpoint(['100'], { label: 'after the first replication' });
    const second = await core.replicateTo('100', 'pve2');
    assert.ok((second.bytes ?? Infinity) < 100 * 1024 ** 2, `only the increment went (${second.bytes} bytes)`);
    assert.deepEqual(await snapshots(cluster, 'pve2', ds), await snapshots(cluster, 'pve1', ds));
  } finally {
    rmSync(host.dir, { recursive: true, force: true });
  }
});

test('demo cluster: move takes 101 with its branches to pve3, running there, its config in /etc/pve/nodes/pve3; restore --on brings a checkpoint up as a new id', async () => {
  const { host, cluster, core } = await demoCluster();
  try {
    const ds = 'rpool/data/subvol-101-disk-0';
    const before = await snapshots(cluster, 'pve1', ds);
    const r = await core.moveTo('101', 'pve3');
    assert.equal(r.executed, true);
    const pve = join(host.dir, 'pve', 'nodes');
    assert.equal(existsSync(join(pve, 'pve1', 'lxc', '101.conf')), false, 'gone from pve1');
    assert.match(readFileSync(join(pve, 'pve3', 'lxc', '101.conf'), 'utf8'), /^hostname: db$/m);
    const view = await cluster.refresh();
    const moved = view.containers.find((c) => c.summary.id === '101')!;
    assert.deepEqual([moved.node, moved.summary.status], ['pve3', 'running']);
    const there = await snapshots(cluster, 'pve3', ds);
    for (const s of before) assert.ok(there.includes(s), `${s} on pve3`);
    assert.equal((await snapshots(cluster, 'pve1', ds)).length, 0, 'its datasets are gone from pve1');
    // And back again: pve1 knew it, and has it as it was (its lock, memory and Proxmox snapshots kept).
    const known = host.runner.departed.get('101');
    assert.ok(known, 'pve1 remembers the container that left');
    await core.moveTo('101', 'pve1');
    assert.equal(host.runner.containers.get('101'), known);
    assert.deepEqual(
      (await snapshots(cluster, 'pve1', ds)).filter((s) => before.includes(s)),
      before,
      'every checkpoint back on pve1, by guid',
    );
    assert.equal(existsSync(join(pve, 'pve3', 'lxc', '101.conf')), false);

    const web = (await cluster.node('pve1').core.ctx.zfs.listAll('rpool/data/subvol-100-disk-0')).find((x) => x.type === 'snapshot')!;
    const plan = await planRestoreOn(cluster, '100', web.name.split('@')[1]!, 'pve2');
    await restoreOn(cluster, plan);
    const after = await cluster.refresh();
    const copy = after.containers.find((c) => c.summary.id === plan.id)!;
    assert.equal(copy.node, 'pve2', `the copy ${plan.id} is on pve2`);
    assert.ok(
      after.containers.some((c) => c.summary.id === '100' && c.node === 'pve1'),
      'the original stays on pve1',
    );
  } finally {
    rmSync(host.dir, { recursive: true, force: true });
  }
});

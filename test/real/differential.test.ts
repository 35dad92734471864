import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Config } from '../../src/core/config.js';
import { createContext } from '../../src/core/context.js';
import { Core } from '../../src/core/core.js';
import { layoutTree } from '../../src/core/model/tree-layout.js';
import type { CheckpointTree } from '../../src/core/model/tree.js';
import { DemoRunner } from '../../src/demo/demo-runner.js';
import { ZfsSim } from '../../src/demo/zfs-sim.js';
import { createTestPool, type TestPool } from '../support/real-pool.js';

let pool: TestPool;
before(() => {
  pool = createTestPool('diff');
});
after(() => pool?.destroy());

/** The core's model with names and times normalised: snapshot names by creation order, datasets by role. */
function normalise(tree: CheckpointTree) {
  const rows = layoutTree(tree);
  const order = [...tree.nodes.values()]
    .filter((n) => n.kind === 'snapshot')
    .sort((a, b) => a.createtxg - b.createtxg)
    .map((n) => n.id);
  const name = (id: string | undefined) => {
    if (!id) return null;
    const n = tree.nodes.get(id)!;
    return n.kind === 'now' ? `NOW(${n.active ? 'active' : 'branch'})` : `${n.class}#${order.indexOf(id)}`;
  };
  return {
    lines: tree.branches.length,
    rows: rows.map((r) => ({
      node: name(r.id),
      parent: name(r.node.parent),
      guides: r.guides.join(','),
      label: r.node.label?.replace(/\d{9,}(-\d+)?/g, 'T') ?? null,
      onActiveLine: r.node.onActiveLine,
      holds: r.node.holds,
      clones: r.node.clones.length,
    })),
  };
}

/** One scenario through the core: checkpoints, a branch restore of an older one, more work, a delete, a prune, a rollback. */
async function scenario(core: Core, id: string) {
  const cp1 = (await core.checkpoint([id], { label: 'one' })).checkpoints[0]!.name;
  await core.checkpoint([id], { label: 'two' });
  const cp3 = (await core.checkpoint([id])).checkpoints[0]!.name;
  await core.restore(id, { snapshot: cp1 });
  const cp4 = (await core.checkpoint([id], { label: 'on the branch' })).checkpoints[0]!.name;
  await core.checkpoint([id]);
  await core.delete(id, cp3, { confirmed: true });
  const [plan] = await core.planPrune([id], { maxSnapshots: 3 });
  await core.prune([plan!], true);
  const rollback = await core.planRestore(id, { snapshot: cp4, mode: 'rollback' });
  await core.restore(id, { plan: rollback, confirmed: true });
  return { tree: normalise(await core.tree(id)), prune: plan!.items.map((i) => [i.action, i.rule]) };
}

test('the demo host (OpenZFS answers) and real zfs-fuse give the core the same model for the same scenario', async () => {
  pool.container('web');
  const real = await scenario(pool.core().core, 'web');

  const sim = new ZfsSim(Date.now, 2 ** 40);
  sim.create('tank/containers/web');
  const config: Config = structuredClone(pool.core().core.ctx.config);
  config.zfs.base_dataset = 'tank/containers';
  config.state_dir = `${pool.dir}/demo-state`;
  config.journal_dir = `${pool.dir}/demo-journal`;
  const demoRunner = new DemoRunner(sim, 'tank', new Map(), `${pool.dir}/demo-pve`);
  const demo = await scenario(new Core(createContext(config, demoRunner)), 'web');

  assert.equal(demoRunner.log[0], 'zfs version', 'the demo is detected as OpenZFS');
  assert.ok(
    demoRunner.log.some((l) => l.startsWith('zfs list -Hp')),
    'and listed the OpenZFS way',
  );
  assert.deepEqual(demo, real);
  assert.ok(real.tree.lines >= 2, 'the scenario really branched');
});

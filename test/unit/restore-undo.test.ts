import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, type Config } from '../../src/core/config.js';
import { createContext } from '../../src/core/context.js';
import { Core } from '../../src/core/core.js';
import { DemoRunner } from '../../src/demo/demo-runner.js';
import { ZfsSim } from '../../src/demo/zfs-sim.js';
import { describeUndoPlan } from '../../src/present/plans.js';

/**
 * Undo of a branch restore over the simulated OpenZFS (which has `written`): an unchanged today's state is discarded
 * by default (kept, it would be an empty branch), and the ownership of every snapshot ends as before the restore.
 */
const BASE = 'tank/containers';
const D = `${BASE}/web`;

function simCore() {
  const sim = new ZfsSim(Date.now, 2 ** 40);
  sim.create(D);
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-undo-'));
  const config: Config = structuredClone(DEFAULT_CONFIG);
  config.zfs.base_dataset = BASE;
  config.state_dir = `${dir}/state`;
  config.journal_dir = `${dir}/journal`;
  config.lxc.path = '/nonexistent/lxcri-test';
  config.pve = { config_dir: `${dir}/pve`, storage_cfg: `${dir}/pve/storage.cfg`, members: `${dir}/pve/.members` };
  // A clock the test moves, so each restore's names and marks have their own second.
  const clock = { ms: 1_800_000_000_000 };
  const runner = new DemoRunner(sim, 'tank', new Map(), `${dir}/demo-pve`);
  const core = new Core(createContext(config, runner, { now: () => clock.ms, identity: { user: 'alice', host: 'pve1' } }));
  return { sim, core, runner, tick: () => (clock.ms += 1000) };
}

/** Every dataset with its origin and every snapshot by guid with its holder: names, ownership and clone links. */
function layout(sim: ZfsSim): string[] {
  return [...sim.datasets.values()].map((d) => `${d.name} ${d.origin ?? '-'}`).sort();
}

test('OpenZFS: written = 0 makes discard the default, with no confirmation; afterwards exactly the pre-restore layout plus the safety snapshot', async () => {
  const { sim, core, tick } = simCore();
  const cp1 = (await core.checkpoint(['web'])).checkpoints[0]!.name;
  tick();
  await core.checkpoint(['web']);
  tick();
  const before = layout(sim);
  const r = await core.restore('web', { snapshot: cp1 });
  if (r.mode !== 'branch') throw new Error('expected a branch restore');
  tick();

  const plan = await core.planUndoRestore('web');
  assert.deepEqual(
    [plan.branch, plan.restoredFrom, plan.todayChanged, plan.today, plan.todayBranch, plan.promote],
    [r.branchDataset, cp1, false, 'discard', undefined, { dataset: r.branchDataset, origin: `${D}@${cp1}` }],
  );
  assert.match(describeUndoPlan(plan)[0]!, /^undo the restore of web to checkpoint-\d+; today's state is discarded .*; unchanged since the restore:$/);
  assert.ok(plan.steps.some((s) => s.startsWith(`destroy ${plan.aside}`)));
  // Keeping it is still possible when asked for (an empty branch, but the caller's choice).
  assert.equal((await core.planUndoRestore('web', { today: 'keep' })).today, 'keep');

  const result = await core.undoRestore('web', { plan });
  assert.equal(result.discarded, plan.aside);
  assert.deepEqual(layout(sim), [...before, `${D}@${r.safetySnapshot.split('@')[1]} -`].sort());
  assert.equal(sim.get(D).local['lxcri:branch'], undefined);
});

test('OpenZFS: a changed today defaults to keep, and discarding it needs confirmation', async () => {
  const { sim, core, tick } = simCore();
  const cp1 = (await core.checkpoint(['web'])).checkpoints[0]!.name;
  tick();
  await core.restore('web', { snapshot: cp1 });
  tick();
  sim.write(D, { add: 1 << 20 });
  const plan = await core.planUndoRestore('web');
  assert.deepEqual([plan.todayChanged, plan.today], [true, 'keep']);
  const discard = await core.planUndoRestore('web', { today: 'discard' });
  await assert.rejects(core.undoRestore('web', { plan: discard }), /discarding today's state of web loses the changes since the restore; not confirmed/);
  // A plan previewed as unchanged is not run once today has changed.
  const { sim: sim2, core: core2, tick: tick2 } = simCore();
  const c = (await core2.checkpoint(['web'])).checkpoints[0]!.name;
  tick2();
  await core2.restore('web', { snapshot: c });
  tick2();
  const unchanged = await core2.planUndoRestore('web');
  assert.equal(unchanged.today, 'discard');
  sim2.write(D, { add: 4096 });
  await assert.rejects(core2.undoRestore('web', { plan: unchanged, confirmed: true }), /web: today's state changed since the preview/);
  // Checkpoints on today's line make a discard impossible: refused with a hint.
  await core2.checkpoint(['web']);
  await assert.rejects(core2.planUndoRestore('web', { today: 'discard' }), (e: Error & { hint: string }) => {
    assert.match(e.message, /^web: today's state has 1 checkpoint\(s\) of its own \(checkpoint-\d+\); discarding it would destroy them$/);
    assert.match(e.hint, /leave out --discard/);
    return true;
  });
});

test('a restore to a checkpoint on another branch, undone: the branch it came from owns that checkpoint again', async () => {
  const { sim, core, tick } = simCore();
  const cp1 = (await core.checkpoint(['web'])).checkpoints[0]!.name;
  tick();
  const cp2 = (await core.checkpoint(['web'])).checkpoints[0]!.name;
  tick();
  const first = await core.restore('web', { snapshot: cp1 });
  if (first.mode !== 'branch') throw new Error('expected a branch restore');
  tick();
  await core.checkpoint(['web']);
  tick();
  const before = layout(sim);
  // cp2 lives on the first restore's branch: the second restore takes it from there.
  const second = await core.restore('web', { snapshot: cp2 });
  if (second.mode !== 'branch') throw new Error('expected a branch restore');
  tick();
  const plan = await core.planUndoRestore('web');
  assert.deepEqual(
    [plan.branch, plan.restoredFrom, plan.promote, plan.today],
    [second.branchDataset, cp2, { dataset: first.branchDataset, origin: `${D}@${cp2}` }, 'discard'],
  );
  await core.undoRestore('web', { plan });
  assert.deepEqual(layout(sim), [...before, `${D}@${second.safetySnapshot.split('@')[1]} -`].sort());
});

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
import { undoSummary } from '../../src/present/plans.js';
import { branchTitle, shortDate } from '../../src/present/tree-columns.js';

/**
 * A side line's title says what set it aside and when, and keeps saying it: later restores and switches promote
 * datasets and move origins around, but a line set aside by the restore to "one" stays titled so. The switch preview
 * names the branch exactly as the tree titles it, and the line it sets aside is titled with the moment it promised.
 */
const BASE = 'tank/containers';
const D = `${BASE}/web`;

function simCore() {
  const sim = new ZfsSim(Date.now, 2 ** 40);
  sim.create(D);
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-titles-'));
  const config: Config = structuredClone(DEFAULT_CONFIG);
  config.zfs.base_dataset = BASE;
  config.state_dir = `${dir}/state`;
  config.journal_dir = `${dir}/journal`;
  config.lxc.path = '/nonexistent/lxcri-test';
  config.pve = { config_dir: `${dir}/pve`, storage_cfg: `${dir}/pve/storage.cfg`, members: `${dir}/pve/.members` };
  const clock = { ms: 1_800_000_000_000 };
  const runner = new DemoRunner(sim, 'tank', new Map(), `${dir}/demo-pve`);
  const core = new Core(createContext(config, runner, { now: () => clock.ms, identity: { user: 'alice', host: 'pve1' } }));
  return { core, tick: () => (clock.ms += 60_000), now: () => clock.ms / 1000 };
}

/** Each side line's title, by the moment it was set aside (its dataset name changes; that moment does not). */
async function titles(core: Core, now: number): Promise<string[]> {
  const t = await core.tree('web');
  return t.branches
    .filter((b) => !b.active)
    .sort((a, b) => a.branchedAt! - b.branchedAt!)
    .map((b) => branchTitle(t, b.dataset, now));
}

test('restores to two checkpoints, then a switch to the older branch: every title names its own restore, before and after', async () => {
  const { core, tick, now } = simCore();
  const one = (await core.checkpoint(['web'], { label: 'one' })).checkpoints[0]!.name;
  tick();
  const two = (await core.checkpoint(['web'], { label: 'two' })).checkpoints[0]!.name;
  tick();
  const first = Math.floor(now());
  await core.restore('web', { snapshot: one });
  tick();
  const second = Math.floor(now());
  // "two" is on the line the first restore set aside: this restore moves ownership of snapshots across lines.
  await core.restore('web', { snapshot: two });
  tick();
  const T = now();
  const set = (label: string, at: number) => `set aside by the restore to "${label}" at ${shortDate(at, T)}`;
  assert.deepEqual(await titles(core, T), [set('one', first), set('two', second)]);

  // Switch to the line the first restore set aside: the preview names it as the tree does.
  const tree = await core.tree('web');
  const older = tree.branches.filter((b) => !b.active).sort((a, b) => a.branchedAt! - b.branchedAt!)[0]!;
  const plan = await core.planUndoRestore('web', { branch: older.dataset, today: 'keep' });
  const summary = undoSummary(plan, T);
  assert.equal(summary[1], `-> disk switches to the branch ${branchTitle(tree, older.dataset, T)}`);
  assert.equal(summary[1], `-> disk switches to the branch ${set('one', first)}`);
  assert.equal(summary[2], `-> today's state kept as branch 'web @ ${shortDate(plan.seconds, T)}'`);
  await core.undoRestore('web', { plan });
  tick();

  // After the switch: the second restore's line keeps its title; today's state is titled as set aside by the switch,
  // at the moment the preview promised. Nothing reads "an earlier checkpoint".
  const after = await titles(core, now());
  assert.deepEqual(after, [set('two', second), `set aside by a switch to another line at ${shortDate(plan.seconds, T)}`]);
});

test("an undo keeps today's state titled as set aside by the undo of that restore", async () => {
  const { core, tick, now } = simCore();
  const one = (await core.checkpoint(['web'], { label: 'one' })).checkpoints[0]!.name;
  tick();
  await core.restore('web', { snapshot: one });
  tick();
  const plan = await core.planUndoRestore('web', { today: 'keep' });
  await core.undoRestore('web', { plan });
  assert.deepEqual(await titles(core, now()), [`set aside by the undo of the restore to "one" at ${shortDate(plan.seconds, now())}`]);
});

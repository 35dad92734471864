import assert from 'node:assert/strict';
import { test } from 'node:test';
import { footerItems } from '../../src/app/bindings.js';

test('a narrow footer cuts the middle, never `? help` and `q quit`, which come last', () => {
  for (const width of [30, 60, 78, 200]) {
    const items = footerItems('tree', false, width);
    assert.deepEqual(items.slice(-2), ['? help', 'q quit'], `width ${width}: ${items.join(' | ')}`);
    assert.ok(items.reduce((n, i) => n + i.length + 2, 0) <= width + 2, `width ${width} fits`);
  }
  assert.ok(footerItems('tree', false, 200).length > footerItems('tree', false, 60).length);
});

test('`pool` with no pools says so instead of printing nothing', async () => {
  const { poolCommand } = await import('../../src/cli/commands/pool.js');
  const out: string[] = [];
  const { Cluster } = await import('../../src/core/nodes/cluster.js');
  const core = { pools: async () => [], store: { getState: () => ({}) }, ctx: { config: { runner: { timeout_seconds: 30 } } } } as never;
  const env = { core, cluster: Cluster.ofCore(core), json: false, out: (s: string) => out.push(s) } as unknown as Parameters<typeof poolCommand.run>[0];
  await poolCommand.run(env, [], {});
  assert.match(out.join('\n'), /^no ZFS pools found/);
});

test('the containers list fits its id column to the ids it shows: an LXC name like ux-web is never cut', async () => {
  const { containerColumns, containerLine } = await import('../../src/present/container-row.js');
  const list = [
    { id: 'ux-web', name: 'ux-web', status: 'running', checkpoints: 2, usedBySnapshots: 1024 },
    { id: '100', name: 'web', status: 'stopped', checkpoints: 0, usedBySnapshots: 0, lock: 'backup' },
  ] as never[];
  const cols = containerColumns(list, 42);
  assert.equal(cols.id, 6);
  assert.match(containerLine(list[0]!, cols), /^ux-web ux-web +running/);
  assert.match(containerLine(list[1]!, cols), /^100    web +stopped backup/);
  assert.ok(containerLine(list[0]!, cols).length <= 41, 'fits the pane (the gutter takes one column)');
});

test('a wide containers pane adds the age of the newest checkpoint and the whole space; a narrow one keeps to the essentials', async () => {
  const { containerColumns, containerHeader, containerLine } = await import('../../src/present/container-row.js');
  const now = 1_800_000_000;
  const c = {
    id: '101',
    name: 'db',
    status: 'running',
    checkpoints: 6,
    usedBySnapshots: 346 * 2 ** 20,
    used: 13 * 2 ** 30,
    latestCheckpoint: { name: 'x', creation: now - 7200 },
  } as never;
  const narrow = containerColumns([c], 42);
  assert.equal(narrow.wide, false);
  assert.doesNotMatch(containerHeader(narrow), /LAST/);
  const wide = containerColumns([c], 72);
  assert.equal(wide.wide, true);
  assert.match(containerHeader(wide), /CKP +SNAPS +LAST +USED$/);
  assert.match(containerLine(c, wide, undefined, now), / 6 +346M +2h +13G$/);
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { createContext } from '../../src/core/context.js';
import { Core } from '../../src/core/core.js';
import type { CheckpointTree } from '../../src/core/model/tree.js';
import { eventsPath, parseEvents } from '../../src/core/state/events.js';
import { createDemoHost, type DemoHost } from '../../src/demo/demo-host.js';

/** A fixed launch time, far from the real clock, so nothing stamped with the real time can pass for it. */
const NOW = Date.parse('2026-03-14T12:00:00Z');
const DAY = 86_400_000;
const MB = 1024 ** 2;

/** The demo host and a core over it built as `lxcri-console --demo` builds its own (src/cli/main.ts). */
async function demo(): Promise<{ host: DemoHost; core: Core }> {
  const host = await createDemoHost({ now: () => NOW });
  const identity = (host as Partial<DemoHost>).identity;
  return { host, core: new Core(createContext(host.config, host.runner, identity ? { identity } : {})) };
}

const events = (host: DemoHost) => parseEvents(readFileSync(eventsPath(host.config.state_dir), 'utf8'));
const snapshots = (tree: CheckpointTree) => [...tree.nodes.values()].filter((n) => n.kind === 'snapshot');
const usedOf = async (core: Core, id: string) => (await core.refresh()).containers.find((c) => c.id === id)!.used;
const allocated = async (core: Core) => (await core.refresh()).pools.find((p) => p.name === 'rpool')!.allocated;

test('the seeded events happened during the seeded weeks, in order, with believable durations; none at launch', async () => {
  const { host } = await demo();
  const seeded = events(host);
  assert.ok(seeded.length >= 20, `${seeded.length} seeded events`);
  const times = seeded.map((e) => Date.parse(e.ts));
  for (const [i, t] of times.entries()) {
    assert.ok(t >= NOW - 46 * DAY && t <= NOW - 3_600_000, `event ${i} at ${seeded[i]!.ts}, outside the seeded weeks before ${new Date(NOW).toISOString()}`);
  }
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    'in the order they happened',
  );
  assert.ok(times.at(-1)! - times[0]! > 30 * DAY, 'spread over weeks');
  const durations = seeded.map((e) => e.duration_ms);
  assert.ok(
    durations.every((d) => d >= 50 && d < 10_000),
    `durations a real node would take: ${durations.join(' ')}`,
  );
  assert.ok(new Set(durations).size >= 5, `not all alike: ${durations.join(' ')}`);
  const restores = seeded.filter((e) => e.operation === 'restore');
  assert.equal(restores.length, 2);
  assert.ok(
    restores.every((r) => r.duration_ms > Math.max(...seeded.filter((e) => e.operation === 'checkpoint').map((e) => e.duration_ms))),
    'a restore (clone, renames, promote) takes longer than a snapshot',
  );
});

test("no event and no checkpoint names this machine's hostname: the user's own actions are by pve-demo too", async () => {
  const { host, core } = await demo();
  const made = (await core.checkpoint(['103'], { label: 'by the user' })).checkpoints[0]!.name;
  const all = events(host);
  const mine = all.at(-1)!;
  assert.equal(mine.operation, 'checkpoint');
  assert.ok(Math.abs(Date.parse(mine.ts) - Date.now()) < 60_000, "the user's own event is stamped now");
  for (const e of all) {
    assert.notEqual(e.host, hostname(), `an event names ${hostname()}: ${JSON.stringify(e)}`);
    assert.equal(e.host, 'pve-demo');
  }
  const node = snapshots(await core.tree('103')).find((n) => n.name === made)!;
  assert.equal(node.host, 'pve-demo', 'the checkpoint says where it was made');
});

test('a checkpoint made now uses 0 and adds nothing; nothing changes between refreshes with no action', async () => {
  const { core } = await demo();
  const used = await usedOf(core, '100');
  const alloc = await allocated(core);
  assert.equal(await usedOf(core, '100'), used, 'two refreshes, the same space');
  assert.equal(await allocated(core), alloc);
  const made = (await core.checkpoint(['100'])).checkpoints[0]!.name;
  const node = snapshots(await core.tree('100')).find((n) => n.name === made)!;
  assert.equal(node.used, 0, 'a fresh snapshot holds nothing alone');
  assert.equal(await usedOf(core, '100'), used, "the container's space is what it was");
  assert.equal(await allocated(core), alloc, 'and so is the pool');
  assert.equal(await usedOf(core, '100'), used, 'and stays so');
});

test('space adds up: usedbysnapshots is the sum of the snapshots plus what they share (build: its wiped cache), the pool holds every dataset, a delete frees what the checkpoint alone held', async () => {
  const { host, core } = await demo();
  const world = await core.refresh();
  for (const c of world.containers.filter((x) => x.dataset && !x.reason)) {
    const tree = await core.tree(c.id);
    for (const b of tree.branches) {
      const sum = snapshots(tree)
        .filter((n) => n.dataset === b.dataset)
        .reduce((n, s) => n + s.used, 0);
      // Only build wiped data every one of its snapshots holds; elsewhere no block is shared by two snapshots.
      const shared = c.id === '105' ? 900 * MB : 0;
      assert.ok(Math.abs(b.usedbysnapshots - sum - shared) <= 1024, `${b.dataset}: usedbysnapshots ${b.usedbysnapshots}, its snapshots ${sum}`);
    }
    assert.equal(
      c.used,
      tree.branches.reduce((n, b) => n + b.used, 0),
      `${c.id}: the family's space`,
    );
  }
  const root = world.inventory.get('rpool')!;
  const pool = world.pools.find((p) => p.name === 'rpool')!;
  assert.equal(root.used, pool.allocated, "the root dataset's used is the pool's allocated space");

  // Deleting the oldest checkpoint of web frees exactly its own space, from the container and from the pool.
  const oldest = snapshots(await core.tree('100')).sort((a, b) => a.createtxg - b.createtxg)[0]!;
  assert.ok(oldest.used > MB, `the oldest checkpoint holds what web rewrote since (${oldest.used})`);
  const before = { used: await usedOf(core, '100'), alloc: await allocated(core) };
  await core.delete('100', oldest.name, { confirmed: true });
  assert.equal(await usedOf(core, '100'), before.used - oldest.used);
  assert.equal(await allocated(core), before.alloc - oldest.used);
  assert.equal(host.runner.zfs.allocated(), before.alloc - oldest.used);
});

test("db's space holds still through refreshes, checkpoints and a branch restore (clones start at 0)", async () => {
  const { core } = await demo();
  const seen = [await usedOf(core, '101'), await usedOf(core, '101')];
  const alloc = await allocated(core);
  await core.checkpoint(['101'], { label: 'user one' });
  seen.push(await usedOf(core, '101'));
  const older = snapshots(await core.tree('101')).find((n) => n.label === 'schema v1')!;
  await core.restore('101', { snapshot: older.name });
  seen.push(await usedOf(core, '101'), await usedOf(core, '101'));
  await core.checkpoint(['101']);
  seen.push(await usedOf(core, '101'));
  for (let i = 1; i < seen.length; i++)
    assert.ok(Math.abs(seen[i]! - seen[i - 1]!) <= 256 * 1024, `db's used jumps: ${seen.map((u) => (u / MB).toFixed(1)).join(' -> ')} MiB`);
  assert.ok(Math.abs((await allocated(core)) - alloc) <= 256 * 1024, 'nothing was written, so the pool holds what it held');
  const now = [...(await core.tree('101')).nodes.values()].find((n) => n.kind === 'now' && n.active)!;
  assert.equal(now.referenced, older.referenced, 'the live line holds what the restored checkpoint held');
});

test('a believable history: branchy db, foreign snapshots, a locked and a non-ZFS container, growth between checkpoints', async () => {
  const { core } = await demo();
  const world = await core.refresh();
  const db = await core.tree('101');
  assert.equal(db.branches.length, 3, 'db restored twice');
  assert.equal(snapshots(db).filter((n) => n.class === 'safety').length, 2);
  const build = await core.tree('105');
  assert.equal(snapshots(build).filter((n) => n.class === 'foreign').length, 4, 'sanoid dailies on build');
  // Taken with `pct snapshot`: a section of 106's Proxmox config, so marked as Proxmox's own.
  assert.equal(snapshots(await core.tree('106')).find((n) => n.name === 'before_upgrade')?.foreignSource, 'pve');
  assert.equal(world.containers.find((c) => c.id === '102')!.lock, 'backup');
  assert.ok(!world.containers.find((c) => c.id === '107')!.dataset, '107 is not on ZFS');
  // web grows between its checkpoints, and what it rewrote after each stays with it.
  const web = snapshots(await core.tree('100')).sort((a, b) => a.createtxg - b.createtxg);
  for (let i = 1; i < web.length; i++) assert.ok(web[i]!.referenced > web[i - 1]!.referenced, `web grows: ${web.map((n) => n.referenced).join(' ')}`);
  const older = web.slice(0, -1).map((n) => n.used);
  assert.ok(
    older.every((u) => u > MB),
    `older checkpoints hold what web rewrote since: ${older.join(' ')}`,
  );
  assert.ok(new Set(older).size === older.length, 'and not all the same');
  // The pool near 80 %.
  const pool = world.pools.find((p) => p.name === 'rpool')!;
  assert.ok(pool.capacity >= 75 && pool.capacity <= 85, `pool at ${pool.capacity} %`);
});

test('the demo answers `zfs destroy -nvp ds@A%B` (OpenZFS range syntax) with the range expanded, oldest to newest', async () => {
  const { host, core } = await demo();
  const tree = await core.tree('105');
  const line = snapshots(tree)
    .filter((n) => n.dataset === tree.activeDataset)
    .sort((a, b) => a.createtxg - b.createtxg);
  assert.ok(line.length >= 4, `${line.length} snapshots on 105's line`);
  const run = (spec: string) => host.runner.run({ tool: 'zfs', args: ['destroy', '-nvp', `${tree.activeDataset}@${spec}`], mutates: false });
  const destroyed = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('destroy'));
  const range = await run(`${line[1]!.name}%${line[3]!.name}`);
  assert.deepEqual(
    destroyed(range.stdout),
    line.slice(1, 4).map((n) => `destroy\t${n.fullName}`),
  );
  const listed = await run(
    line
      .slice(1, 4)
      .map((n) => n.name)
      .join(','),
  );
  assert.equal(range.stdout, listed.stdout, 'a range frees what the same names listed free');
  const open = await run(`%${line[1]!.name}`);
  assert.deepEqual(
    destroyed(open.stdout),
    line.slice(0, 2).map((n) => `destroy\t${n.fullName}`),
  );
});

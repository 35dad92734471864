import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../support/cli-process.js';
import { cliConfig, createTestPool, sh, type TestPool } from '../support/real-pool.js';

// The space explainer against zfs itself: known amounts written between checkpoints, then every figure `space --json`
// prints compared byte for byte with `zfs get -Hp` of each snapshot and of the dataset.

const MiB = 2 ** 20;
const ID = 'sp';

let pool: TestPool;
let config: string;
const names: string[] = [];
before(() => {
  pool = createTestPool('space', '256M');
  config = `${pool.dir}/space-config.json`;
  const store = `${pool.dir}/store`;
  writeFileSync(config, JSON.stringify({ ...cliConfig(pool.base, pool.dir), criu: { store } }));
  // A CRIU image of 12345 bytes in the store: counted as the container's images.
  mkdirSync(`${store}/${ID}/checkpoint-1`, { recursive: true });
  writeFileSync(`${store}/${ID}/checkpoint-1/dump.tar.zst`, Buffer.alloc(12345));
});
after(() => pool?.destroy());

const dataset = () => `${pool.base}/${ID}`;

/** Overwrites `[offset, offset + bytes)` of data.bin with fresh random bytes, synced. */
function overwrite(offset: number, bytes: number) {
  const mount = sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', dataset()]).trim();
  const fd = openSync(`${mount}/data.bin`, 'a+');
  closeSync(fd);
  const w = openSync(`${mount}/data.bin`, 'r+');
  writeSync(w, randomBytes(bytes), 0, bytes, offset);
  fsyncSync(w);
  closeSync(w);
}

type Figures = Map<string, Record<string, number | undefined>>;

function zfsGet(): Figures {
  const out: Figures = new Map();
  const text = sh('zfs', ['get', '-Hp', '-r', '-o', 'name,property,value', 'used,referenced,usedbysnapshots,usedbydataset', dataset()]);
  for (const line of text.split('\n').filter(Boolean)) {
    const [name, prop, value] = line.split('\t');
    if (!out.has(name!)) out.set(name!, {});
    out.get(name!)![prop!] = value === '-' ? undefined : Number(value);
  }
  return out;
}

/** zfs-fuse settles its space accounting after a txg sync: wait until two reads a second apart agree. */
async function settled(): Promise<Figures> {
  let last = JSON.stringify([...zfsGet()]);
  for (let i = 0; i < 30; i++) {
    await sleep(1000);
    const now = JSON.stringify([...zfsGet()]);
    if (now === last) return zfsGet();
    last = now;
  }
  throw new Error('zfs space figures never settled');
}

function cli(...args: string[]) {
  const r = runCli([...args, '--config', config]);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('space --json: every figure is zfs get -Hp of that snapshot or dataset, byte for byte', async () => {
  pool.container(ID, 'x');
  const { core } = pool.core();
  const cp = async () => (await core.checkpoint([ID])).checkpoints[0]!.name;
  overwrite(0, 8 * MiB); // 8 MiB of data
  names.push(await cp()); // 1
  overwrite(0, 4 * MiB); // checkpoint 1 alone keeps the old first 4 MiB
  names.push(await cp()); // 2
  overwrite(0, 2 * MiB); // checkpoint 2 alone keeps the 2 MiB written before it
  names.push(await cp()); // 3
  overwrite(4 * MiB, 4 * MiB); // the last 4 MiB, from before checkpoint 1: held by 1, 2 and 3 together
  names.push(await cp()); // 4

  const zfs = await settled();
  const json = JSON.parse(cli('space', ID, '--json'));
  assert.deepEqual(zfsGet(), zfs, 'nothing moved while the CLI read');
  const ds = zfs.get(dataset())!;
  const snaps = names.map((n) => zfs.get(`${dataset()}@${n}`)!);
  const sumUsed = snaps.reduce((n, s) => n + s.used!, 0);

  // Ground truth first: the scenario holds what it was written to hold.
  assert.ok(snaps[0]!.used! >= 4 * MiB && snaps[0]!.used! < 4.5 * MiB, `checkpoint 1 holds the overwritten 4 MiB: ${snaps[0]!.used}`);
  assert.ok(snaps[1]!.used! >= 2 * MiB && snaps[1]!.used! < 2.5 * MiB, `checkpoint 2 holds 2 MiB: ${snaps[1]!.used}`);
  assert.ok(ds.usedbysnapshots! - sumUsed >= 4 * MiB, 'the last 4 MiB are shared between checkpoints 1-3, in no one used');

  const [p] = json.pools;
  assert.equal(p.name, pool.pool);
  const [c] = p.containers;
  assert.equal(c.id, ID);
  assert.equal(c.dataset, dataset());
  assert.equal(c.live, ds.usedbydataset);
  assert.equal(c.snapshotsUnique, sumUsed);
  assert.equal(c.snapshotsShared, ds.usedbysnapshots! - sumUsed);
  assert.equal(c.branches, 0);
  assert.equal(c.images, 12345);
  assert.equal(c.live + c.snapshotsUnique + c.snapshotsShared, ds.used, 'the parts add up to the dataset used');
  assert.equal(c.total, ds.used! + 12345);
  assert.deepEqual(
    c.checkpoints.map((k: { name: string }) => k.name),
    names,
  );
  c.checkpoints.forEach((k: { used: number; referenced: number; written?: number }, i: number) => {
    assert.equal(k.used, snaps[i]!.used, `${names[i]} used`);
    assert.equal(k.referenced, snaps[i]!.referenced, `${names[i]} referenced`);
    assert.equal(k.written, undefined, 'zfs-fuse has no written');
  });

  const text = cli('space', ID);
  assert.match(text, new RegExp(`container ${ID} \\(${dataset()}\\)`));
  assert.match(text, /shared between checkpoints [\d.]+M \(freed only when every checkpoint holding it goes\)/);
  assert.match(text, new RegExp(`${names[0]} +[\\d.]+M +~ +`));
});

test('prune --free --dry-run picks the oldest first and stops as soon as the sum of used reaches the size', async () => {
  assert.equal(names.length, 4, 'runs after the first test');
  const zfs = await settled();
  const used = names.map((n) => zfs.get(`${dataset()}@${n}`)!.used!);
  const plan = (size: number) => {
    const out = JSON.parse(cli('prune', ID, '--free', String(size), '--dry-run', '--json'));
    assert.equal(out.executed, false);
    return out.plans[0];
  };
  const pruned = (p: { items: { action: string; name: string }[] }) => p.items.filter((i) => i.action === 'prune').map((i) => i.name);

  // Exactly checkpoint 1's used: it alone reaches the size.
  const one = plan(used[0]!);
  assert.deepEqual(pruned(one), [names[0]]);
  assert.deepEqual([one.free.bytes, one.free.reached, one.reclaimAccuracy], [used[0], true, 'estimate']);
  // One byte more: checkpoint 2 too, and then it stops (3 stays although more could go).
  const two = plan(used[0]! + 1);
  assert.deepEqual(pruned(two), [names[0], names[1]]);
  assert.equal(two.free.bytes, used[0]! + used[1]!);
  assert.equal(two.items.find((i: { name: string }) => i.name === names[2]).rule, 'free-reached');
  // More than can go: 1-3 (4 is the newest on the active line), and the plan says so.
  const all = plan(1024 * MiB);
  assert.deepEqual(pruned(all), names.slice(0, 3));
  assert.equal(all.free.reached, false);
  assert.equal(all.free.bytes, used[0]! + used[1]! + used[2]!);
  assert.deepEqual(all.free.keptBy, { 'newest-on-active-line': 1 });
  assert.deepEqual(zfsGet().size, zfs.size, 'a dry run destroys nothing');
});

test('space --range on zfs-fuse: the sum of the range used, said to be a lower bound, and destroying it frees at least that', async () => {
  assert.equal(names.length, 4, 'runs after the first test');
  const zfs = await settled();
  const used = names.map((n) => zfs.get(`${dataset()}@${n}`)!.used!);
  const r = JSON.parse(cli('space', ID, '--range', `${names[0]}..${names[2]}`, '--json'));
  assert.equal(r.accuracy, 'lower-bound');
  assert.equal(r.bytes, used[0]! + used[1]! + used[2]!);
  assert.deepEqual(
    r.snapshots.map((s: { name: string }) => s.name),
    names.slice(0, 3),
  );
  const text = cli('space', ID, '--range', `${names[0]}..${names[2]}`);
  assert.match(text, /frees at least [\d.]+M/);
  assert.match(text, /this ZFS cannot compute it/);
  // Ground truth: destroy the range and see what the dataset gives back (the shared 4 MiB goes too).
  const before = zfs.get(dataset())!.used!;
  for (const n of names.slice(0, 3)) sh('zfs', ['destroy', `${dataset()}@${n}`]);
  const freed = before - (await settled()).get(dataset())!.used!;
  assert.ok(freed >= r.bytes, `freed ${freed} >= the lower bound ${r.bytes}`);
  assert.ok(freed >= r.bytes + 4 * MiB, `the shared 4 MiB went with the range: freed ${freed}, bound ${r.bytes}`);
});

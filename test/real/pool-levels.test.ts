import assert from 'node:assert/strict';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { capacityLevel, poolLevel, type PoolReport } from '../../src/core/ops/pools.js';
import { runCli } from '../support/cli-process.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

// A real zfs-fuse pool of 2G (zpool says 1.98G) filled to 93 % and then 96 %: what zpool prints, what the CLI and
// the console's data say. zfs-fuse prints rounded sizes and a CAP column; the level must follow CAP.

let pool: TestPool;
let fd: number;
before(() => {
  pool = createTestPool('lvl', '2G');
  fd = openSync(`${sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', pool.pool]).trim()}/filler`, 'w');
});
after(() => {
  if (fd !== undefined) closeSync(fd);
  pool?.destroy();
});

interface ZpoolRow {
  size: string;
  alloc: string;
  free: string;
  cap: number;
}

/**
 * `zpool list` once the pool's space figures follow what was written: they change when a txg syncs, which a
 * property change forces; read until two readings, each after one, agree on CAP (a reading during a sync can be
 * off). Only CAP: near full, each forced sync itself moves ALLOC and FREE by a tenth of a megabyte (CI saw
 * 96.5M free never read twice), while the percentage the level follows holds still.
 */
function zpoolRow(): ZpoolRow {
  let last: ZpoolRow | undefined;
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    sh('zfs', ['set', `lxcri:tick=${i}`, pool.pool]);
    const line = sh('zpool', ['list', '-H', '-o', 'size,allocated,free,capacity', pool.pool]).trim();
    const [size, alloc, free, cap] = line.split('\t') as [string, string, string, string];
    const row = { size, alloc, free, cap: Number(cap.replace('%', '')) };
    if (last && row.cap === last.cap && row.size === last.size) return row;
    last = row;
    seen.push(line);
  }
  throw new Error(`zpool list never settled: ${seen.join(' | ')}`);
}

/** Writes until zpool's CAP reaches `percent`: 64 MiB steps while far below, then 4 MiB (0.2 %) at a time. */
function fillTo(percent: number): ZpoolRow {
  for (let i = 0; i < 500; i++) {
    const row = zpoolRow();
    if (row.cap >= percent) return row;
    writeSync(fd, Buffer.alloc(row.cap < percent - 3 ? 64 << 20 : 4 << 20, 1));
    fsyncSync(fd);
  }
  throw new Error(`pool never reached ${percent}%`);
}

function cliPool(): { json: PoolReport; text: string } {
  const json = runCli(['--config', pool.configFile, 'pool', '--json']);
  assert.equal(json.status, 0, json.stderr);
  const text = runCli(['--config', pool.configFile, 'pool']);
  assert.equal(text.status, 0, text.stderr);
  const report = (JSON.parse(json.stdout) as { pools: PoolReport[] }).pools.find((p) => p.name === pool.pool)!;
  // Its own pool's line: the machine's daemon may have other pools (an admin's, another test's).
  return { json: report, text: text.stdout.split('\n').find((l) => l.startsWith(`${pool.pool} `)) ?? text.stdout };
}

async function consoleLevel(): Promise<{ capacity: number; level: string }> {
  const world = await pool.core().core.refresh();
  const p = world.pools.find((x) => x.name === pool.pool)!;
  return { capacity: p.capacity, level: poolLevel(p) };
}

test('93 % on zfs-fuse: zpool prints rounded sizes and CAP 93 %; CLI and console say WARNING (critical is from 95 %)', async () => {
  const row = fillTo(93);
  assert.equal(row.cap, 93, `zpool list: ${JSON.stringify(row)}`);
  assert.equal(row.size, '1.98G');
  assert.match(row.alloc, /^\d\.\d\dG$/, 'zfs-fuse rounds to three digits');
  const { json, text } = cliPool();
  assert.equal(json.capacity, 93);
  assert.equal(json.approximate, true);
  assert.equal(json.level, 'warning');
  assert.deepEqual(json.warnings, ['93% full (warning from 80%): prune checkpoints or add space']);
  assert.match(text, new RegExp(`^${pool.pool}  ONLINE  93% used \\(~${row.alloc} of ~1\\.98G, .*\\)  \\[WARNING\\]$`));
  assert.deepEqual(await consoleLevel(), { capacity: 93, level: 'warning' });
  assert.equal(capacityLevel(93), 'warning', 'the capacity bar colour');
});

test('96 % on zfs-fuse: CAP 96 %; CLI and console say CRITICAL', async () => {
  const row = fillTo(96);
  assert.equal(row.cap, 96, `zpool list: ${JSON.stringify(row)}`);
  const { json, text } = cliPool();
  assert.equal(json.capacity, 96);
  assert.equal(json.level, 'critical');
  assert.deepEqual(json.warnings, ['96% full (critical from 95%): prune checkpoints or add space']);
  assert.match(text, /  96% used .*\[CRITICAL\]$/);
  assert.deepEqual(await consoleLevel(), { capacity: 96, level: 'critical' });
});

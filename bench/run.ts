// npm run bench: figures for the runtime core on a real zfs-fuse pool, printed side by side with their goals.
// It asserts nothing; it prints what it measured. Needs root and zfs-fuse (scripts/setup-host.sh).
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { Inventory } from '../src/core/model/inventory.js';
import { buildTree } from '../src/core/model/tree.js';
import { spaceReport } from '../src/core/model/space.js';
import { ExecaRunner } from '../src/core/runner/execa-runner.js';
import { summarizeContainers } from '../src/core/world.js';
import { parseZfsGet } from '../src/core/tools/zfs/parse.js';
import { listingProperties } from '../src/core/tools/zfs/properties.js';
import { createTestPool, sh } from '../test/support/real-pool.js';
import { consoleFigures } from './console.js';
import { clusterRefreshFigures } from './cluster-refresh.js';
import { replicateFigures } from './replicate.js';
import { fileDiffFigures } from './file-diff.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function zfs(...args: string[]) {
  await execa('zfs', args);
}

execFileSync('bash', ['scripts/setup-host.sh'], { stdio: 'inherit' });
const pool = createTestPool('bench', '1G');
const rows: string[][] = [];
try {
  // (a) checkpoint and branch restore: raw zfs commands vs the core's operation, alternating, medians.
  pool.container('raw', 'x');
  pool.container('core', 'x');
  const { core, spawns } = pool.core();
  await core.refresh();
  const rawCk: number[] = [];
  const coreCk: number[] = [];
  for (let i = 0; i < 10; i++) {
    rawCk.push(
      await time(() =>
        zfs('snapshot', '-o', 'lxcri:kind=checkpoint', '-o', 'lxcri:created-by=root', '-o', 'lxcri:host=h', `${pool.base}/raw@checkpoint-${1000 + i}`),
      ),
    );
    coreCk.push(await time(() => core.checkpoint(['core'])));
  }
  rows.push(['checkpoint: core / raw zfs', `${ms(median(coreCk))} / ${ms(median(rawCk))}`, (median(coreCk) / median(rawCk)).toFixed(2) + 'x', '<= 1.2x']);

  const rawRs: number[] = [];
  const coreRs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const D = `${pool.base}/raw`;
    const tmp = `${pool.base}/lxcri-restore-raw-${i}`;
    const B = `${pool.base}/lxcri-br-raw-${i}`;
    rawRs.push(
      await time(async () => {
        await zfs('snapshot', '-o', 'lxcri:kind=safety', `${D}@pre-restore-${i}`);
        await zfs('clone', `${D}@checkpoint-1000`, tmp);
        await zfs('unmount', D);
        await zfs('unmount', tmp);
        await zfs('rename', D, B);
        await zfs('set', `lxcri:branch=raw@${i}`, B);
        await zfs('rename', tmp, D);
        await zfs('promote', D);
        await zfs('mount', D);
        await zfs('mount', B);
      }),
    );
    const first = [...(await core.tree('core')).nodes.values()].find((n) => n.name.startsWith('checkpoint-'))!;
    coreRs.push(await time(() => core.restore('core', { snapshot: first.fullName })));
  }
  rows.push(['branch restore: core / raw zfs', `${ms(median(coreRs))} / ${ms(median(rawRs))}`, (median(coreRs) / median(rawRs)).toFixed(2) + 'x', '<= 1.2x']);

  // (b) process spawns per world refresh with 200 datasets.
  const wide = `${pool.pool}/wide`;
  sh('zfs', ['create', wide]);
  for (let i = 0; i < 200; i++) sh('zfs', ['create', `${wide}/ct${i}`]);
  const cold = pool.core({
    config: (c) => {
      c.zfs.base_dataset = wide;
    },
  });
  await cold.core.refresh();
  const coldSpawns = cold.spawns();
  await cold.core.refresh();
  const warmSpawns = cold.spawns() - coldSpawns;
  rows.push(['spawns per refresh, 200 datasets (first / later)', `${coldSpawns} / ${warmSpawns}`, String(coldSpawns), '<= 4']);

  // (c) parse + tree build for 10,000 snapshot rows vs the raw listing.
  const deep = `${pool.pool}/deep`;
  sh('zfs', ['create', deep]);
  for (let i = 0; i < 100; i++) sh('zfs', ['create', `${deep}/ct${i}`]);
  for (let j = 0; j < 100; j++) sh('zfs', ['snapshot', '-r', `${deep}@checkpoint-${2000 + j}`]);
  const props = listingProperties({ written: false });
  const listing: number[] = [];
  let stdout = '';
  for (let k = 0; k < 3; k++) {
    listing.push(
      await time(async () => {
        stdout = (await execa('zfs', ['get', '-Hp', '-r', '-o', 'name,property,value', props.join(','), deep])).stdout;
      }),
    );
  }
  const build: number[] = [];
  let snapshots = 0;
  for (let k = 0; k < 5; k++) {
    build.push(
      await time(() => {
        const inv = new Inventory(parseZfsGet(stdout));
        snapshots = inv.records.filter((r) => r.type === 'snapshot').length;
        for (let i = 0; i < 100; i++) buildTree(`ct${i}`, `${deep}/ct${i}`, inv);
      }),
    );
  }
  rows.push([
    `parse + trees, ${snapshots} snapshots: build / listing`,
    `${ms(median(build))} / ${ms(median(listing))}`,
    (median(build) / median(listing)).toFixed(2) + 'x',
    '<= 0.3x',
  ]);

  // (d) the space explainer on the same 10,000 snapshots: a space read spawns one zfs listing (no process per
  // checkpoint), and computing the report from the listing costs a fraction of the listing's time.
  const spaceCommands: string[] = [];
  const spacer = pool.core({
    config: (c) => {
      c.zfs.base_dataset = deep;
      c.criu.store = `${pool.dir}/store`;
    },
    ctx: { runner: new ExecaRunner({ defaultTimeoutMs: 120_000, onSpawn: (c) => spaceCommands.push([c.tool, ...c.args.slice(0, 1)].join(' ')) }) },
  });
  await spacer.core.space(); // detects the flavour once, as any session's first read does
  spaceCommands.length = 0;
  const report = await spacer.core.space();
  const spaceRead = spaceCommands.splice(0);
  const zfsListings = spaceRead.filter((c) => c === 'zfs get' || c === 'zfs list').length;
  const spaceCheckpoints = report.pools.flatMap((p) => p.containers).reduce((n, c) => n + c.checkpoints.length, 0);
  const caps = await spacer.core.ctx.zfs.detect();
  const pools = await spacer.core.ctx.zpool.list(caps);
  const containers = Array.from({ length: 100 }, (_, i) => ({
    id: `ct${i}`,
    name: `ct${i}`,
    status: 'stopped' as const,
    sources: ['zfs' as const],
    dataset: `${deep}/ct${i}`,
    mounts: [],
  }));
  const spaceInv = new Inventory(parseZfsGet(stdout));
  const compute: number[] = [];
  for (let k = 0; k < 5; k++) compute.push(await time(() => spaceReport(spaceInv, summarizeContainers(containers, spaceInv), pools)));
  rows.push([
    `space on ${spaceCheckpoints} checkpoints: compute / listing`,
    `${ms(median(compute))} / ${ms(median(listing))}`,
    (median(compute) / median(listing)).toFixed(3) + 'x',
    '<= 0.3x',
  ]);
  rows.push([
    'space read: zfs listings / processes in all',
    `${zfsListings} / ${spaceRead.length} (${spaceRead.join(', ')})`,
    String(zfsListings),
    '1 listing',
  ]);
  rows.push(['(context) processes spawned by the core in (a)', String(spawns()), '', '']);
} finally {
  pool.destroy();
}
rows.push(...(await clusterRefreshFigures()));
rows.push(...(await replicateFigures()));
rows.push(...(await fileDiffFigures()));
rows.push(...(await consoleFigures()));

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['figure', 'measured', 'ratio', 'goal'][i]!.length));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(`\nlxcri-console core benchmark (zfs-fuse, ${new Date().toISOString()})`);
console.log(line(['figure', 'measured', 'ratio', 'goal']));
for (const r of rows) console.log(line(r));

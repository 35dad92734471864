// The file diff on zfs-fuse (issue 12) against the tool an admin would reach for, side by side in one run, on a
// container holding 10,000 files (100 directories of 100), with 1% modified, 0.5% removed and 0.5% added between two
// checkpoints A and B:
//   (a) `core.diff(A, B)`: the journaled temporary clones made, both trees walked and compared in this process, the
//       clones destroyed;
//   (b) by hand: `zfs clone` A and B read-only, `rsync -rn --itemize-changes B/ A/`, `zfs destroy` both (zfs-fuse has
//       no `.zfs/snapshot`: rsync needs the same clones), and the rsync alone within that;
// alternating, medians. Goal: (a) <= 1.5x (b). Each round mounts fresh clones, so both read cold FUSE caches (a tree
// walked again on the same mount is several times faster, for rsync and for us alike: shown for context).
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { compareIndexes } from '../src/core/model/file-diff.js';
import { walkIndex } from '../src/core/ops/local-files.js';
import { RunnerFiles } from '../src/core/ops/node-files.js';
import { ExecaRunner } from '../src/core/runner/execa-runner.js';
import { createTestPool, sh } from '../test/support/real-pool.js';

const FILES = 10_000;
const PER_DIR = 100;
const ROUNDS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function fileDiffFigures(): Promise<string[][]> {
  const pool = createTestPool('bdiff', '1G');
  const trees = `/var/tmp/lxcri-test/${pool.pool}-trees`;
  try {
    const ds = pool.container('web', 'x');
    const mp = sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', ds]).trim();
    for (let d = 0; d < FILES / PER_DIR; d++) {
      mkdirSync(`${mp}/d${d}`);
      for (let f = 0; f < PER_DIR; f++) writeFileSync(`${mp}/d${d}/f${f}`, `file ${d}/${f}\n`);
    }
    const { core } = pool.core();
    const a = (await core.checkpoint(['web'])).checkpoints[0]!.name;
    for (let i = 0; i < FILES / 100; i++) writeFileSync(`${mp}/d${i}/f0`, `modified ${i}\n`);
    for (let i = 0; i < FILES / 200; i++) unlinkSync(`${mp}/d${i}/f1`);
    for (let i = 0; i < FILES / 200; i++) writeFileSync(`${mp}/d${i}/new`, `added ${i}\n`);
    const b = (await core.checkpoint(['web'])).checkpoints[0]!.name;
    let changes = 0;
    let itemized = 0;
    const coreRuns: number[] = [];
    const byHand: number[] = [];
    const rsyncCold: number[] = [];
    const rsync = async () => {
      const r = await execa('rsync', ['-rn', '--itemize-changes', `${trees}/b/`, `${trees}/a/`], { reject: false });
      itemized = r.stdout.split('\n').filter(Boolean).length;
    };
    mkdirSync(trees, { recursive: true });
    const mount = async () => {
      for (const [name, snap] of [
        ['a', a],
        ['b', b],
      ] as const) {
        await execa('zfs', ['clone', '-o', 'readonly=on', '-o', `mountpoint=${trees}/${name}`, `${ds}@${snap}`, `${pool.base}/rsync-${name}`]);
      }
    };
    const unmount = async () => {
      for (const name of ['a', 'b']) await destroy(`${pool.base}/rsync-${name}`);
    };
    for (let i = 0; i < ROUNDS; i++) {
      coreRuns.push(await time(async () => (changes = (await core.diff('web', a, b)).changes.length)));
      byHand.push(
        await time(async () => {
          await mount();
          rsyncCold.push(await time(rsync));
          await unmount();
        }),
      );
    }
    // Context, outside the timings above: the walk another node gets (one `find -printf` per tree, through a runner),
    // here on this machine, on fresh mounts against the in-process walk on fresh mounts; then warm mounts.
    const finder = new RunnerFiles(new ExecaRunner({ defaultTimeoutMs: 120_000 }));
    const findCold: number[] = [];
    const walkCold: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      for (const [runs, walk] of [
        [findCold, (root: string) => finder.walk(root)],
        [walkCold, walkIndex],
      ] as const) {
        await mount();
        runs.push(await time(async () => compareIndexes(...(await Promise.all([walk(`${trees}/a`), walk(`${trees}/b`)])))));
        await unmount();
      }
    }
    await mount();
    await rsync();
    const rsyncWarm = await time(rsync);
    const walkWarm = await time(async () => compareIndexes(...(await Promise.all([walkIndex(`${trees}/a`), walkIndex(`${trees}/b`)]))));
    const findWarm = await time(async () => compareIndexes(...(await Promise.all([finder.walk(`${trees}/a`), finder.walk(`${trees}/b`)]))));
    await unmount();
    const ratio = median(coreRuns) / median(byHand);
    return [
      [
        `diff of 2 checkpoints, ${FILES} files (${changes} changes): core / clones + rsync -rn (${itemized} itemized) by hand`,
        `${ms(median(coreRuns))} / ${ms(median(byHand))}`,
        `${ratio.toFixed(2)}x`,
        '<= 1.5x',
      ],
      [
        '(context) core diff / the rsync -rn alone, cold mounts',
        `${ms(median(coreRuns))} / ${ms(median(rsyncCold))}`,
        `${(median(coreRuns) / median(rsyncCold)).toFixed(2)}x`,
        '',
      ],
      ['(context) walk + compare / rsync -rn, warm mounts', `${ms(walkWarm)} / ${ms(rsyncWarm)}`, `${(walkWarm / rsyncWarm).toFixed(2)}x`, ''],
      [
        '(context) find -printf walk (remote nodes) / in-process walk, + compare, cold mounts',
        `${ms(median(findCold))} / ${ms(median(walkCold))}`,
        `${(median(findCold) / median(walkCold)).toFixed(2)}x`,
        '',
      ],
      [
        '(context) find -printf walk / in-process walk, + compare, warm mounts',
        `${ms(findWarm)} / ${ms(walkWarm)}`,
        `${(findWarm / walkWarm).toFixed(2)}x`,
        '',
      ],
    ];
  } finally {
    pool.destroy();
    rmSync(trees, { recursive: true, force: true });
  }
}

/** zfs-fuse may call a just-unmounted clone busy for a moment: retried as the core does. */
async function destroy(name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const r = await execa('zfs', ['destroy', name], { reject: false });
    if (r.exitCode === 0) return;
    if (attempt >= 20 || !/busy/.test(r.stderr)) throw new Error(`zfs destroy ${name}: ${r.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Alone: `tsx bench/file-diff.ts`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const row of await fileDiffFigures()) console.log(row.join('  '));
}

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { ExecaRunner } from '../../src/core/runner/execa-runner.js';
import { reportBusyWaits } from '../../src/core/tools/zfs/busy.js';
import { Zfs } from '../../src/core/tools/zfs/zfs.js';
import { createLxcContainer, destroyLxc, lxcState } from '../support/lxc.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

/*
 * Issue 7, finding 8c: on zfs-fuse a branch restore right after another restore of the same container failed at
 * "rename <dataset> to lxcri-br-*" with "dataset is busy". What holds it is the previous restore's branch: a mounted
 * clone of one of the dataset's snapshots. `zfs rename` unmounts it first, but zfs-fuse disowns an unmounted dataset
 * later, in its daemon, so the rename is refused while the clone still holds its origin snapshot; zfs then mounts
 * the clone again, and every retry of the same command replays the race (it stayed busy for up to 90 s).
 */

let pool: TestPool;
let lxcpath: string;

before(() => {
  pool = createTestPool('busy', '512M');
  lxcpath = `${pool.dir}/lxc`;
});
after(() => {
  destroyLxc(lxcpath, 'web');
  pool?.destroy();
});

const mounted = (ds: string) => sh('zfs', ['get', '-H', '-o', 'value', 'mounted', ds]).trim();
const mountpoint = (ds: string) => sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', ds]).trim();

test('renaming a dataset whose snapshot has a mounted clone, back and forth: every rename goes through, the clone stays mounted', async () => {
  const d = `${pool.base}/swap`;
  const away = `${pool.base}/swap-away`;
  const clone = `${pool.base}/swap-clone`;
  sh('zfs', ['create', d]);
  writeFileSync(`${mountpoint(d)}/state.txt`, 'line');
  sh('zfs', ['snapshot', `${d}@s`]);
  sh('zfs', ['clone', `${d}@s`, clone]);
  writeFileSync(`${mountpoint(clone)}/state.txt`, 'branch');
  sh('zfs', ['unmount', d]);
  const zfs = new Zfs(new ExecaRunner());
  const heard: string[] = [];
  for (let i = 0; i < 8; i++) {
    const [from, to] = i % 2 === 0 ? [d, away] : [away, d];
    await reportBusyWaits(
      (line) => heard.push(line),
      () => zfs.rename(from, to),
    );
    assert.deepEqual(
      pool.datasets().filter((n) => n.startsWith(`${pool.base}/swap`)),
      [to, clone].sort(),
    );
    assert.equal(sh('zfs', ['get', '-H', '-o', 'value', 'origin', clone]).trim(), `${to}@s`);
    assert.equal(mounted(clone), 'yes', `the clone is mounted again after rename ${i + 1}`);
    assert.equal(readFileSync(`${mountpoint(clone)}/state.txt`, 'utf8'), 'branch');
  }
  sh('zfs', ['mount', d]);
  assert.equal(readFileSync(`${mountpoint(d)}/state.txt`, 'utf8'), 'line');
  if (heard.length) console.log(`busy waits reported:\n  ${heard.join('\n  ')}`);
});

test('back-to-back branch restores of a running LXC container, each undone by the next: all succeed, ground truth right after each', async () => {
  const dataset = `${pool.pool}/lxc/web`;
  createLxcContainer(lxcpath, 'web', dataset, true);
  const rootfs = `${mountpoint(dataset)}/rootfs`;
  writeFileSync(`${rootfs}/data.txt`, 'v1');
  const c = pool.core({
    config: (cfg) => {
      cfg.lxc.path = lxcpath;
      cfg.container.shutdown_timeout_seconds = 1;
    },
  }).core;
  const cp = (await c.checkpoint(['web'], { label: 'v1' })).checkpoints[0]!.name;
  writeFileSync(`${rootfs}/data.txt`, 'v2');
  const heard: string[] = [];
  let expected = 'v1';
  let target = cp;
  for (let n = 1; n <= 6; n++) {
    // Restore the checkpoint (v1), then undo that restore by restoring its safety snapshot (v2), and so on.
    const r = await reportBusyWaits(
      (line) => heard.push(`restore ${n}: ${line}`),
      () => c.restore('web', { snapshot: target }),
    );
    if (r.mode !== 'branch') throw new Error('expected a branch restore');
    assert.deepEqual([r.stopped, r.started], [true, true], `restore ${n}`);
    assert.equal(lxcState(lxcpath, 'web'), 'RUNNING', `restore ${n}: running again`);
    assert.equal(readFileSync(`${rootfs}/data.txt`, 'utf8'), expected, `restore ${n}: the container's rootfs holds the restored state`);
    assert.equal(
      readFileSync(`${mountpoint(r.branchDataset)}/rootfs/data.txt`, 'utf8'),
      expected === 'v1' ? 'v2' : 'v1',
      `restore ${n}: the branch holds the state before it`,
    );
    const listing = sh('zfs', ['list', '-H', '-o', 'name,mounted', '-t', 'filesystem', '-r', `${pool.pool}/lxc`])
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
    assert.deepEqual(
      listing.filter(([, m]) => m !== 'yes'),
      [],
      `restore ${n}: every dataset is mounted (the branches too)`,
    );
    assert.equal(listing.filter(([name]) => name!.includes('/lxcri-br-web-')).length, n, `restore ${n}: one branch per restore`);
    assert.equal(listing.filter(([name]) => name!.includes('/lxcri-restore-')).length, 0, `restore ${n}: no clone left over`);
    assert.ok(pool.snapshots().includes(r.safetySnapshot), `restore ${n}: the safety snapshot is on the branch`);
    target = r.safetySnapshot;
    expected = expected === 'v1' ? 'v2' : 'v1';
  }
  if (heard.length) console.log(`busy waits reported:\n  ${heard.join('\n  ')}`);
});

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli-process.js';
import { createLxcContainer, destroyLxc } from '../support/lxc.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

// A stateful checkpoint (CRIU dump through the stand-in criu, ZFS snapshot, archive into the store) killed after
// each step is reported at the next start, and recover --undo leaves nothing behind while --finish publishes it.

const STANDIN = new URL('../fixtures/criu-standin', import.meta.url).pathname;
let pool: TestPool;
let lxcpath: string;
let config: string;
let store: string;

before(() => {
  pool = createTestPool('skill', '512M');
  lxcpath = `${pool.dir}/lxc`;
  store = `${pool.dir}/images`;
  const cfg = JSON.parse(readFileSync(pool.configFile, 'utf8'));
  cfg.lxc = { path: lxcpath };
  cfg.criu = { store };
  config = `${pool.dir}/lxc-config.json`;
  writeFileSync(config, JSON.stringify(cfg));
});
after(() => {
  destroyLxc(lxcpath, 'sk');
  pool?.destroy();
});

const env = (failpoint?: string) => ({ PATH: `${STANDIN}:${process.env.PATH}`, ...(failpoint ? { LXCRI_FAILPOINT: failpoint } : {}) });

function interruptedId(): string {
  const r = runCli(['recover', '--json', '--config', config]);
  assert.equal(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout).interrupted as Array<{ id: string; operation: string }>;
  assert.equal(list.length, 1, JSON.stringify(list));
  assert.equal(list[0]!.operation, 'stateful-checkpoint');
  return list[0]!.id;
}

/** What the store holds for the container, scratch directories included. */
function storeEntries(): string[] {
  return existsSync(`${store}/sk`)
    ? readdirSync(`${store}/sk`)
        .filter((n) => !n.endsWith('.log'))
        .sort()
    : [];
}

test('stateful checkpoint killed after each step: warned, undone without a trace, or finished into the store', () => {
  const dataset = `${pool.pool}/lxc/sk`;
  createLxcContainer(lxcpath, 'sk', dataset, true);
  const snapshots = () => pool.snapshots().filter((s) => s.startsWith(`${dataset}@`));

  for (const step of [0, 1, 2]) {
    const before = { snaps: snapshots(), store: storeEntries() };
    const killed = runCli(['checkpoint', 'sk', '--stateful', '--config', config], env(`stateful-checkpoint:${step}:after`));
    assert.equal(killed.signal, 'SIGKILL', `step ${step}: ${killed.stderr}`);
    const listed = runCli(['list', '--config', config]);
    assert.match(listed.stderr, /warning: interrupted stateful-checkpoint of sk/);
    const undo = runCli(['recover', interruptedId(), '--undo', '--yes', '--config', config]);
    assert.equal(undo.status, 0, undo.stderr);
    assert.deepEqual(snapshots(), before.snaps, `step ${step}: undo removes the snapshot`);
    assert.deepEqual(storeEntries(), before.store, `step ${step}: undo removes the dump and the archive`);
  }

  // Killed after the dump was done, before the snapshot: finishing would pair that old dump with a snapshot of now, so it is refused; and gc
  // leaves the dump alone while the operation waits for recovery.
  const early = runCli(['checkpoint', 'sk', '--stateful', '--config', config], env('stateful-checkpoint:1:before'));
  assert.equal(early.signal, 'SIGKILL');
  const earlyId = interruptedId();
  const gc = runCli(['gc', '--retention-hours', '0', '--config', config]);
  assert.equal(gc.status, 0, gc.stderr);
  assert.equal(storeEntries().length, 1, 'the scratch dump survives gc');
  const refused = runCli(['recover', earlyId, '--finish', '--yes', '--config', config]);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /taken before the interruption/);
  assert.equal(runCli(['recover', interruptedId(), '--undo', '--yes', '--config', config]).status, 0);
  assert.deepEqual(storeEntries(), []);

  const killed = runCli(['checkpoint', 'sk', '--stateful', '--config', config], env('stateful-checkpoint:1:after'));
  assert.equal(killed.signal, 'SIGKILL');
  const finish = runCli(['recover', interruptedId(), '--finish', '--yes', '--config', config]);
  assert.equal(finish.status, 0, finish.stderr);
  const [snap, ...more] = snapshots();
  assert.ok(snap && more.length === 0, `one checkpoint: ${snapshots().join(', ')}`);
  const image = sh('zfs', ['get', '-H', '-o', 'value', 'lxcri:image', snap]).trim();
  assert.deepEqual(storeEntries(), [image.split('/').pop()], 'only the published image, no scratch left');
  assert.ok(existsSync(`${image}/.checkpoint-complete`) && !existsSync(`${image}/.inprogress`));
  assert.equal(JSON.parse(readFileSync(`${image}/manifest.json`, 'utf8')).zfs_snapshot, snap);

  // Killed while the dump was in flight (not marked done): finishing dumps again, now, into a fresh directory.
  assert.equal(runCli(['checkpoint', 'sk', '--stateful', '--config', config], env('stateful-checkpoint:0:after')).signal, 'SIGKILL');
  const redo = runCli(['recover', interruptedId(), '--finish', '--yes', '--config', config], env());
  assert.equal(redo.status, 0, redo.stderr);
  const second = snapshots().find((s) => s !== snap)!;
  const secondImage = sh('zfs', ['get', '-H', '-o', 'value', 'lxcri:image', second]).trim();
  assert.ok(existsSync(`${secondImage}/.checkpoint-complete`) && !existsSync(`${secondImage}/.inprogress`));
});

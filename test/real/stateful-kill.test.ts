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
});

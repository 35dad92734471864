import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { resolveArtifactUri } from '../../src/core/criu/artifact-uri.js';
import { criuRestoreFromDir } from '../../src/core/criu/restore-from-dir.js';
import { sha256File } from '../../src/core/criu/store.js';
import { LxcriError } from '../../src/core/errors.js';
import { runCli } from '../support/cli-process.js';
import { createLxcContainer, destroyLxc, lxcState } from '../support/lxc.js';
import { createTestPool, type TestPool } from '../support/real-pool.js';

const STANDIN = new URL('../fixtures/criu-standin', import.meta.url).pathname;
let pool: TestPool;
let lxcpath: string;
let store: string;
let config: string;

before(() => {
  pool = createTestPool('criurd', '512M');
  lxcpath = `${pool.dir}/lxc`;
  store = `${pool.dir}/images`;
  config = `${pool.dir}/rd-config.json`;
  writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(pool.configFile, 'utf8')), lxc: { path: lxcpath }, criu: { store } }));
});
after(() => {
  destroyLxc(lxcpath, 'rd');
  pool?.destroy();
});

const withEnv = async <T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> => {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(env)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
};

test('checkpoint --stateful --json lists its artifacts as shared:// URIs; restore from a copy outside the store', async () => {
  createLxcContainer(lxcpath, 'rd', `${pool.pool}/lxc/rd`, true);
  const r = runCli(['checkpoint', 'rd', '--stateful', '--json', '--config', config], { PATH: `${STANDIN}:${process.env.PATH}` });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { checkpointId: string; image: string; artifacts: Array<{ name: string; uri: string; sha256: string; size: number }> };
  assert.deepEqual(
    out.artifacts.map((a) => [a.name, a.uri]),
    [['dump.tar.zst', `shared://rd/${out.checkpointId}/dump.tar.zst`]],
  );
  const archive = resolveArtifactUri(store, out.artifacts[0]!.uri);
  assert.equal(archive, `${out.image}/dump.tar.zst`);
  assert.equal(out.artifacts[0]!.sha256, await sha256File(archive));
  assert.deepEqual(JSON.parse(readFileSync(`${out.image}/manifest.json`, 'utf8')).artifacts, out.artifacts);

  // The image copied to another place, as an operator would carry it to another node.
  const elsewhere = `${pool.dir}/elsewhere/${out.checkpointId}`;
  cpSync(out.image, elsewhere, { recursive: true });
  const before = readdirSync(elsewhere).sort();
  execFileSync('lxc-stop', ['-P', lxcpath, '-n', 'rd', '-k']);
  const c = pool.core({
    config: (cfg) => {
      cfg.lxc.path = lxcpath;
      cfg.criu.store = store;
    },
  }).core;
  const argsFile = `${pool.dir}/criu-args`;

  // lxc-checkpoint -r cannot bring a stand-in's processes back: the CRIU restore fails for real, with its reason.
  await assert.rejects(
    withEnv({ PATH: `${STANDIN}:${process.env.PATH}`, CRIU_STANDIN_ARGS: argsFile }, () => criuRestoreFromDir(c.ctx, 'rd', elsewhere)),
    (e: unknown) =>
      e instanceof LxcriError &&
      e.code === 'criu-restore-failed' &&
      /^CRIU restore of rd failed: .*; its filesystem is restored and it is stopped$/.test(e.message),
  );
  assert.equal(lxcState(lxcpath, 'rd'), 'STOPPED');
  // CRIU was pointed at a scratch directory of the store (marked in progress while it ran), not at the copy.
  const restoreCall = readFileSync(argsFile, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('restore'));
  assert.ok(restoreCall, readFileSync(argsFile, 'utf8'));
  assert.match(restoreCall, new RegExp(`${store}/rd/\\.tmp-restore-${out.checkpointId}-${process.pid}/images`));
  assert.deepEqual(readdirSync(elsewhere).sort(), before, 'the image directory is only read');
  assert.deepEqual(
    readdirSync(`${store}/rd`).filter((n) => n.startsWith('.tmp-')),
    [],
    'the scratch directory is gone',
  );

  const cold = await withEnv({ PATH: `${STANDIN}:${process.env.PATH}` }, () => criuRestoreFromDir(c.ctx, 'rd', elsewhere, { coldFallback: true }));
  assert.equal(cold, 'cold');
  assert.equal(lxcState(lxcpath, 'rd'), 'RUNNING');
  execFileSync('lxc-stop', ['-P', lxcpath, '-n', 'rd', '-k']);

  // A corrupted copy is caught by its sha256 before CRIU or LXC runs.
  writeFileSync(`${elsewhere}/dump.tar.zst`, 'garbage');
  writeFileSync(argsFile, '');
  await assert.rejects(
    withEnv({ PATH: `${STANDIN}:${process.env.PATH}`, CRIU_STANDIN_ARGS: argsFile }, () => criuRestoreFromDir(c.ctx, 'rd', elsewhere)),
    (e: unknown) => e instanceof LxcriError && /^CRIU restore of rd failed: CRIU image .* is corrupt: sha256 /.test(e.message) && !e.message.includes('\n'),
  );
  assert.equal(readFileSync(argsFile, 'utf8'), '', 'CRIU never ran');
  assert.equal(lxcState(lxcpath, 'rd'), 'STOPPED');
  assert.ok(!existsSync(`${elsewhere}/restore-${process.pid}`));
});

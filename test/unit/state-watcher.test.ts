import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StateWatcher } from '../../src/core/state/watcher.js';
import { createCoreStore, type CoreState } from '../../src/core/store.js';

/** Resolves when the store satisfies `pred` (checked on every update), or rejects after `ms`. */
function until(store: ReturnType<typeof createCoreStore>, pred: (s: CoreState) => boolean, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pred(store.getState())) return resolve();
    const timer = setTimeout(() => {
      unsub();
      reject(new Error('timed out waiting for the store'));
    }, ms);
    const unsub = store.subscribe((s) => {
      if (pred(s)) {
        clearTimeout(timer);
        unsub();
        resolve();
      }
    });
  });
}

const state = (id: string, status: string) => JSON.stringify({ ociVersion: '1.0.2', id, status, pid: 100, bundle: `/b/${id}`, annotations: {} });

test('the watcher survives a missing, deleted and recreated state dir, and marks malformed state files', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'lxcri-watch-')), 'state');
  const store = createCoreStore();
  const w = new StateWatcher(dir, store, { pollMs: 50 });
  w.start();
  try {
    mkdirSync(join(dir, 'containers', 'web'), { recursive: true });
    writeFileSync(join(dir, 'containers', 'web', 'state.json'), state('web', 'running'));
    await until(store, (s) => s.runtimeStates.web?.status === 'running');

    mkdirSync(join(dir, 'containers', 'bad'), { recursive: true });
    writeFileSync(join(dir, 'containers', 'bad', 'state.json'), '{"id": "bad",');
    await until(store, (s) => Boolean(s.runtimeStates.bad?.error));
    assert.match(store.getState().runtimeStates.bad!.error!, /^state\.json: /);
    assert.equal(store.getState().runtimeStates.web?.status, 'running', 'one bad file does not disturb the others');

    rmSync(dir, { recursive: true, force: true });
    await until(store, (s) => !s.runtimeStates.web);
    mkdirSync(join(dir, 'containers', 'db'), { recursive: true });
    writeFileSync(join(dir, 'containers', 'db', 'state.json'), state('db', 'stopped'));
    await until(store, (s) => s.runtimeStates.db?.status === 'stopped');
  } finally {
    await w.stop();
  }
});

test('bursts are coalesced: at most one store update per 100 ms', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-watch-'));
  mkdirSync(join(dir, 'containers', 'web'), { recursive: true });
  mkdirSync(join(dir, 'runtime'), { recursive: true });
  const store = createCoreStore();
  const w = new StateWatcher(dir, store);
  w.start();
  try {
    await new Promise((r) => setTimeout(r, 300));
    const before = w.flushes;
    const started = Date.now();
    for (let i = 0; i < 200; i++) {
      writeFileSync(join(dir, 'containers', 'web', 'state.json'), state('web', i % 2 ? 'running' : 'stopped'));
      appendFileSync(join(dir, 'runtime', 'events.log'), JSON.stringify({ ts: 't', operation: 'checkpoint', target: `ct${i}`, result: 'ok' }) + '\n');
    }
    await until(store, (s) => s.events.length === 200);
    const elapsed = Date.now() - started;
    const flushes = w.flushes - before;
    assert.ok(flushes <= Math.ceil(elapsed / 100) + 1, `${flushes} store updates in ${elapsed} ms`);
    assert.deepEqual(
      store
        .getState()
        .events.slice(0, 2)
        .map((e) => e.target),
      ['ct0', 'ct1'],
    );
  } finally {
    await w.stop();
  }
});

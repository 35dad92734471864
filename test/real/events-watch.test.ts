import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { StateWatcher } from '../../src/core/state/watcher.js';
import { createCoreStore } from '../../src/core/store.js';
import { runCli } from '../support/cli-process.js';
import { createTestPool, type TestPool } from '../support/real-pool.js';

let pool: TestPool;
before(() => {
  pool = createTestPool('ev');
});
after(() => pool?.destroy());

test("another console watching the state directory sees this one's operation appear", async () => {
  pool.container('web');
  const stateDir = JSON.parse(readFileSync(pool.configFile, 'utf8')).state_dir as string;
  const store = createCoreStore();
  const watcher = new StateWatcher(stateDir, store, { pollMs: 50 });
  watcher.start();
  try {
    const seen = new Promise<void>((resolve) => {
      const unsub = store.subscribe((s) => {
        if (s.events.some((e) => e.operation === 'checkpoint' && e.target === 'web' && e.result === 'ok')) {
          unsub();
          resolve();
        }
      });
    });
    const r = runCli(['checkpoint', 'web', '--config', pool.configFile], { SSH_CLIENT: '192.0.2.7 40000 22' });
    assert.equal(r.status, 0, r.stderr);
    await Promise.race([seen, new Promise((_r, reject) => setTimeout(() => reject(new Error('no event within 5 s')), 5000))]);
    const event = store.getState().events.find((e) => e.operation === 'checkpoint')!;
    assert.equal(event.ssh_client, '192.0.2.7 40000 22');
    assert.ok(event.duration_ms >= 0);
  } finally {
    await watcher.stop();
  }
  writeFileSync(`${pool.dir}/done`, '');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mutationsDone, waitingLine } from '../../src/app/shutdown.js';
import { createCoreStore } from '../../src/core/store.js';

test('mutationsDone resolves at once when nothing changes, else when the last change ends (not a mere read)', async () => {
  const store = createCoreStore();
  await mutationsDone(store);
  store.setState({ busy: 2, mutating: 1 });
  let done = false;
  const waiting = mutationsDone(store).then(() => (done = true));
  store.setState({ busy: 1 });
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false);
  store.setState({ busy: 1, mutating: 0 });
  await waiting;
  assert.equal(done, true, 'a refresh still running is not waited for');
});

test('the waiting line is one line naming the operation and its step, escaped; a refresh is not named', () => {
  const line = waitingLine({ ...createCoreStore().getState(), mutating: 1, operation: { title: 'restore 101\x1b[2J', step: 'rename\nx', startedAt: 0 } });
  assert.match(line, /^lxcri-console: waiting for the running operation to finish \(restore 101\\x1b\[2J: rename\\nx\); a second signal exits at once/);
  assert.doesNotMatch(line, /[\x00-\x1f]/);
  assert.doesNotMatch(
    waitingLine({ ...createCoreStore().getState(), mutating: 1, operation: { title: 'refresh', step: 'starting', startedAt: 0 } }),
    /refresh/,
  );
});

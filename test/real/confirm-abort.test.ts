import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestPool, type TestPool } from '../support/real-pool.js';
import { TmuxSession } from '../support/tmux.js';

// Ctrl-C at the CLI's typed confirmation aborts the command: one line, exit 130, nothing changed (it was an
// "internal error, please report").

let pool: TestPool;
let tmux: TmuxSession | undefined;
before(() => {
  pool = createTestPool('abort');
});
after(() => {
  tmux?.kill();
  pool?.destroy();
});

test('Ctrl-C at the confirmation prompt: "aborted", exit 130, the checkpoint still there', async () => {
  pool.container('a', 'x');
  const { core } = pool.core();
  const cp = (await core.checkpoint(['a'])).checkpoints[0]!.name;
  const before = pool.snapshots();
  const cli = `${process.execPath} --import tsx ${process.cwd()}/src/cli/bin.ts delete a ${cp} --config ${pool.configFile}`;
  tmux = TmuxSession.start(`lxcri-abort-${process.pid}`, cli, 120, 20);
  await tmux.waitFor(/Type a to confirm:/);
  tmux.keys('C-c');
  const screen = await tmux.waitFor(/EXITED \d+/);
  assert.match(screen, /EXITED 130/);
  assert.match(screen, /^error: aborted at the confirmation$/m);
  assert.doesNotMatch(screen, /internal error/);
  assert.deepEqual(pool.snapshots(), before);
});

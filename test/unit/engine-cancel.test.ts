import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CoreContext } from '../../src/core/context.js';
import { CancelledError, runOperation, type OperationDef } from '../../src/core/ops/engine.js';
import { LocalFs } from '../../src/core/nodes/local-fs.js';
import { Journal } from '../../src/core/state/journal.js';
import type { OperationFailedError } from '../../src/core/ops/steps.js';

/** An engine context whose cancel signal the test aborts, with a journal in a fresh directory. */
function cancellable() {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-cancel-'));
  const abort = new AbortController();
  const ctx = { journal: new Journal(dir, new LocalFs()), cancel: abort.signal } as unknown as CoreContext;
  return { dir, abort, ctx, log: [] as string[] };
}

/** Quit's promise: the step running finishes, no later step starts, and the policy decides what the done ones become. */
function setup(policy: 'undo' | 'continue') {
  const { dir, abort, ctx, log } = cancellable();
  const def: OperationDef<null> = {
    name: 'probe',
    steps: () =>
      ['a', 'b', 'c'].map((name) => ({
        title: name,
        run: async () => {
          log.push(`run ${name}`);
          // Quit arrives while step b runs.
          if (name === 'b') abort.abort();
        },
        undo: async () => void log.push(`undo ${name}`),
        ...(policy === 'continue' ? { onFailure: 'continue' as const } : {}),
      })),
  };
  return { ctx, def, log, dir };
}

test('a cancel lets the running step finish, starts no later step and undoes the done ones', async () => {
  const { ctx, def, log, dir } = setup('undo');
  await assert.rejects(
    runOperation(ctx, def, { title: 'probe of x', container: 'x', datasets: [], input: null }),
    (e: OperationFailedError) => e.failure instanceof CancelledError && e.code === 'aborted',
  );
  assert.deepEqual(log, ['run a', 'run b', 'undo b', 'undo a']);
  assert.deepEqual(readdirSync(dir), [], 'the journal is closed: nothing is left to recover');
});

test('a cancel stops an operation whose steps stand alone (prune): done steps stay, later ones never start', async () => {
  const { ctx, def, log } = setup('continue');
  await assert.rejects(
    runOperation(ctx, def, { title: 'probe of x', container: 'x', datasets: [], input: null }),
    (e: OperationFailedError) => e.failure instanceof CancelledError && e.code === 'aborted',
  );
  assert.deepEqual(log, ['run a', 'run b']);
});

test("a cancel never skips a step that must run once the others are done (a restore's start): the operation runs to its end", async () => {
  const { abort, ctx, log } = cancellable();
  const def: OperationDef<null> = {
    name: 'probe',
    steps: () => [
      { title: 'swap', run: async () => void (log.push('run swap'), abort.abort()), undo: async () => void log.push('undo swap') },
      { title: 'start', run: async () => void log.push('run start'), onFailure: 'stop' as const },
    ],
  };
  await runOperation(ctx, def, { title: 'probe of x', container: 'x', datasets: [], input: null });
  assert.deepEqual(log, ['run swap', 'run start']);
});

test('cancel() reaches the operations running, not the ones started after it', async () => {
  const { Core } = await import('../../src/core/core.js');
  const ctx = { journal: new Journal(mkdtempSync(join(tmpdir(), 'lxcri-cancel-')), new LocalFs()) } as unknown as CoreContext;
  const core = new Core(ctx);
  const before = ctx.cancel!;
  core.cancel();
  assert.equal(before.aborted, true);
  assert.equal(ctx.cancel!.aborted, false, 'a fresh signal for what comes next');
});

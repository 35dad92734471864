import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CoreContext } from '../../src/core/context.js';
import { runOperation, type OperationDef } from '../../src/core/ops/engine.js';
import { Journal, type JournalEntry } from '../../src/core/state/journal.js';
import { MemoryFs } from '../support/memory-fs.js';

/** The engine over a journal in memory: every journal write is recorded as the steps' statuses it wrote. */
function journaled(joinMarks: boolean, failAt?: string) {
  const fs = new MemoryFs();
  const writes: string[] = [];
  const write = fs.writeAtomic.bind(fs);
  fs.writeAtomic = async (path: string, content: string) => {
    writes.push((JSON.parse(content) as JournalEntry).steps.map((s) => s.status).join(' '));
    return write(path, content);
  };
  const ctx = { journal: new Journal('/j', fs) } as unknown as CoreContext;
  const log: string[] = [];
  const def: OperationDef<null> = {
    name: 'probe',
    ...(joinMarks ? { joinMarks } : {}),
    steps: () =>
      ['a', 'b', 'c'].map((name) => ({
        title: name,
        run: async () => {
          log.push(`run ${name}`);
          if (name === failAt) throw new Error(`${name} failed`);
        },
        undo: async () => void log.push(`undo ${name}`),
      })),
  };
  const run = () => runOperation(ctx, def, { title: 'probe of x', container: 'x', datasets: [], input: null });
  return { run, writes, log, fs };
}

test('joinMarks: one journal write per step (plan with the first running, each done with the next running), none for the last done', async () => {
  const each = journaled(false);
  await each.run();
  assert.deepEqual(each.writes, [
    'pending pending pending',
    'running pending pending',
    'done pending pending',
    'done running pending',
    'done done pending',
    'done done running',
    'done done done',
  ]);
  const joined = journaled(true);
  await joined.run();
  assert.deepEqual(joined.log, ['run a', 'run b', 'run c']);
  // Each of these is a state the two-write journal passes through too (what a kill at a failpoint leaves).
  assert.deepEqual(joined.writes, ['running pending pending', 'done running pending', 'done done running']);
  for (const w of joined.writes) assert.ok(each.writes.includes(w), w);
  assert.deepEqual(await joined.fs.readDir('/j'), [], 'the journal is removed at the end');
});

test('joinMarks: a failed step undoes the done ones, and the undo marks write what was done in memory', async () => {
  const joined = journaled(true, 'b');
  await assert.rejects(joined.run(), /b failed/);
  assert.deepEqual(joined.log, ['run a', 'run b', 'undo b', 'undo a']);
  assert.deepEqual(joined.writes, ['running pending pending', 'done running pending', 'done undone pending', 'undone undone pending']);
  assert.deepEqual(await joined.fs.readDir('/j'), []);
});

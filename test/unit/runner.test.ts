import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cmd } from '../../src/core/runner/command.js';
import { ToolAbortedError, ToolFailedError, ToolMissingError, ToolTimeoutError } from '../../src/core/runner/errors.js';
import { ExecaRunner } from '../../src/core/runner/execa-runner.js';
import { withCommandLog } from '../../src/core/runner/command-log.js';
import { createCoreStore } from '../../src/core/store.js';
import { FakeRunner } from '../../src/core/runner/fake-runner.js';
import { createFileLogger } from '../../src/core/log.js';

test('a missing zfs binary says ZFS is not available and what to install', async () => {
  const runner = new ExecaRunner();
  await assert.rejects(runner.run(cmd('zfs-definitely-missing', ['list'])), ToolMissingError);
  const zfsLike = new ExecaRunner();
  // PATH without zfs: the message is the seed's wording.
  const saved = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    await assert.rejects(
      zfsLike.run(cmd('zfs', ['list'])),
      (e: unknown) =>
        e instanceof ToolMissingError &&
        e.message === 'ZFS not available: `zfs` not found; install zfsutils-linux (or zfs-fuse) and make sure the ZFS module or daemon is running',
    );
  } finally {
    process.env.PATH = saved;
  }
});

test('a failing tool reports its exit code and its own message; output and duration are kept', async () => {
  const runner = new ExecaRunner();
  const ok = await runner.run(cmd('sh', ['-c', 'echo out; echo err >&2']));
  assert.deepEqual([ok.exitCode, ok.stdout, ok.stderr], [0, 'out\n', 'err\n']);
  assert.ok(ok.durationMs >= 0);
  await assert.rejects(
    runner.run(cmd('sh', ['-c', 'echo "cannot open x: dataset does not exist" >&2; exit 3'])),
    (e: unknown) => e instanceof ToolFailedError && e.result.exitCode === 3 && /failed \(exit 3\): cannot open x: dataset does not exist/.test(e.message),
  );
});

test('arguments are passed as argv, never through a shell', async () => {
  const runner = new ExecaRunner();
  const r = await runner.run(cmd('printf', ['%s|', 'a b', '$(id)', ';rm -rf /']));
  assert.equal(r.stdout, 'a b|$(id)|;rm -rf /|');
});

test('timeouts and aborts end the process with typed errors', async () => {
  const runner = new ExecaRunner({ defaultTimeoutMs: 200 });
  const started = Date.now();
  await assert.rejects(runner.run(cmd('sleep', ['5'])), (e: unknown) => e instanceof ToolTimeoutError && /timed out after 0\.2 s/.test(e.message));
  assert.ok(Date.now() - started < 3000);
  const ac = new AbortController();
  const p = runner.run(cmd('sleep', ['5'], false, { timeoutMs: 10_000 }), { signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(p, ToolAbortedError);
});

test('mutating commands go to the log file (reads only at debug level); every command goes to the command log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-log-'));
  const { logger, file } = createFileLogger(join(dir, 'console.log'), 'info');
  const store = createCoreStore();
  const runner = withCommandLog(new ExecaRunner({ logger }), store);
  await runner.run(cmd('true', [], true));
  await runner.run(cmd('echo', ['read-only'], false));
  await assert.rejects(runner.run(cmd('false', [], true)));
  assert.equal(file, join(dir, 'console.log'));
  const lines = readFileSync(file!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => [l.argv.join(' '), l.exit]),
    [
      ['true', 0],
      ['false', 1],
    ],
  );
  assert.ok(lines.every((l) => typeof l.ms === 'number'));
  assert.deepEqual(
    store.getState().commandLog.map((e) => [e.argv.join(' '), e.mutates, e.exitCode, Boolean(e.error)]),
    [
      ['true', true, 0, false],
      ['echo read-only', false, 0, false],
      ['false', true, 1, true],
    ],
  );
});

test('the command log shows a command while it runs, then its exit code and duration', async () => {
  const store = createCoreStore();
  const runner = withCommandLog(new ExecaRunner(), store);
  const running = runner.run(cmd('sleep', ['0.3'], true));
  await new Promise((r) => setTimeout(r, 100));
  const live = store.getState().commandLog.at(-1)!;
  assert.deepEqual([live.argv, live.exitCode, live.durationMs], [['sleep', '0.3'], undefined, undefined], 'listed, no exit code yet');
  await running;
  const done = store.getState().commandLog;
  assert.equal(done.length, 1, 'the same entry, updated');
  assert.equal(done[0]!.exitCode, 0);
  assert.ok(done[0]!.durationMs! >= 250);
});

test('commands with the same lock key run one after another', async () => {
  const runner = new ExecaRunner();
  const order: string[] = [];
  const a = runner.run(cmd('sh', ['-c', 'sleep 0.2; echo a'], false, { lockKey: 'ct-101' })).then((r) => order.push(r.stdout.trim()));
  const b = runner.run(cmd('sh', ['-c', 'echo b'], false, { lockKey: 'ct-101' })).then((r) => order.push(r.stdout.trim()));
  await Promise.all([a, b]);
  assert.deepEqual(order, ['a', 'b']);
});

test('the fake runner fails loudly on unexpected commands and reports the ones that never ran', async () => {
  const fake = new FakeRunner().expect(['zfs', 'list']).expect(['zfs', 'get', 'all']);
  await fake.run(cmd('zfs', ['list']));
  assert.throws(() => fake.assertDone(), /never ran:\n {2}zfs get all/);
  await assert.rejects(fake.run(cmd('zfs', ['destroy', 'x'])), /unexpected command/);
});

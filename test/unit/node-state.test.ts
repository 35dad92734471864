import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { createContext, type CoreContext } from '../../src/core/context.js';
import { LxcriError } from '../../src/core/errors.js';
import { planLifecycle } from '../../src/core/ops/lifecycle.js';
import { FakeRunner } from '../../src/core/runner/fake-runner.js';
import { appendEvent, parseEvents, type RuntimeEvent } from '../../src/core/state/events.js';
import { Journal, JournalWriteError } from '../../src/core/state/journal.js';
import { acquireLocks, ContainerLockedError, listLocks, liveHolder } from '../../src/core/state/locks.js';
import { checkStateDirs } from '../../src/core/state/preflight.js';
import { CHECKPOINT_PROPS, fakeCore, NOW_S } from '../support/fake-core.js';
import { MemoryFs, toolError } from '../support/memory-fs.js';

// Locks, journal, events.log and the state-dir preflight live on the node that owns the container: they go through
// the context's HostFs (here an in-memory one standing for another node), never straight to this machine's disk.

/** A state dir that does not exist on this machine: whatever appears there would be a leak. */
const STATE = '/nonexistent/lxcri-node-state/state';
const lockFile = (dataset: string) => `${STATE}/locks/${encodeURIComponent(dataset)}.lock`;
const owner = (operation: string) => ({ container: '101', operation });

/** A pid no process holds: a child that has exited. */
const deadPid = () => spawnSync('true').pid!;

test("locks are created, refused, listed and released in the node's files", async () => {
  const fs = new MemoryFs('pve2');
  const [lock] = await acquireLocks(fs, STATE, ['tank/ct/101'], owner('restore'));
  const path = lockFile('tank/ct/101');
  assert.deepEqual(fs.paths('createExclusive'), [path], 'created exclusively, through the HostFs');
  const info = JSON.parse(fs.files.get(path)!);
  assert.deepEqual([info.dataset, info.container, info.operation, info.pid, info.host], ['tank/ct/101', '101', 'restore', process.pid, hostname()]);

  await assert.rejects(
    acquireLocks(fs, STATE, ['tank/ct/101'], owner('checkpoint')),
    (e: unknown) => e instanceof ContainerLockedError && /^container 101 is locked by restore \(pid \d+, since \d{4}-/.test(e.message),
  );
  assert.deepEqual(
    (await listLocks(fs, STATE)).map((l) => [l.dataset, l.operation, l.alive]),
    [['tank/ct/101', 'restore', true]],
  );
  assert.equal((await liveHolder(fs, STATE, 'tank/ct/101'))?.operation, 'restore');

  await lock!.release();
  assert.equal(fs.files.has(path), false, 'released in the node’s files');
  assert.equal(await liveHolder(fs, STATE, 'tank/ct/101'), undefined);
  const [again] = await acquireLocks(fs, STATE, ['tank/ct/101'], owner('checkpoint'));
  await again!.release();
  assert.equal(existsSync('/nonexistent'), false, 'nothing on this machine’s disk');
});

test("a dead holder of this machine is taken over; another machine's holder is never judged by its pid; garbage is replaced", async () => {
  const fs = new MemoryFs('pve2');
  const stale = { dataset: 'tank/ct/s', container: 's', operation: 'restore', pid: deadPid(), host: hostname(), since: 1 };
  fs.files.set(lockFile('tank/ct/s'), JSON.stringify(stale));
  fs.dirs.add('/nonexistent').add('/nonexistent/lxcri-node-state').add(STATE).add(`${STATE}/locks`);
  const [taken] = await acquireLocks(fs, STATE, ['tank/ct/s'], owner('checkpoint'));
  assert.equal(taken!.tookOverStale?.pid, stale.pid);
  await taken!.release();

  const remote = { ...stale, dataset: 'tank/ct/r', container: 'r', host: 'elsewhere' };
  fs.files.set(lockFile('tank/ct/r'), JSON.stringify(remote));
  await assert.rejects(
    acquireLocks(fs, STATE, ['tank/ct/r'], owner('checkpoint')),
    (e: unknown) => e instanceof ContainerLockedError && e.message.includes(`(pid ${remote.pid} on elsewhere, since`),
  );
  assert.equal((await listLocks(fs, STATE)).find((l) => l.dataset === 'tank/ct/r')?.alive, true);

  fs.files.set(lockFile('tank/ct/g'), '');
  const [garbage] = await acquireLocks(fs, STATE, ['tank/ct/g'], owner('checkpoint'));
  assert.equal(garbage!.tookOverStale, undefined);
  assert.equal(JSON.parse(fs.files.get(lockFile('tank/ct/g'))!).operation, 'checkpoint');
  await garbage!.release();
  assert.deepEqual(
    (await fs.readDir(`${STATE}/locks`)).filter((n) => n.includes('.takeover-')),
    [],
    'no takeover claim left',
  );
});

test("the journal is written, marked, listed as interrupted and removed in the node's files", async () => {
  const fs = new MemoryFs('pve2');
  const journal = new Journal('/j', fs);
  const handle = await journal.begin('prune', '101', ['tank/ct/101'], { items: 1 }, ['destroy a', 'destroy b']);
  const path = `/j/${handle.entry.id}.json`;
  const onDisk = () => JSON.parse(fs.files.get(path)!) as { steps: Array<{ status: string }>; host: string; pid: number };
  assert.deepEqual(
    onDisk().steps.map((s) => s.status),
    ['pending', 'pending'],
  );
  assert.deepEqual([onDisk().host, onDisk().pid], [hostname(), process.pid]);
  await handle.mark(0, 'done');
  assert.deepEqual(
    onDisk().steps.map((s) => s.status),
    ['done', 'pending'],
  );
  assert.deepEqual(await journal.interrupted(), [], 'its process runs');
  await handle.abandon();
  assert.deepEqual(
    (await journal.interrupted()).map((e) => e.id),
    [handle.entry.id],
  );
  assert.equal((await journal.read(handle.entry.id))?.operation, 'prune');
  await handle.close();
  assert.equal(fs.files.has(path), false);
  assert.deepEqual(
    fs.calls.filter((c) => c.op !== 'readFile' && c.op !== 'readDir').map((c) => c.op),
    ['writeAtomic', 'writeAtomic', 'writeAtomic', 'remove'],
  );

  // A journal the node cannot write is its own error, naming the file.
  fs.failWrites = (op, p) => (p.startsWith('/j/') ? toolError(`mv: cannot move '${p}.tmp' to '${p}': Read-only file system`) : undefined);
  await assert.rejects(
    journal.begin('prune', '101', [], {}, ['x']),
    (e: unknown) => e instanceof JournalWriteError && /^could not write the journal \/j\/[0-9-]+\.json/.test(e.message),
  );
});

test("appendEvent appends one line per event to the node's events.log", async () => {
  const fs = new MemoryFs('pve2');
  const event = (operation: string): RuntimeEvent => ({
    ts: '2025-01-01T00:00:00.000Z',
    user: 'alice',
    host: 'pve1',
    operation,
    target: '101',
    result: 'ok',
    duration_ms: 1,
    pid: 1,
  });
  await appendEvent(fs, STATE, event('checkpoint'));
  await appendEvent(fs, STATE, event('prune'));
  assert.deepEqual(fs.paths('append'), [`${STATE}/runtime/events.log`, `${STATE}/runtime/events.log`]);
  assert.deepEqual(
    parseEvents(fs.files.get(`${STATE}/runtime/events.log`)!).map((e) => e.operation),
    ['checkpoint', 'prune'],
  );
});

test("createContext gives the journal the context's files", () => {
  const fs = new MemoryFs('pve2');
  const ctx = createContext(structuredClone(DEFAULT_CONFIG), new FakeRunner(), { fs, node: 'pve2' });
  assert.equal(ctx.fs, fs);
  assert.equal(ctx.journal.fs, fs);
  assert.equal(createContext(structuredClone(DEFAULT_CONFIG), new FakeRunner()).journal.fs.where, 'local');
});

test("an operation on another node: preflight, locks and events.log in the node's files, nothing on this machine", async () => {
  const fs = new MemoryFs('pve2');
  const { runner, core } = fakeCore('t/c', {}, { fs, node: 'pve2' });
  const { state_dir: state, journal_dir: journal } = core.ctx.config;
  runner.expect(['zfs', 'version'], { stdout: 'zfs-2.2.6-pve1\n' });
  runner.expect(['zfs', 'snapshot', ...CHECKPOINT_PROPS, `t/c/web@checkpoint-${NOW_S}`]);
  await core.checkpoint(['web']);

  for (const dir of [state, `${state}/locks`, `${state}/runtime`, journal]) assert.ok(fs.dirs.has(dir), dir);
  const probes = fs.paths('createExclusive').filter((p) => p.includes('/.lxcri-probe-'));
  assert.equal(probes.length, 4, 'one probe file per directory');
  assert.deepEqual(
    probes.filter((p) => fs.files.has(p)),
    [],
    'every probe removed',
  );
  const lock = `${state}/locks/${encodeURIComponent('t/c/web')}.lock`;
  assert.ok(fs.paths('createExclusive').includes(lock), 'locked in the node’s files');
  assert.equal(fs.files.has(lock), false, 'and released there');
  const events = parseEvents(fs.files.get(`${state}/runtime/events.log`)!);
  assert.deepEqual(
    events.map((e) => [e.operation, e.target, e.result]),
    [['checkpoint', 'web', 'ok']],
  );
  assert.deepEqual(readdirSync(state), [], 'this machine’s state dir stays empty');
});

test('preflight on another node: what is wrong, with which directory, on which node', async () => {
  const config = { state_dir: '/s', journal_dir: '/lib/j' };
  const fails = async (fs: MemoryFs, message: string, hint: RegExp) => {
    await assert.rejects(checkStateDirs(fs, config), (e: unknown) => {
      assert.ok(e instanceof LxcriError, String(e));
      assert.equal(e.code, 'state-dir');
      assert.equal(e.message, message);
      assert.match(e.hint, hint);
      return true;
    });
  };
  const node = () => {
    const fs = new MemoryFs('pve2');
    for (const d of ['/s', '/s/locks', '/s/runtime', '/lib', '/lib/j']) fs.dirs.add(d);
    return fs;
  };

  const fine = node();
  await checkStateDirs(fine, config);
  assert.deepEqual([...fine.files.keys()], [], 'no probe left');

  const readOnly = node();
  readOnly.failWrites = (op, p) => (op === 'createExclusive' ? toolError(`cat: ${p}: Read-only file system`) : undefined);
  await fails(readOnly, 'state dir /s on pve2 is read-only (EROFS)', /^remount the filesystem holding \/s on pve2 read-write, or set state_dir/);

  const quota = node();
  quota.failWrites = (op, p) => (op === 'createExclusive' && p.startsWith('/lib/j/') ? toolError('cat: write error: Disk quota exceeded') : undefined);
  await fails(quota, 'no space left to write in /lib/j on pve2 (journal dir; EDQUOT, quota exceeded)', /set journal_dir/);

  const stateFile = new MemoryFs('pve2');
  stateFile.files.set('/s', 'not a directory');
  await fails(stateFile, 'state dir /s on pve2 is not a directory (a file, or a symbolic link to nothing)', /^move or remove \/s on pve2, or set state_dir/);

  const fileInTheWay = new MemoryFs('pve2');
  fileInTheWay.files.set('/lib', 'x');
  await fails(
    fileInTheWay,
    'journal dir /lib/j on pve2 cannot be created: /lib is not a directory (a file, or a symbolic link to nothing)',
    /^move or remove \/lib on pve2, or set journal_dir/,
  );

  const unreachable = node();
  unreachable.failWrites = () => toolError('ssh: connect to host pve2 port 22: Connection refused');
  await fails(unreachable, 'state dir /s on pve2 cannot be used: ssh: connect to host pve2 port 22: Connection refused', /^check that pve2 can be reached/);
});

test('stateful checkpoints, gc and CRIU image restores refuse on a remote node before anything runs', async () => {
  const fs = new MemoryFs('pve2');
  const { runner, core } = fakeCore('t/c', {}, { fs, node: 'pve2' });
  const refused = { code: 'remote-unsupported', message: 'stateful checkpoints are not supported on remote node pve2 yet' };
  await assert.rejects(async () => core.checkpointStateful('web'), refused);
  await assert.rejects(async () => core.gc(), refused);
  await assert.rejects(async () => core.restoreFromImage('web', '/images/101/checkpoint-1'), refused);
  assert.deepEqual(runner.ran, [], 'no command ran');
  assert.deepEqual(fs.calls, [], 'no file touched');

  // Restoring a stateful checkpoint: refused while planning, unless a cold start will do.
  const ctx = { fs, node: 'pve2' } as unknown as CoreContext;
  const container = { id: 'web', name: 'web', status: 'stopped' as const, sources: ['zfs' as const], mounts: [] };
  await assert.rejects(planLifecycle(ctx, container, { image: '/images/web/checkpoint-1' }), refused);
  assert.equal((await planLifecycle(ctx, container, { image: '/images/web/checkpoint-1', coldFallback: true })).image, '/images/web/checkpoint-1');
  assert.equal((await planLifecycle(ctx, container, { image: '/images/web/checkpoint-1', noStart: true })).start, false);
});

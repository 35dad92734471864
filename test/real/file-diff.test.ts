import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { runMain } from '../support/in-process-cli.js';
import { TEMP_MOUNT_DIR } from '../../src/core/ops/temp-clones.js';
import { runCli } from '../support/cli-process.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

let pool: TestPool;
before(() => {
  pool = createTestPool('fdiff', '512M');
});
after(() => pool?.destroy());

const mountOf = (id: string) => sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', `${pool.base}/${id}`]).trim();

/** The CLI in this process: exit code, stdout and stderr. */
const cli = (...args: string[]) => runMain(pool.configFile, args);

async function json<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const r = await cli(...args, '--json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as T;
}

async function checkpoint(id: string): Promise<string> {
  const r = await json<{ checkpoints: Array<{ name: string }> }>('checkpoint', id);
  return r.checkpoints[0]!.name;
}

/** Waits for the next second: checkpoints of one second on two lines could share a short name. */
async function nextSecond(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 10));
}

/** Every temporary clone in the pool (`zfs list -t all`) and every mount directory left for this pool. */
function leftovers(): string[] {
  const datasets = sh('zfs', ['list', '-H', '-t', 'all', '-o', 'name', '-r', pool.pool])
    .split('\n')
    .filter((n) => n.includes('lxcri-tmp-'));
  const dirs = existsSync(TEMP_MOUNT_DIR) ? readdirSync(TEMP_MOUNT_DIR).filter((d) => d.startsWith(`${pool.pool}+`)) : [];
  return [...datasets, ...dirs];
}

type Change = { path: string; change: string; type: string; size?: number; newPath?: string; side?: string; fromChange?: string };

test('diff A B reports exactly M f1, - f2, + f4 (JSON), and leaves no temporary clone', async () => {
  pool.container('web', 'x');
  const mp = mountOf('web');
  writeFileSync(`${mp}/f1`, 'one');
  writeFileSync(`${mp}/f2`, 'two');
  mkdirSync(`${mp}/d`);
  writeFileSync(`${mp}/d/f3`, 'three');
  const a = await checkpoint('web');
  writeFileSync(`${mp}/f1`, 'one, modified');
  unlinkSync(`${mp}/f2`);
  writeFileSync(`${mp}/f4`, 'four');
  const b = await checkpoint('web');

  const r = await json<{ container: string; from: string; to: string; changes: Change[]; summary: Record<string, unknown> }>('diff', 'web', a, b);
  assert.equal(r.container, 'web');
  assert.deepEqual([r.from, r.to], [a, b]);
  assert.deepEqual(r.changes, [
    { path: '/f1', change: 'M', type: 'file', size: 13 },
    { path: '/f2', change: '-', type: 'file', size: 3 },
    { path: '/f4', change: '+', type: 'file', size: 4 },
  ]);
  assert.deepEqual(r.summary, {
    added: 1,
    removed: 1,
    modified: 1,
    renamed: 0,
    bytes: 20,
    top: [{ dir: '/', added: 1, removed: 1, modified: 1, renamed: 0, bytes: 20 }],
  });
  assert.deepEqual(leftovers(), [], 'no temporary clone or mount directory is left');

  // B defaults to NOW: the live state, walked where it is mounted (one clone only).
  writeFileSync(`${mp}/d/f5`, 'five');
  const now = await json<{ to: string; changes: Change[] }>('diff', 'web', b);
  assert.equal(now.to, 'NOW');
  assert.deepEqual(
    now.changes.map((c) => `${c.change} ${c.path}`),
    ['+ /d/f5'],
  );

  // The text view: legend, one line per change, the summary.
  const text = await cli('diff', 'web', a, b);
  assert.equal(text.code, 0, text.err);
  const lines = text.out.split('\n');
  assert.match(lines[0]!, new RegExp(`^diff web: ${a} -> ${b} \\[files compared by metadata`));
  assert.deepEqual(lines.slice(2, 5), ['M  /f1 (13B)', '-  /f2', '+  /f4 (4B)']);
  assert.ok(lines.includes('3 changes: 1 added, 1 removed, 1 modified, 0 renamed; 20B in the files listed'), text.out);
  assert.deepEqual(leftovers(), []);
});

test('--content finds a file changed behind the same size and times; a rename is reported as one', async () => {
  pool.container('cnt', 'x');
  const mp = mountOf('cnt');
  writeFileSync(`${mp}/same`, 'aaaa');
  writeFileSync(`${mp}/old-name`, 'moved');
  utimesSync(`${mp}/same`, 1_700_000_000, 1_700_000_000);
  const a = await checkpoint('cnt');
  writeFileSync(`${mp}/same`, 'bbbb');
  utimesSync(`${mp}/same`, 1_700_000_000, 1_700_000_000);
  sh('mv', [`${mp}/old-name`, `${mp}/new-name`]);
  const b = await checkpoint('cnt');
  const meta = await json<{ changes: Change[]; content: boolean }>('diff', 'cnt', a, b);
  assert.equal(meta.content, false);
  assert.deepEqual(
    meta.changes.map((c) => `${c.change} ${c.path}${c.newPath ? ` ${c.newPath}` : ''}`),
    ['R /old-name /new-name'],
  );
  const content = await json<{ changes: Change[]; content: boolean }>('diff', 'cnt', a, b, '--content');
  assert.equal(content.content, true);
  assert.deepEqual(
    content.changes.map((c) => `${c.change} ${c.path}${c.newPath ? ` ${c.newPath}` : ''}`),
    ['R /old-name /new-name', 'M /same'],
  );
  assert.deepEqual(leftovers(), []);
});

test('across two branches after a branch restore: the three-way view from the merge base', async () => {
  pool.container('br', 'x');
  const mp = mountOf('br');
  writeFileSync(`${mp}/f1`, 'base');
  writeFileSync(`${mp}/f2`, 'base');
  writeFileSync(`${mp}/f3`, 'base');
  const base = await checkpoint('br');
  writeFileSync(`${mp}/f1`, 'changed on the first line');
  writeFileSync(`${mp}/f3`, 'changed on the first line');
  const x = await checkpoint('br');
  const restored = await cli('restore', 'br', '--snapshot', base);
  assert.equal(restored.code, 0, restored.err);
  assert.equal(readFileSync(`${mountOf('br')}/f1`, 'utf8'), 'base');
  const live = mountOf('br');
  writeFileSync(`${live}/f2`, 'changed on the second line');
  unlinkSync(`${live}/f3`);
  writeFileSync(`${live}/f4`, 'new on the second line');
  await nextSecond();
  const y = await checkpoint('br');

  const r = await json<{ from: string; to: string; base: string; changes: Change[]; summary: { added: number; removed: number; modified: number } }>(
    'diff',
    'br',
    x,
    y,
  );
  assert.deepEqual([r.from, r.to, r.base], [x, y, base]);
  assert.deepEqual(
    r.changes.map((c) => [c.side, c.change, c.path, c.fromChange ?? null]),
    [
      ['from', 'M', '/f1', null],
      ['to', 'M', '/f2', null],
      ['both', '-', '/f3', 'M'],
      ['to', '+', '/f4', null],
    ],
  );
  const text = await cli('diff', 'br', x, y);
  assert.match(text.out, new RegExp(`^diff br: ${r.from} \\.\\.\\. ${r.to} \\(on different branches; both from ${r.base}\\)`));
  assert.ok(text.out.includes(`changed on both sides:\n  -  /f3 (${r.from}: M, ${r.to}: -)`), text.out);
  // The second side defaults to NOW: the live state of the restored line, still against the other branch.
  const toNow = await json<{ base: string; changes: Change[] }>('diff', 'br', x);
  assert.equal(toNow.base, r.base);
  assert.deepEqual(leftovers(), []);
});

test('restore-file brings f2 back byte-identical with its mode, owner and mtime; the current version is kept beside', async () => {
  pool.container('rf', 'x');
  const mp = mountOf('rf');
  const bytes = randomBytes(200_000);
  writeFileSync(`${mp}/f2`, bytes);
  sh('chmod', ['0640', `${mp}/f2`]);
  chownSync(`${mp}/f2`, 1234, 5678);
  utimesSync(`${mp}/f2`, 1_600_000_000, 1_600_000_123);
  writeFileSync(`${mp}/f1`, 'old f1');
  mkdirSync(`${mp}/d`);
  writeFileSync(`${mp}/d/f3`, 'three');
  const before = lstatSync(`${mp}/f2`);
  const a = await checkpoint('rf');
  unlinkSync(`${mp}/f2`);
  writeFileSync(`${mp}/f1`, 'new f1');
  rmSync(`${mp}/d`, { recursive: true });

  const r = await cli('restore-file', 'rf', a, 'f2');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`restored /f2 from ${a} to /f2 in rf$`));
  const after = lstatSync(`${mp}/f2`);
  assert.ok(readFileSync(`${mp}/f2`).equals(bytes), 'byte-identical');
  assert.equal(after.mode, before.mode);
  assert.equal(after.mode & 0o7777, 0o640);
  assert.deepEqual([after.uid, after.gid], [1234, 5678]);
  assert.equal(after.mtimeMs, before.mtimeMs);

  // In place over an existing file: the current one is kept as <path>.lxcri-<unix time>.
  const kept = await json<{ executed: boolean; plan: { keptAs: string; current: { type: string } } }>('restore-file', 'rf', a, '/f1');
  assert.equal(kept.executed, true);
  assert.match(kept.plan.keptAs, /^\/f1\.lxcri-\d{10}$/);
  assert.equal(readFileSync(`${mp}/f1`, 'utf8'), 'old f1');
  assert.equal(readFileSync(`${mp}${kept.plan.keptAs}`, 'utf8'), 'new f1');

  // A whole directory, and a copy elsewhere with --to (never over something).
  assert.equal((await cli('restore-file', 'rf', a, '/d')).code, 0);
  assert.equal(readFileSync(`${mp}/d/f3`, 'utf8'), 'three');
  assert.equal((await cli('restore-file', 'rf', a, '/d/f3', '--to', '/d/f3.orig')).code, 0);
  assert.equal(readFileSync(`${mp}/d/f3.orig`, 'utf8'), 'three');
  const taken = await cli('restore-file', 'rf', a, '/d/f3', '--to', '/d/f3.orig');
  assert.equal(taken.code, 1);
  assert.equal(taken.err, 'error: --to /d/f3.orig already exists in rf\nhint: name a path that does not exist yet (nothing is overwritten with --to)');

  // --dry-run changes nothing; --replace needs a confirmation (none without a terminal) and then keeps no copy.
  writeFileSync(`${mp}/f1`, 'newer f1');
  const dry = await cli('restore-file', 'rf', a, '/f1', '--replace', '--dry-run');
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, /the current \/f1 is REMOVED and replaced \(--replace\)/);
  assert.equal(readFileSync(`${mp}/f1`, 'utf8'), 'newer f1');
  const unconfirmed = await cli('restore-file', 'rf', a, '/f1', '--replace');
  assert.equal(unconfirmed.code, 1);
  assert.match(unconfirmed.err, /^error: not confirmed: did not remove the current \/f1 of rf/);
  assert.equal(readFileSync(`${mp}/f1`, 'utf8'), 'newer f1');
  const listed = () => readdirSync(mp).filter((n) => n.startsWith('f1.lxcri-')).length;
  const copies = listed();
  assert.equal((await cli('restore-file', 'rf', a, '/f1', '--replace', '--yes')).code, 0);
  assert.equal(readFileSync(`${mp}/f1`, 'utf8'), 'old f1');
  assert.equal(listed(), copies, '--replace keeps no copy');
  assert.deepEqual(
    readdirSync(mp).filter((n) => n.includes('.lxcri-restoring-') || n.includes('.lxcri-replaced-')),
    [],
  );
  assert.deepEqual(leftovers(), []);
});

test('restore-file refuses paths that leave the container root, before anything runs', async () => {
  pool.container('esc', 'x');
  const mp = mountOf('esc');
  writeFileSync(`${mp}/f`, 'f');
  const a = await checkpoint('esc');
  // A link in the live container whose relative target climbs above its root.
  symlinkSync('../../../../../../tmp', `${mp}/up`);
  const snapshots = pool.snapshots();
  const commands = async (...args: string[]) => cli('restore-file', 'esc', a, ...args);

  const dots = await commands('../../etc/shadow');
  assert.equal(dots.code, 2);
  assert.equal(dots.err.split('\n')[0], "error: path ../../etc/shadow uses '..', which could leave the container's root");
  const to = await commands('/f', '--to', '/up/f');
  assert.equal(to.code, 1);
  assert.equal(to.err.split('\n')[0], "error: --to /up/f leaves the container's root through a symbolic link");
  const inPlace = await commands('/up/x');
  assert.match(inPlace.err, /^error: path \/up\/x leaves the container's root through a symbolic link\nhint: /);
  // An absolute link is followed as the container sees it: /etc of the container (which it does not have).
  symlinkSync('/etc', `${mp}/abs`);
  const abs = await commands('/f', '--to', '/abs/passwd-copy');
  assert.equal(abs.code, 1);
  assert.match(abs.err, /^error: the directory of \/abs\/passwd-copy does not exist in the live container esc/);
  assert.equal(existsSync('/etc/passwd-copy'), false);
  assert.deepEqual(pool.snapshots(), snapshots);
  assert.deepEqual(leftovers(), [], 'nothing was cloned for a refused restore');

  // A read-only session makes no clone, and says why it cannot read a checkpoint's files on this ZFS.
  const ro = await cli('diff', 'esc', a, '--read-only');
  assert.equal(ro.code, 1);
  assert.match(ro.err, /^error: read-only session: reading the files of esc's checkpoints needs temporary clones on this ZFS \(zfs-fuse\)/);

  // files lists a checkpoint's directory; a path missing there is named.
  const listing = await json<{ path: string; entries: Array<{ name: string; type: string }> }>('files', 'esc', a);
  assert.equal(listing.path, '/');
  assert.deepEqual(
    listing.entries.map((e) => `${e.type} ${e.name}`),
    ['file f', 'file state.txt'],
  );
  const missing = await cli('files', 'esc', a, '/nope');
  assert.equal(missing.code, 1);
  assert.equal(missing.err.split('\n')[0], `error: /nope does not exist in checkpoint ${a} of esc`);
  assert.deepEqual(leftovers(), []);
});

test('a diff killed (SIGKILL) with its clones made, then recovered (finish or undo): no temporary clone is left', async () => {
  pool.container('kd', 'x');
  const mp = mountOf('kd');
  writeFileSync(`${mp}/f`, '1');
  const a = await checkpoint('kd');
  writeFileSync(`${mp}/f`, '22');
  const b = await checkpoint('kd');
  // Steps: clone A (0), clone B (1), read (2), destroy A (3), destroy B (4).
  for (const [failpoint, mode] of [
    ['file-read:2:before', 'finish'],
    ['file-read:0:after', 'undo'],
    ['file-read:3:after', 'finish'],
  ] as const) {
    const killed = runCli(['diff', 'kd', a, b, '--config', pool.configFile], { LXCRI_FAILPOINT: failpoint });
    assert.equal(killed.signal, 'SIGKILL', `${failpoint}: ${killed.stderr}`);
    assert.ok(leftovers().length > 0, `${failpoint}: the kill left a clone`);
    const list = runCli(['recover', '--json', '--config', pool.configFile]);
    const [entry, ...more] = JSON.parse(list.stdout).interrupted as Array<{ id: string; operation: string }>;
    assert.equal(more.length, 0);
    assert.equal(entry!.operation, 'file-read');
    const r = runCli(['recover', entry!.id, `--${mode}`, '--yes', '--config', pool.configFile]);
    assert.equal(r.status, 0, `${failpoint} --${mode}: ${r.stderr}`);
    assert.deepEqual(leftovers(), [], `${failpoint} --${mode}: recover removed the clones`);
  }
  // And the diff runs as before.
  assert.deepEqual(
    (await json<{ changes: Change[] }>('diff', 'kd', a, b)).changes.map((c) => `${c.change} ${c.path}`),
    ['M /f'],
  );
});

test('a file restore killed after its copy, then undone: the live file is as it was, nothing left beside it', async () => {
  pool.container('kr', 'x');
  const mp = mountOf('kr');
  writeFileSync(`${mp}/f`, 'checkpointed');
  const a = await checkpoint('kr');
  writeFileSync(`${mp}/f`, 'live');
  // Steps: clone (0), copy (1), keep the current (2), put in place (3), destroy the clone (4).
  const killed = runCli(['restore-file', 'kr', a, '/f', '--config', pool.configFile], { LXCRI_FAILPOINT: 'restore-file:2:after' });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  assert.equal(existsSync(`${mp}/f`), false, 'killed with the current version set aside');
  const [entry] = JSON.parse(runCli(['recover', '--json', '--config', pool.configFile]).stdout).interrupted as Array<{ id: string }>;
  const r = runCli(['recover', entry!.id, '--undo', '--yes', '--config', pool.configFile]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(`${mp}/f`, 'utf8'), 'live');
  assert.deepEqual(
    readdirSync(mp).filter((n) => n.startsWith('f.')),
    [],
  );
  assert.deepEqual(leftovers(), []);
  // Finished instead: the restore completes.
  const again = runCli(['restore-file', 'kr', a, '/f', '--config', pool.configFile], { LXCRI_FAILPOINT: 'restore-file:3:after' });
  assert.equal(again.signal, 'SIGKILL');
  const [next] = JSON.parse(runCli(['recover', '--json', '--config', pool.configFile]).stdout).interrupted as Array<{ id: string }>;
  assert.equal(runCli(['recover', next!.id, '--finish', '--yes', '--config', pool.configFile]).status, 0);
  assert.equal(readFileSync(`${mp}/f`, 'utf8'), 'checkpointed');
  assert.equal(readdirSync(mp).filter((n) => n.startsWith('f.lxcri-')).length, 1, 'the live version is kept beside it');
  assert.deepEqual(leftovers(), []);
});

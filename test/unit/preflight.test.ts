import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LxcriError } from '../../src/core/errors.js';
import { LocalFs } from '../../src/core/nodes/local-fs.js';
import { checkStateDirs, explainFsError } from '../../src/core/state/preflight.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'lxcri-pre-'));

/** Asserts an LxcriError with code state-dir, exit 1, this one-line message and a hint matching `hint`. */
function isStateDirError(message: string, hint: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof LxcriError, String(e));
    assert.equal(e.code, 'state-dir');
    assert.equal(e.exitCode, 1);
    assert.equal(e.message, message);
    assert.match(e.hint, hint);
    assert.ok(!e.message.includes('\n') && !e.hint.includes('\n'));
    return true;
  };
}

test('missing state and journal dirs are created (with locks/ and runtime/), and no probe file is left', async () => {
  const dir = tmp();
  const config = { state_dir: join(dir, 'run/state'), journal_dir: join(dir, 'lib/journal') };
  await checkStateDirs(new LocalFs(), config);
  for (const d of [config.state_dir, join(config.state_dir, 'locks'), join(config.state_dir, 'runtime'), config.journal_dir])
    assert.ok(statSync(d).isDirectory(), d);
  assert.deepEqual(readdirSync(config.state_dir).sort(), ['locks', 'runtime']);
  assert.deepEqual(readdirSync(config.journal_dir), []);
  await checkStateDirs(new LocalFs(), config); // existing dirs are fine
});

test('a state dir that is a file is named as such, with the config key to change', async () => {
  const dir = tmp();
  const file = join(dir, 'state');
  writeFileSync(file, 'x');
  await assert.rejects(
    checkStateDirs(new LocalFs(), { state_dir: file, journal_dir: join(dir, 'j') }),
    isStateDirError(`state dir ${file} is a file, not a directory`, new RegExp(`^move or remove ${file}, or set state_dir in the config to a directory$`)),
  );
});

test('a journal dir under a file names the file in the way', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'lib'), 'x');
  const journal = join(dir, 'lib/lxcri/journal');
  await assert.rejects(
    checkStateDirs(new LocalFs(), { state_dir: join(dir, 's'), journal_dir: journal }),
    isStateDirError(`journal dir ${journal} cannot be created: ${join(dir, 'lib')} is a file, not a directory`, /set journal_dir in the config/),
  );
});

test('locks/ being a file inside the state dir is named', async () => {
  const dir = tmp();
  mkdirSync(join(dir, 's'));
  writeFileSync(join(dir, 's/locks'), '');
  await assert.rejects(
    checkStateDirs(new LocalFs(), { state_dir: join(dir, 's'), journal_dir: join(dir, 'j') }),
    isStateDirError(`state dir ${join(dir, 's/locks')} is a file, not a directory`, /set state_dir/),
  );
});

test('a dangling symlink as journal dir is named', async () => {
  const dir = tmp();
  symlinkSync(join(dir, 'gone'), join(dir, 'j'));
  await assert.rejects(
    checkStateDirs(new LocalFs(), { state_dir: join(dir, 's'), journal_dir: join(dir, 'j') }),
    isStateDirError(`journal dir ${join(dir, 'j')} is a symbolic link to a missing directory`, /set journal_dir/),
  );
});

/** A raw error as Node's fs raises it. */
function errno(code: string, errnoValue: number, message: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}, open '${path}'`), { code, errno: errnoValue, syscall: 'open', path });
}

test('explainFsError: read-only, full, over quota, no permission, other errno; non-errno errors pass through', () => {
  const d = '/var/lib/lxcri-console/journal';
  const f = `${d}/restore-101.json`;
  isStateDirError(
    `journal dir ${d} is read-only (EROFS)`,
    /^remount the filesystem holding \/var\/lib\/lxcri-console\/journal read-write, or set journal_dir in the config/,
  )(explainFsError(errno('EROFS', -30, 'read-only file system', f), d, 'journal dir'));
  isStateDirError(
    `no space left to write in ${d} (journal dir; ENOSPC)`,
    /^free space on the filesystem holding .*df -h/,
  )(explainFsError(errno('ENOSPC', -28, 'no space left on device', f), d, 'journal dir'));
  // zfs-fuse answers EDQUOT over a quota; libuv has no name for it
  isStateDirError(
    'no space left to write in /run/s (state dir; EDQUOT, quota exceeded)',
    /quota/,
  )(explainFsError(errno('Unknown system error -122', -122, 'Unknown system error -122', '/run/s/x'), '/run/s', 'state dir'));
  isStateDirError(
    'state dir /run/s is not writable by this user (EACCES)',
    /^run as root.*set state_dir/,
  )(explainFsError(errno('EACCES', -13, 'permission denied', '/run/s/x'), '/run/s', 'state dir'));
  isStateDirError(
    'state dir /run/s cannot be used (EIO: i/o error)',
    /set state_dir/,
  )(explainFsError(errno('EIO', -5, 'i/o error', '/run/s/x'), '/run/s', 'state dir'));
  const plain = new Error('boom');
  assert.equal(explainFsError(plain, '/run/s', 'state dir'), plain);
  const already = new LxcriError('locked', 'm', 'h');
  assert.equal(explainFsError(already, '/run/s', 'state dir'), already);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DIFF_BINDINGS, FILES_BINDINGS, keyOf, NORMAL_BINDINGS, READ_ONLY_KEY } from '../../src/app/bindings.js';
import { RefusedError } from '../../src/core/errors.js';
import { massDeletion, summarize, type FileChange } from '../../src/core/model/file-diff.js';
import type { FileDiffResult } from '../../src/core/ops/file-diff.js';
import type { FileListing, FileListingEntry, RestoreFilePlan, RestoreFileResult } from '../../src/core/ops/file-restore.js';
import { keyBytes, plain, renderConsole } from '../support/ui.js';

/*
 * The diff view (`=`) and the file browser (`f`). The demo host simulates `zfs` without `zfs diff` and has no files
 * under its mountpoints, so its core answers the console's reads with the errors a real host without them gives
 * (tested as such below); the views' results come from the demo core with diff, files, planRestoreFile and
 * restoreFile replaced by fakes answering as the core does (the shapes of src/core/ops/file-diff.ts, file-restore.ts).
 */

type Console = Awaited<ReturnType<typeof renderConsole>>;

/** The tree pane focused on container 100 (the demo's web), the cursor on its newest row. */
async function openTree(c: Console): Promise<void> {
  await c.command('next-pane');
  await c.command('top');
}

/** Moves the tree cursor to the n-th checkpoint row from the top (NOW rows skipped). */
async function toCheckpoint(c: Console, n: number): Promise<void> {
  await c.command('top');
  let seen = -1;
  for (let i = 0; i < 40; i++) {
    if (c.controller.cursorRow()?.node.kind === 'snapshot' && ++seen === n) return;
    await c.command('down');
  }
  throw new Error(`no checkpoint ${n}`);
}

function diffResult(from: string, to: string, changes: FileChange[], extra: Partial<FileDiffResult> = {}): FileDiffResult {
  const summary = summarize(changes);
  const mass = massDeletion(summary, 30);
  return { container: '100', from, to, method: 'walk', content: false, changes, summary, ...(mass ? { massDeletion: mass } : {}), ...extra };
}

const SMALL: FileChange[] = [
  { path: '/etc/hosts', change: 'M', type: 'file', size: 220 },
  { path: '/etc/nginx/nginx.conf', change: '+', type: 'file', size: 1536 },
  { path: '/var/log/old.log', change: '-', type: 'file', size: 4096 },
  { path: '/f1', change: 'M', type: 'file', size: 6 },
];

/** A promise the test resolves when it wants the core's answer to arrive (to see the view while it reads). */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const view = (c: Console) => plain(c.frame());
/** The frame as one line of text, borders and wrapping gone (for text a dialog or view wraps). */
const flat = (c: Console) => view(c).replace(/[│║]/g, ' ').replace(/\s+/g, ' ');

test('= without a mark says what to mark; with one mark and the cursor on another checkpoint it diffs the two, oldest first', async () => {
  const c = await renderConsole({ size: { columns: 120, rows: 30 }, treeOrder: 'newest' });
  await openTree(c);
  await toCheckpoint(c, 0);
  await c.command('diff');
  assert.match(view(c), /=: mark a checkpoint first \(Space\)/);
  assert.equal(c.controller.ui.getState().mode, 'normal');

  const calls: Array<[string, string, string | undefined]> = [];
  const answer = deferred<FileDiffResult>();
  c.core.diff = (id, from, to) => {
    calls.push([id, from, to]);
    return answer.promise;
  };
  const newer = c.controller.cursorRow()!.node;
  await toCheckpoint(c, 2);
  const older = c.controller.cursorRow()!.node;
  await c.command('mark');
  await toCheckpoint(c, 0);
  // Pressed without waiting for the console to be idle: the core's answer is held back.
  c.stdin.write(keyBytes(keyOf('diff', NORMAL_BINDINGS, 'tree')));
  for (let i = 0; i < 20 && !view(c).includes('reading'); i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(calls, [['100', older.fullName, newer.fullName]], 'the older one first, full names');
  assert.match(view(c), new RegExp(`diff 100: ${older.name} -> ${newer.name}`));
  assert.match(view(c), /reading what changed in 100 from .* to .*…/);

  answer.resolve(diffResult(older.name, newer.name, SMALL));
  await c.settle();
  const f = view(c);
  assert.doesNotMatch(f, /reading/);
  assert.match(f, /4 changes: 1 added, 1 removed, 2 modified, 0 renamed/);
  assert.match(f, /legend: \+ added {2}- removed {2}M modified {2}R renamed/);
  assert.match(f, /▸▾ \/etc {2}2 changes {2}\+1 -0 M1 R0/, 'the cursor on the first group, open');
  assert.match(f, / {4}M {2}\/etc\/hosts \(220B?\)/);
  assert.match(f, / {4}\+ {2}\/etc\/nginx\/nginx\.conf \(1\.5K\)/);
  assert.match(f, /▾ \/var {2}1 change {2}\+0 -1/);
  assert.match(f, / {4}- {2}\/var\/log\/old\.log +│/, 'a removed file shows no size');
  assert.match(f, /▾ \/ {2}1 change/);
  assert.doesNotMatch(f, /mass deletion/);

  // Enter (or z) folds the group under the cursor; again, it opens.
  await c.command('collapse', DIFF_BINDINGS);
  assert.match(view(c), /▸▸ \/etc {2}2 changes/);
  assert.doesNotMatch(view(c), /\/etc\/hosts/);
  await c.command('bottom', DIFF_BINDINGS);
  assert.match(view(c), /▸ {4}- {2}\/var\/log\/old\.log/, 'the cursor moves over the rows');
  await c.press('z');
  assert.match(view(c), /▸▸ \/var {2}1 change/, 'z on a change folds its group, the cursor on the group');
  assert.doesNotMatch(view(c), /old\.log/);
  await c.command('top', DIFF_BINDINGS);
  await c.command('collapse', DIFF_BINDINGS);
  assert.match(view(c), /\/etc\/hosts/, 'open again');

  await c.command('close', DIFF_BINDINGS);
  assert.equal(c.controller.ui.getState().mode, 'normal');
  assert.match(view(c), /Checkpoints of 100/);
  c.unmount();
});

test('= with one mark and the cursor on it (or on NOW) diffs against NOW; a mass deletion is warned of on top', async () => {
  const c = await renderConsole({ size: { columns: 140, rows: 30 }, treeOrder: 'newest' });
  await openTree(c);
  const calls: Array<string | undefined> = [];
  const removed: FileChange[] = Array.from({ length: 25 }, (_, i) => ({ path: `/srv/data/f${i}`, change: '-', type: 'file', size: 100 }));
  c.core.diff = async (_id, from, to) => {
    calls.push(to);
    return diffResult(from.slice(from.indexOf('@') + 1), 'NOW', removed);
  };
  await toCheckpoint(c, 1);
  await c.command('mark');
  await c.command('diff');
  await c.command('close', DIFF_BINDINGS);
  await c.command('top');
  assert.equal(c.controller.cursorRow()!.node.kind, 'now');
  await c.command('diff');
  assert.deepEqual(calls, [undefined, undefined], 'NOW: the live state');
  const f = view(c);
  assert.match(f, /-> NOW/);
  assert.match(f, /warning: mass deletion: 25 paths of 30 \(83%\) removed, most under \/srv/);
  assert.match(f, /25 changes: 0 added, 25 removed/);
  c.unmount();
});

test('the diff view scrolls: G to the last change, g back, PgDn a page, the hints count what is hidden', async () => {
  const c = await renderConsole({ size: { columns: 100, rows: 24 }, treeOrder: 'newest' });
  await openTree(c);
  const many: FileChange[] = Array.from({ length: 60 }, (_, i) => ({ path: `/usr/lib/x${String(i).padStart(2, '0')}`, change: '+', type: 'file', size: 10 }));
  c.core.diff = async (_id, from) => diffResult(from, 'NOW', many);
  await toCheckpoint(c, 0);
  await c.command('mark');
  await c.command('diff');
  let f = view(c);
  assert.match(f, /\/usr\/lib\/x00/);
  assert.doesNotMatch(f, /x59/);
  assert.match(f, /↓ \d+ more/);
  await c.command('bottom', DIFF_BINDINGS);
  f = view(c);
  assert.match(f, /▸ {4}\+ {2}\/usr\/lib\/x59/);
  assert.match(f, /↑ \d+ more/);
  await c.command('top', DIFF_BINDINGS);
  await c.command('page-down', DIFF_BINDINGS);
  assert.ok(c.controller.ui.getState().diffView!.cursor > 5, 'a page down');
  c.unmount();
});

test("the demo host has no zfs diff and no files under its mountpoints: the diff view shows the core's error", async () => {
  const c = await renderConsole({ size: { columns: 140, rows: 30 }, treeOrder: 'newest' });
  await openTree(c);
  await toCheckpoint(c, 0);
  await c.command('mark');
  await c.command('diff');
  assert.match(flat(c), /cannot diff: zfs diff -FHt .* failed \(exit 2\): unrecognized command 'diff'/);
  await c.command('close', DIFF_BINDINGS);
  await c.command('files');
  assert.match(flat(c), /cannot list: /);
  await c.command('close', FILES_BINDINGS);
  assert.equal(c.controller.ui.getState().mode, 'normal');
  c.unmount();
});

function entry(name: string, type: FileListingEntry['type'], size = 4096): FileListingEntry {
  return { name, type, size, mode: type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, mtime: 1_763_890_000 };
}

const TREE: Record<string, FileListingEntry[]> = {
  '/': [entry('etc', 'dir'), entry('f1', 'file', 6), entry('var', 'dir')],
  '/etc': [entry('hosts', 'file', 220), entry('nginx', 'dir')],
  '/etc/nginx': [entry('nginx.conf', 'file', 1536)],
  '/var': [],
};

/** A core answering listings of TREE and previews of restores, recording the restores asked for. */
function fakeFiles(c: Console) {
  const restores: Array<[string, string, string]> = [];
  c.core.files = async (id, checkpoint, path = '/'): Promise<FileListing> => {
    if (!TREE[path]) throw new Error(`${path} does not exist in checkpoint ${checkpoint}`);
    return { container: id, checkpoint: checkpoint.slice(checkpoint.indexOf('@') + 1), path, type: 'dir', entries: TREE[path] };
  };
  const plan = (id: string, checkpoint: string, path: string): RestoreFilePlan => ({
    container: id,
    checkpoint: checkpoint.slice(checkpoint.indexOf('@') + 1),
    path,
    type: 'file',
    size: 220,
    dest: path,
    current: { type: 'file', size: 230 },
    keptAs: `${path}.lxcri-1763900000`,
    replace: false,
    steps: [`copy ${path} out of the checkpoint`, `rename the current ${path} to ${path}.lxcri-1763900000`],
  });
  c.core.planRestoreFile = async (id, checkpoint, path) => plan(id, checkpoint, path);
  c.core.restoreFile = async (id, checkpoint, path): Promise<RestoreFileResult> => {
    restores.push([id, checkpoint, path]);
    return { ...plan(id, checkpoint, path), reports: [] };
  };
  return restores;
}

test('f browses the checkpoint under the cursor: Enter goes into a directory, Backspace back up onto it', async () => {
  const c = await renderConsole({ size: { columns: 120, rows: 30 }, treeOrder: 'newest' });
  await openTree(c);
  fakeFiles(c);
  await c.command('files');
  assert.match(view(c), /f: put the tree cursor on a checkpoint/, 'on NOW: refused');
  await toCheckpoint(c, 0);
  const cp = c.controller.cursorRow()!.node;
  await c.command('files');
  let f = view(c);
  assert.match(f, new RegExp(`100 @ ${cp.name}: / \\(3 entries\\)`));
  assert.match(f, /▸drwxr-xr-x +0 +0 +4K +.* etc\//);
  assert.match(f, / -rw-r--r-- +0 +0 +6B? +.* f1 +│/);
  await c.command('open', FILES_BINDINGS);
  f = view(c);
  assert.match(f, /: \/etc \(2 entries\)/);
  assert.match(f, /hosts/);
  await c.command('down', FILES_BINDINGS);
  await c.command('open', FILES_BINDINGS);
  assert.match(view(c), /: \/etc\/nginx \(1 entry\)/);
  await c.command('back', FILES_BINDINGS);
  await c.command('back', FILES_BINDINGS);
  f = view(c);
  assert.match(f, /: \/ \(3 entries\)/);
  assert.match(f, /▸drwxr-xr-x .* etc\//, 'the cursor back on the directory it came from');
  await c.command('bottom', FILES_BINDINGS);
  await c.command('open', FILES_BINDINGS);
  assert.match(view(c), /\(empty directory\)/);
  await c.command('close', FILES_BINDINGS);
  assert.equal(c.controller.ui.getState().mode, 'normal');
  c.unmount();
});

test('Enter on a file offers "restore this file" with the preview; Esc back to the browser, y restores it', async () => {
  const c = await renderConsole({ size: { columns: 120, rows: 30 }, treeOrder: 'newest' });
  await openTree(c);
  const restores = fakeFiles(c);
  await toCheckpoint(c, 0);
  const cp = c.controller.cursorRow()!.node;
  await c.command('files');
  await c.command('open', FILES_BINDINGS);
  await c.command('open', FILES_BINDINGS);
  const f = view(c);
  assert.match(f, new RegExp(`Restore /etc/hosts of 100 from ${cp.name}`));
  assert.match(flat(c), /the current \/etc\/hosts is kept as \/etc\/hosts\.lxcri-1763900000; nothing else in the container changes and it keeps running/);
  assert.match(f, /y\/Enter restore {3}t --to elsewhere {3}r replace the current one {3}Esc cancel/);
  await c.dialogCommand('close');
  assert.equal(c.controller.ui.getState().mode, 'files', 'back in the browser');
  assert.match(view(c), /: \/etc \(2 entries\)/);
  assert.deepEqual(restores, [], 'nothing restored');
  await c.command('open', FILES_BINDINGS);
  await c.dialogCommand('confirm');
  await c.controller.idle();
  assert.deepEqual(restores, [['100', cp.fullName, '/etc/hosts']]);
  assert.match(view(c), new RegExp(`restore of /etc/hosts from ${cp.name} in 100: done`));
  assert.equal(c.controller.ui.getState().mode, 'files', 'back in the browser, for the next file');
  assert.match(view(c), /: \/etc \(2 entries\)/);
  c.unmount();
});

test('a file restore the core refuses says why on the flash line; the browser stays', async () => {
  const c = await renderConsole({ size: { columns: 120, rows: 30 }, treeOrder: 'newest' });
  await openTree(c);
  const restores = fakeFiles(c);
  c.core.planRestoreFile = async (id, _checkpoint, path) => {
    throw new RefusedError(`${path} resolves outside the root of ${id}`, 'restore the link itself with --to');
  };
  await toCheckpoint(c, 0);
  await c.command('files');
  await c.command('down', FILES_BINDINGS);
  await c.command('open', FILES_BINDINGS);
  assert.equal(c.controller.ui.getState().mode, 'files');
  assert.match(view(c), /\/f1 resolves outside the root of 100 \(restore the link itself with --to\)/);
  assert.doesNotMatch(view(c), /reading what restoring/);
  assert.deepEqual(restores, []);
  c.unmount();
});

test('read-only: = and f work, the file restore is refused', async () => {
  const c = await renderConsole({ readOnly: true, size: { columns: 120, rows: 30 }, treeOrder: 'newest' });
  await openTree(c);
  const restores = fakeFiles(c);
  c.core.diff = async (_id, from) => diffResult(from, 'NOW', SMALL);
  await toCheckpoint(c, 0);
  await c.command('mark');
  await c.command('diff');
  assert.match(view(c), /4 changes/);
  await c.command('close', DIFF_BINDINGS);
  await c.command('files');
  await c.command('open', FILES_BINDINGS);
  await c.command('open', FILES_BINDINGS);
  assert.match(view(c), /Restore \/etc\/hosts/);
  await c.dialogCommand('confirm');
  assert.ok(view(c).includes(READ_ONLY_KEY.slice(0, 40)), view(c));
  assert.deepEqual(restores, []);
  c.unmount();
});

test('the diff view says which mount points were compared too and why another was not', async () => {
  const c = await renderConsole({ size: { columns: 200, rows: 30 }, treeOrder: 'newest' });
  await openTree(c);
  c.core.diff = async (_id, from) =>
    diffResult(from.slice(from.indexOf('@') + 1), 'NOW', SMALL, {
      volumes: [
        { mount: 'mp0', path: '/srv/data', dataset: 'rpool/data/subvol-100-disk-1', compared: true },
        { mount: 'mp1', path: '/srv/logs', dataset: 'rpool/data/subvol-100-disk-2', compared: false, reason: 'not-in-checkpoint', checkpoint: 'checkpoint-1' },
      ],
    });
  await toCheckpoint(c, 1);
  await c.command('mark');
  await c.command('diff');
  const f = flat(c);
  assert.match(f, /mount points compared too: mp0 \/srv\/data/);
  assert.match(f, /note: mp1 \/srv\/logs not compared: its volume rpool\/data\/subvol-100-disk-2 has no snapshot checkpoint-1/);
  c.unmount();
});

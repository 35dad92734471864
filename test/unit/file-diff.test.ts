import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareIndexes,
  massDeletion,
  mergeThreeWay,
  sameMetadataFiles,
  summarize,
  topDir,
  type FileChange,
  type FileEntry,
  type FileIndex,
} from '../../src/core/model/file-diff.js';
import { planDiff } from '../../src/core/ops/file-diff.js';
import { diffLines, massDeletionLine } from '../../src/present/file-diff.js';
import { loadedContainer, RecordBuilder } from '../support/records.js';

let nextIno = 100;
const file = (size: number, mtimeMs = 1000, extra: Partial<FileEntry> = {}): FileEntry => ({
  type: 'file',
  size,
  mode: 0o644,
  uid: 0,
  gid: 0,
  mtimeMs,
  ino: nextIno++,
  ...extra,
});
const dir = (mtimeMs = 1000, extra: Partial<FileEntry> = {}): FileEntry => ({
  type: 'dir',
  size: 3,
  mode: 0o755,
  uid: 0,
  gid: 0,
  mtimeMs,
  ino: nextIno++,
  ...extra,
});
const index = (entries: Record<string, FileEntry>): FileIndex => new Map(Object.entries(entries));
const lines = (changes: readonly FileChange[]) => changes.map((c) => `${c.change} ${c.path}${c.newPath ? ` -> ${c.newPath}` : ''}`);

test('the issue case: f1 modified, f2 removed, f4 added; d/f3 and d untouched', () => {
  const f1 = file(3);
  const f2 = file(3);
  const d = dir();
  const f3 = file(5);
  const a = index({ '/f1': f1, '/f2': f2, '/d': d, '/d/f3': f3 });
  const b = index({ '/f1': { ...f1, size: 7, mtimeMs: 2000 }, '/d': d, '/d/f3': f3, '/f4': file(4) });
  const changes = compareIndexes(a, b);
  assert.deepEqual(changes, [
    { path: '/f1', change: 'M', type: 'file', size: 7 },
    { path: '/f2', change: '-', type: 'file', size: 3 },
    { path: '/f4', change: '+', type: 'file', size: 4 },
  ]);
});

test('metadata: mode, owner, mtime and a link target each make a change; a same-size same-time file needs --content', () => {
  const base = { '/m': file(1), '/o': file(1), '/t': file(1), '/l': { ...file(0), type: 'symlink' as const, target: 'x' }, '/c': file(9) };
  const a = index(base);
  const b = index({
    '/m': { ...base['/m'], mode: 0o600 },
    '/o': { ...base['/o'], uid: 1000 },
    '/t': { ...base['/t'], mtimeMs: 5000 },
    '/l': { ...base['/l'], target: 'y' },
    '/c': base['/c'],
  });
  assert.deepEqual(lines(compareIndexes(a, b)), ['M /l', 'M /m', 'M /o', 'M /t']);
  assert.deepEqual(sameMetadataFiles(a, b), ['/c']);
  assert.deepEqual(lines(compareIndexes(a, b, new Set(['/c']))), ['M /c', 'M /l', 'M /m', 'M /o', 'M /t']);
});

test('a directory whose only change is its mtime is listed only when nothing below it is', () => {
  const d = dir(1000);
  const e = dir(1000);
  const a = index({ '/d': d, '/d/x': file(1), '/e': e });
  const b = index({ '/d': { ...d, mtimeMs: 2000 }, '/e': { ...e, mtimeMs: 2000 } });
  // /d lost /d/x (that says why it moved); /e changed with nothing to show for it (a file made and removed again).
  assert.deepEqual(lines(compareIndexes(a, b)), ['- /d/x', 'M /e']);
  // A chmod of a directory is its own change, whatever happened below.
  const c = index({ '/d': { ...d, mode: 0o700, mtimeMs: 2000 }, '/e': e });
  assert.deepEqual(lines(compareIndexes(a, c)), ['M /d', '- /d/x']);
});

test('renames: the same object under another name; a directory once for all its entries', () => {
  const f = file(10, 1000);
  const d = dir();
  const inner = file(2);
  const changed = file(3, 1000);
  const a = index({ '/old': f, '/dir': d, '/dir/inner': inner, '/dir/changed': changed, '/gone': file(1) });
  const b = index({
    '/new': f,
    '/moved': d,
    '/moved/inner': inner,
    '/moved/changed': { ...changed, size: 30, mtimeMs: 3000 },
    // The same object number reused by a new file with other contents: not a rename.
    '/other': { ...file(99, 9999), ino: a.get('/gone')!.ino },
  });
  assert.deepEqual(lines(compareIndexes(a, b)), ['R /dir -> /moved', '- /gone', 'M /moved/changed', 'R /old -> /new', '+ /other']);
});

test('a type change is a modification with the new type', () => {
  const a = index({ '/x': file(1) });
  const b = index({ '/x': dir() });
  assert.deepEqual(compareIndexes(a, b), [{ path: '/x', change: 'M', type: 'dir' }]);
});

test('mergeThreeWay: only in from, only in to, on both sides (with both changes)', () => {
  const merged = mergeThreeWay(
    [
      { path: '/a', change: 'M', type: 'file', size: 1 },
      { path: '/both', change: '-', type: 'file', size: 2 },
    ],
    [
      { path: '/b', change: '+', type: 'file', size: 3 },
      { path: '/both', change: 'M', type: 'file', size: 4 },
    ],
  );
  assert.deepEqual(merged, [
    { path: '/a', change: 'M', type: 'file', size: 1, side: 'from' },
    { path: '/b', change: '+', type: 'file', size: 3, side: 'to' },
    { path: '/both', change: 'M', type: 'file', size: 4, side: 'both', fromChange: '-' },
  ]);
});

test('summary by top-level directory, with bytes; a mass deletion is warned of', () => {
  assert.equal(topDir('/etc/nginx/x'), '/etc');
  assert.equal(topDir('/f1'), '/');
  assert.equal(topDir('/etc', true), '/etc');
  const changes: FileChange[] = [
    { path: '/etc/a', change: 'M', type: 'file', size: 10 },
    { path: '/etc/b', change: '+', type: 'file', size: 5 },
    { path: '/f1', change: '-', type: 'file', size: 1 },
    { path: '/var', change: 'R', type: 'dir', newPath: '/var2' },
  ];
  const s = summarize(changes);
  assert.deepEqual(
    { added: s.added, removed: s.removed, modified: s.modified, renamed: s.renamed, bytes: s.bytes },
    { added: 1, removed: 1, modified: 1, renamed: 1, bytes: 16 },
  );
  assert.deepEqual(s.top[0], { dir: '/etc', added: 1, removed: 0, modified: 1, renamed: 0, bytes: 15 });
  assert.equal(massDeletion(s, 10), undefined);

  const wiped = summarize(Array.from({ length: 60 }, (_, i): FileChange => ({ path: `/var/lib/x${i}`, change: '-', type: 'file', size: 1 })));
  const m = massDeletion(wiped, 100);
  assert.deepEqual(m, { removed: 60, of: 100, worst: '/var' });
  assert.match(massDeletionLine(m!), /^warning: mass deletion: 60 paths of 100 \(60%\) removed, most under \/var/);
  // Below half of what was there, or too few paths to matter: no warning.
  assert.equal(massDeletion(wiped, 200), undefined);
  assert.equal(massDeletion(summarize(changes.filter((c) => c.change === '-')), 1), undefined);
  // zfs diff gives no total: only a large count warns.
  assert.equal(massDeletion(wiped), undefined);
});

test('planDiff: forward on a line, backward, three-way across branches with their merge base', () => {
  // web: base -> x (the former line, kept as a branch) and base -> y (the line restored from base).
  const b = new RecordBuilder()
    .fs('t/c')
    .fs('t/c/lxcri-br-web-1763890000', { user: { branch: 'web@1763890000' } })
    .snap('t/c/lxcri-br-web-1763890000', 'base')
    .snap('t/c/lxcri-br-web-1763890000', 'x')
    .fs('t/c/web', { origin: 't/c/lxcri-br-web-1763890000@base' })
    .snap('t/c/web', 'y');
  const { tree } = loadedContainer(b);
  assert.equal(planDiff(tree, 'base', 'x').relation, 'forward');
  assert.equal(planDiff(tree, 'x', 'base').relation, 'backward');
  assert.equal(planDiff(tree, 'base', undefined).relation, 'forward');
  assert.equal(planDiff(tree, 'y', 'NOW').relation, 'forward');
  assert.equal(planDiff(tree, 'x', 'x').relation, 'same');
  const three = planDiff(tree, 'x', 'y');
  assert.equal(three.relation, 'three-way');
  assert.equal(three.base?.name, 'base');
  assert.equal(planDiff(tree, 'x', 'now').base?.name, 'base');
  assert.throws(() => planDiff(tree, 'nope', 'x'), /Snapshot does not exist: nope/);
});

test('diffLines groups a three-way view by side and names the merge base', () => {
  const changes = mergeThreeWay([{ path: '/f1', change: 'M', type: 'file', size: 1 }], [{ path: '/f4', change: '+', type: 'file', size: 2 }]);
  const text = diffLines({ container: 'web', from: 'x', to: 'y', base: 'base', method: 'walk', content: false, changes, summary: summarize(changes) });
  assert.equal(text[0], 'diff web: x ... y (on different branches; both from base) [files compared by metadata (--content compares contents)]');
  assert.deepEqual(text.slice(2, 6), ['only in x (since base):', '  M  /f1 (1B)', 'only in y (since base):', '  +  /f4 (2B)']);
});

test('a temporary clone is named as ours wherever a clone user is shown, and its names are free in the listing', async () => {
  const { describeOwner } = await import('../../src/core/model/ownership.js');
  const { tempClones, TEMP_MOUNT_DIR } = await import('../../src/core/ops/temp-clones.js');
  const taken = new Set(['t/c/lxcri-tmp-web-1763890000-1']);
  const clones = tempClones('t/c/web', ['t/c/web@a', 't/c/web@b'], 1763890000, { get: (n: string) => (taken.has(n) ? ({} as never) : undefined) });
  assert.deepEqual(
    clones.map((c) => [c.clone, c.mountpoint]),
    [
      ['t/c/lxcri-tmp-web-1763890000-1-2', `${TEMP_MOUNT_DIR}/t+c+lxcri-tmp-web-1763890000-1-2`],
      ['t/c/lxcri-tmp-web-1763890000-2', `${TEMP_MOUNT_DIR}/t+c+lxcri-tmp-web-1763890000-2`],
    ],
  );
  assert.equal(describeOwner(clones[0]!.clone), 'a temporary clone for web');
  assert.equal(describeOwner('t/c/lxcri-tmp-web-2-1763890000-1'), 'a temporary clone for web-2');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropExplainedDirs, invertChanges } from '../../src/core/model/file-diff.js';
import { containerPath, parseZfsDiff, unescapeZfsPath, zfsDiffChanges } from '../../src/core/tools/zfs/diff.js';
import { fixture } from '../support/fixtures.js';

// The man page's example, quoted verbatim (test/fixtures/README.md says where from).
test('parseZfsDiff reads the zfs-diff(8) example (-F, space-padded, arrows, link count)', () => {
  const lines = parseZfsDiff(fixture('zfs/openzfs-diff-F-manpage.txt'));
  assert.deepEqual(lines, [
    { change: 'M', type: 'dir', path: '/tank/test/' },
    { change: 'M', type: 'file', path: '/tank/test/linked', linkDelta: 1 },
    { change: 'R', type: 'file', path: '/tank/test/oldname', newPath: '/tank/test/newname' },
    { change: '-', type: 'file', path: '/tank/test/deleted' },
    { change: '+', type: 'file', path: '/tank/test/created' },
    { change: 'M', type: 'file', path: '/tank/test/modified' },
  ]);
});

test('parseZfsDiff reads the -FHt layout: change time first, tabs, no arrows, escaped names', () => {
  const lines = parseZfsDiff(fixture('zfs/openzfs-diff-FHt.txt'));
  assert.equal(lines.length, 9);
  assert.deepEqual(lines[0], { change: 'M', type: 'dir', path: '/tank/test/', ctime: Number('1763890001.000000001') });
  assert.deepEqual(lines[2], { change: 'R', type: 'file', path: '/tank/test/oldname', newPath: '/tank/test/newname', ctime: Number('1763890003.000000003') });
  assert.equal(lines[1]!.linkDelta, 1);
  assert.equal(lines[6]!.path, '/tank/test/new dir');
  assert.equal(lines[6]!.type, 'dir');
  assert.equal(lines[7]!.path, '/tank/test/new dir/café');
  assert.equal(lines[7]!.type, 'symlink');
  assert.equal(lines[8]!.path, '/tank/test/back\\slash');
  assert.equal(lines[8]!.type, 'other');
});

test('the man page example and its -FHt form give the same changes in container paths', () => {
  const mp = ['/tank/test'];
  const a = zfsDiffChanges(parseZfsDiff(fixture('zfs/openzfs-diff-F-manpage.txt')), mp);
  const b = zfsDiffChanges(parseZfsDiff(fixture('zfs/openzfs-diff-FHt.txt')), mp).slice(0, 6);
  assert.deepEqual(a, b);
  // The root's M (an entry changed in it) is dropped: its entries say what.
  assert.deepEqual(
    dropExplainedDirs(a).map((c) => `${c.change} ${c.path}${c.newPath ? ` ${c.newPath}` : ''}`),
    ['+ /created', '- /deleted', 'M /linked', 'M /modified', 'R /oldname /newname'],
  );
});

test('parseZfsDiff refuses lines it cannot read, naming the line', () => {
  assert.throws(() => parseZfsDiff('X\tF\t/a\n'), /line 1: no change indicator/);
  assert.throws(() => parseZfsDiff('M\t/a\n'), /line 1: no file type indicator/);
  assert.throws(() => parseZfsDiff('\nR\tF\t/a\n'), /line 2: a rename without its new path/);
  assert.throws(() => parseZfsDiff('M\tF\t/a\tjunk\n'), /unexpected field "junk"/);
  assert.deepEqual(parseZfsDiff(''), []);
});

test('unescapeZfsPath: four-digit escapes, the older three-digit ones, UTF-8 bytes', () => {
  assert.equal(unescapeZfsPath('/a\\0040b'), '/a b');
  assert.equal(unescapeZfsPath('/a\\040b'), '/a b');
  // "\0401" cannot be one byte: the older escape "\040" then "1".
  assert.equal(unescapeZfsPath('/x\\0401'), '/x 1');
  assert.equal(unescapeZfsPath('/\\0303\\0251t\\0303\\0251'), '/été');
  assert.equal(unescapeZfsPath('/tab\\0011x\\0012'), '/tab\tx\n');
  assert.equal(unescapeZfsPath('/plain'), '/plain');
});

test('containerPath strips the dataset mountpoint; the mountpoint itself is the root', () => {
  assert.equal(containerPath('/rpool/data/subvol-101-disk-0/etc/hosts', ['/rpool/data/subvol-101-disk-0']), '/etc/hosts');
  assert.equal(containerPath('/rpool/data/subvol-101-disk-0/', ['/rpool/data/subvol-101-disk-0']), '/');
  // Not a prefix by characters only: /tank/ct10 is not under /tank/ct1.
  assert.equal(containerPath('/tank/ct10/x', ['/tank/ct1', '/tank/ct10']), '/x');
  assert.equal(containerPath('/elsewhere/x', ['/tank/ct1']), '/elsewhere/x');
  assert.equal(containerPath('/etc/x', ['/']), '/etc/x');
});

test('invertChanges turns a diff from B to A into one from A to B', () => {
  const back = invertChanges([
    { path: '/a', change: '+', type: 'file', size: 1 },
    { path: '/b', change: '-', type: 'file' },
    { path: '/c', change: 'R', type: 'file', newPath: '/d' },
    { path: '/e', change: 'M', type: 'file' },
  ]);
  assert.deepEqual(
    back.map((c) => `${c.change} ${c.path}${c.newPath ? ` ${c.newPath}` : ''}`),
    ['- /a', '+ /b', 'R /d /c', 'M /e'],
  );
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { lines, startClusterCli, type ClusterCli } from '../support/cluster-cli.js';

// diff, files and restore-file of a container on pve2, reached over ssh from this machine (issue 12 on a remote node):
// its files read on pve2 through find, sha256sum and cp, through temporary clones made there (zfs-fuse has no
// .zfs/snapshot). Ground truth is read inside pve2's namespace (node.exec).

let h: ClusterCli;
const CT = 'pve2:402';
before(() => {
  h = startClusterCli();
  h.zfs('pve2', ['create', 'rpool/data/402']);
});
after(() => h?.stop());

/** A command inside pve2 (its files, its zfs). */
const on2 = (argv: string[]) => h.on('pve2', argv);
const root = () => h.prop('pve2', 'mountpoint', 'rpool/data/402');
const sh2 = (script: string, ...args: string[]) => on2(['sh', '-c', script, 'sh', ...args]);
function json<T>(args: string[]): T {
  return JSON.parse(h.ok([...args, '--json']).stdout) as T;
}
const checkpoint = () => json<{ checkpoints: Array<{ name: string }> }>(['checkpoint', CT]).checkpoints[0]!.name;
/** Temporary clones and their mount directories left on pve2 (`zfs list -t all` there). */
function leftovers(): string[] {
  const datasets = lines(h.zfs('pve2', ['list', '-H', '-t', 'all', '-o', 'name'])).filter((n) => n.includes('lxcri-tmp-'));
  const dirs = lines(sh2('ls -1A /run/lxcri-console/mnt 2>/dev/null || true')).filter((d) => d.startsWith('rpool+'));
  return [...datasets, ...dirs];
}

type Change = { path: string; change: string; type: string; size?: number; newPath?: string };

test('diff, files and restore-file of a container on pve2, read on pve2, no temporary clone left there', () => {
  const mp = root();
  const bytes = randomBytes(50_000).toString('base64');
  sh2('mkdir "$1/d"; printf one > "$1/f1"; printf %s "$2" > "$1/f2"; printf three > "$1/d/f3"; printf x > "$1/odd\nname\tx"', mp, bytes);
  sh2('chmod 0640 "$1/f2"; chown 1234:5678 "$1/f2"; touch -d @1600000000 "$1/f2"', mp);
  sh2('printf aaaa > "$1/same"; touch -d @1600000000 "$1/same"', mp);
  const f2Before = sh2('stat -c "%a %u %g %Y %s" "$1/f2"', mp);
  const a = checkpoint();
  sh2('printf "one, modified" > "$1/f1"; rm "$1/f2"; printf four > "$1/f4"; printf bbbb > "$1/same"; touch -d @1600000000 "$1/same"', mp);
  const b = checkpoint();

  const d = json<{ container: string; from: string; to: string; changes: Change[]; summary: { bytes: number } }>(['diff', CT, a, b]);
  assert.deepEqual([d.from, d.to], [a, b]);
  assert.deepEqual(d.changes, [
    { path: '/f1', change: 'M', type: 'file', size: 13 },
    { path: '/f2', change: '-', type: 'file', size: bytes.length },
    { path: '/f4', change: '+', type: 'file', size: 4 },
  ]);
  // --content: the bytes hashed on pve2 find /same, changed behind the same size and mtime.
  const content = json<{ changes: Change[] }>(['diff', CT, a, b, '--content']);
  assert.deepEqual(
    content.changes.map((c) => `${c.change} ${c.path}`),
    ['M /f1', '- /f2', '+ /f4', 'M /same'],
  );
  // One file's text diff, read on pve2 (find for its type and size, head for its bytes).
  const text = h.ok(['diff', CT, a, b, '--file', '/f1']).stdout;
  assert.match(text, /^-one$/m);
  assert.match(text, /^\+one, modified$/m);
  assert.deepEqual(leftovers(), [], 'no temporary clone left on pve2 after the diffs');

  const listing = json<{ path: string; entries: Array<{ name: string; type: string; size: number }> }>(['files', CT, a]);
  assert.deepEqual(
    listing.entries.map((e) => [e.name, e.type]),
    [
      ['d', 'dir'],
      ['f1', 'file'],
      ['f2', 'file'],
      ['odd\nname\tx', 'file'],
      ['same', 'file'],
    ],
  );
  const inDir = json<{ path: string; entries: Array<{ name: string; size: number }> }>(['files', CT, a, '/d']);
  assert.deepEqual([inDir.path, inDir.entries.map((e) => [e.name, e.size])], ['/d', [['f3', 5]]]);
  assert.deepEqual(leftovers(), []);

  // restore-file on pve2: byte-identical, mode, owner and mtime kept (read with pve2's own stat).
  h.ok(['restore-file', CT, a, '/f2']);
  assert.equal(sh2('cat "$1/f2"', mp), bytes);
  assert.equal(sh2('stat -c "%a %u %g %Y %s" "$1/f2"', mp), f2Before);
  // In place over a current version: that is kept beside it.
  h.ok(['restore-file', CT, a, '/f1']);
  assert.equal(sh2('cat "$1/f1"', mp), 'one');
  const kept = lines(sh2('ls -1A "$1"', mp)).filter((n) => n.startsWith('f1.lxcri-'));
  assert.equal(kept.length, 1);
  assert.equal(sh2('cat "$1/$2"', mp, kept[0]!), 'one, modified');
  // A path that leaves the root through a link on pve2 is refused.
  sh2('ln -s ../../.. "$1/up"', mp);
  const c = checkpoint();
  const refused = h.cli(['restore-file', CT, c, '/up/etc/passwd']);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /leaves the container's root through a symbolic link/);
  assert.deepEqual(leftovers(), [], 'no temporary clone left on pve2 after the restores');
});

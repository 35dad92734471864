import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CliEnv } from '../../src/cli/command-spec.js';
import { diffCommand } from '../../src/cli/commands/diff.js';
import type { Core } from '../../src/core/core.js';
import { Cluster } from '../../src/core/nodes/cluster.js';
import { textHunks } from '../../src/core/model/text-diff.js';
import { pickGlyphs } from '../../src/present/glyphs.js';
import { readTextSide, sidesDiff, TEXT_DIFF_LIMIT } from '../../src/core/ops/file-text.js';
import { LOCAL_FILES, RunnerFiles, type NodeFiles } from '../../src/core/ops/node-files.js';
import { ExecaRunner } from '../../src/core/runner/execa-runner.js';
import { expectOpenzfs, expectOpenzfsListing, fakeCore } from '../support/fake-core.js';
import { RecordBuilder } from '../support/records.js';

const LABEL = { state: 'cp1', container: 'web' };

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'lxcri-text-'));
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), body);
  }
  return root;
}

// Each side is read by the node's files: in this process on the local node, through the runner on another (here
// the runner runs this machine's own find and head, as a node's would).
const READERS: Array<[string, NodeFiles]> = [
  ['this process', LOCAL_FILES],
  ['the runner (another node)', new RunnerFiles(new ExecaRunner())],
];

for (const [how, files] of READERS) {
  test(`a text file is read; a missing file (or directory) is an empty side (${how})`, async () => {
    const root = tree({ '/etc/hosts': '127.0.0.1 localhost\n' });
    assert.deepEqual(await readTextSide(files, root, '/etc/hosts', LABEL), { exists: true, size: 20, text: '127.0.0.1 localhost\n' });
    assert.deepEqual(await readTextSide(files, root, '/etc/gone', LABEL), { exists: false });
    assert.deepEqual(await readTextSide(files, root, '/nodir/gone', LABEL), { exists: false });
  });

  test(`a binary file, one over the limit, a directory and a link are refused, naming the file and the state (${how})`, async () => {
    const root = tree({ '/bin/tool': Buffer.from([0x7f, 0x45, 0x00, 0x01]), '/big': 'x'.repeat(TEXT_DIFF_LIMIT + 1), '/d/f': 'f\n' });
    symlinkSync('/d/f', join(root, 'link'));
    await assert.rejects(readTextSide(files, root, '/bin/tool', LABEL), {
      code: 'binary',
      message: /^\/bin\/tool in cp1 of web is binary \(it holds NUL bytes\)/,
    });
    await assert.rejects(readTextSide(files, root, '/big', LABEL), {
      code: 'too-large',
      message: /\/big in cp1 of web is 262145 bytes, over the 262144 bytes/,
    });
    await assert.rejects(readTextSide(files, root, '/d', LABEL), { code: 'not-a-file', message: /\/d in cp1 of web is a directory/ });
    await assert.rejects(readTextSide(files, root, '/link', { state: 'NOW', container: 'web' }), {
      code: 'not-a-file',
      message: /\/link in the live web is a symbolic link/,
    });
    // A smaller limit refuses what the default takes.
    await assert.rejects(readTextSide(files, root, '/d/f', LABEL, 1), { code: 'too-large' });
  });
}

test('the diff: changed lines with 3 lines of context; a side missing makes every line added or removed', () => {
  const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n') + '\n';
  const after = ['a', 'b', 'c', 'D', 'e', 'f', 'g', 'h', 'i'].join('\n') + '\n';
  assert.deepEqual(textHunks(before, after), [
    { oldStart: 1, oldLines: 8, newStart: 1, newLines: 9, lines: [' a', ' b', ' c', '-d', '+D', ' e', ' f', ' g', ' h', '+i'] },
  ]);
  const one = { exists: true as const, size: 4, text: 'x\ny\n' };
  assert.deepEqual(sidesDiff({ exists: false }, one), {
    toSize: 4,
    hunks: [{ oldStart: 1, oldLines: 0, newStart: 1, newLines: 2, lines: ['+x', '+y'] }],
    added: 2,
    removed: 0,
  });
  assert.deepEqual(sidesDiff(one, { exists: false }).removed, 2);
  assert.deepEqual(sidesDiff(one, one), { fromSize: 4, toSize: 4, hunks: [], added: 0, removed: 0 });
});

/** OpenZFS: `web` mounted at a directory of this test, its checkpoints under .zfs/snapshot (no clone is made). */
function openzfsWeb(files: Record<string, string>) {
  const mount = tree(files);
  const records = new RecordBuilder().fs('t').fs('t/c').fs('t/c/web', { mountpoint: mount }).snap('t/c/web', 'x').snap('t/c/web', 'y').records;
  const { runner, core } = fakeCore();
  expectOpenzfs(runner, records);
  return { runner, core, relist: () => expectOpenzfsListing(runner, records) };
}

test('core.diffFile reads the two states where ZFS shows them and runs no command but the listing', async () => {
  const { runner, core, relist } = openzfsWeb({
    '/.zfs/snapshot/x/etc/app.conf': 'port=80\nhost=a\n',
    '/.zfs/snapshot/y/etc/app.conf': 'port=8080\nhost=a\n',
    '/etc/app.conf': 'port=8080\nhost=b\n',
  });
  const r = await core.diffFile('web', 'x', 'y', 'etc/app.conf');
  assert.deepEqual(r, {
    container: 'web',
    from: 'x',
    to: 'y',
    path: '/etc/app.conf',
    fromSize: 15,
    toSize: 17,
    hunks: [{ oldStart: 1, oldLines: 2, newStart: 1, newLines: 2, lines: ['-port=80', '+port=8080', ' host=a'] }],
    added: 1,
    removed: 1,
  });
  relist();
  const now = await core.diffFile('web', 'y', undefined, '/etc/app.conf');
  assert.deepEqual([now.to, now.hunks[0]!.lines], ['NOW', [' port=8080', '-host=a', '+host=b']]);
  runner.assertDone();
});

test('core.diffFile: a file in neither state is refused; a bad path is refused before anything runs', async () => {
  const { core } = openzfsWeb({ '/.zfs/snapshot/x/a': '1\n', '/.zfs/snapshot/y/a': '1\n' });
  await assert.rejects(core.diffFile('web', 'x', 'y', '/nothing'), /\/nothing exists neither in x nor in y of web/);
  const bare = fakeCore();
  await assert.rejects(bare.core.diffFile('web', 'x', 'y', '../etc/shadow'), /--file \.\.\/etc\/shadow uses '\.\.'/);
  await assert.rejects(bare.core.diffFile('web', 'NOW', 'y', '/a'), /first checkpoint of a diff cannot be NOW/);
  assert.equal(bare.runner.ran.length, 0);
});

function cliEnv(core: Core, o: { json?: boolean; color?: boolean } = {}) {
  const out: string[] = [];
  const painted: string[] = [];
  const e: CliEnv = {
    core,
    cluster: Cluster.ofCore(core),
    warn: (s) => out.push(`stderr: ${s}`),
    json: o.json ?? false,
    yes: false,
    glyphs: pickGlyphs(true),
    out: (s) => out.push(s),
    confirm: async () => false,
    nowSeconds: () => 0,
    color: o.color ?? false,
    outPainted: (s) => painted.push(s),
  };
  return { e, out, painted };
}

const TABBED = {
  '/.zfs/snapshot/x/etc/app.conf': 'port=80\n\tname=a\x1b[2J\n',
  '/.zfs/snapshot/y/etc/app.conf': 'port=8080\n\tname=a\x1b[2J\n',
};

test('CLI diff --file: the unified diff (tabs expanded, control bytes escaped), coloured on a terminal; --json gives hunks', async () => {
  const plain = openzfsWeb(TABBED);
  const p = cliEnv(plain.core);
  await diffCommand.run(p.e, ['web', 'x', 'y'], { file: '/etc/app.conf' });
  assert.deepEqual(p.out.join('\n').split('\n'), [
    'web /etc/app.conf: x (20B) -> y (22B), +1 -1 lines',
    '--- x:/etc/app.conf',
    '+++ y:/etc/app.conf',
    '@@ -1,2 +1,2 @@',
    '-port=80',
    '+port=8080',
    '        name=a\x1b[2J',
  ]);
  const tty = openzfsWeb(TABBED);
  const t = cliEnv(tty.core, { color: true });
  await diffCommand.run(t.e, ['web', 'x', 'y'], { file: '/etc/app.conf' });
  const lines = t.painted.join('\n').split('\n');
  assert.equal(lines[3], '\x1b[36m@@ -1,2 +1,2 @@\x1b[0m');
  assert.equal(lines[4], '\x1b[31m-port=80\x1b[0m');
  assert.equal(lines[5], '\x1b[32m+port=8080\x1b[0m');
  // What the file holds is escaped before the colour is added: its ESC never reaches the terminal.
  assert.equal(lines[6], '        name=a\\x1b[2J');
  const js = openzfsWeb(TABBED);
  const j = cliEnv(js.core, { json: true });
  await diffCommand.run(j.e, ['web', 'x', 'y'], { file: '/etc/app.conf' });
  const doc = JSON.parse(j.out.join('')) as { hunks: Array<{ lines: string[] }>; added: number };
  assert.deepEqual([doc.added, doc.hunks[0]!.lines], [1, ['-port=80', '+port=8080', ' \tname=a\x1b[2J']]);
  await assert.rejects(diffCommand.run(j.e, ['web', 'x', 'y'], { file: '/a', content: true }), /--content does not go with --file/);
});

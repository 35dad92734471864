import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { RunnerFiles } from '../../src/core/ops/node-files.js';
import { FakeRunner } from '../../src/core/runner/fake-runner.js';
import { FIND_FORMAT, parseFind } from '../../src/core/tools/find.js';
import { ARG_BATCH, argBatches } from '../../src/core/tools/arg-batches.js';
import { parseSha256sum } from '../../src/core/tools/sha256sum.js';
import { parseStatSizes } from '../../src/core/tools/stat.js';

// Captured on this machine with GNU find (test/fixtures/README.md): names with a newline, a tab and a backslash.
/** find's fields, each ended by a NUL. */
const nul = (...fields: string[]) => fields.map((f) => `${f}\0`).join('');
const HOSTILE = readFileSync(new URL('../fixtures/find/tree-hostile.bin', import.meta.url), 'utf8');

test('parseFind reads every record of captured find -printf output, hostile names intact', () => {
  const found = parseFind(HOSTILE);
  const byRel = new Map(found.map((e) => [e.rel, e]));
  assert.deepEqual([...byRel.keys()].sort(), ['back\\slash', 'd', 'd/f3', 'l', 'new\nline', 'pipe', 'sub', 'tab\tx']);
  assert.deepEqual(found.map((e) => [e.rel, e.type]).sort(), [
    ['back\\slash', 'file'],
    ['d', 'dir'],
    ['d/f3', 'file'],
    ['l', 'symlink'],
    ['new\nline', 'file'],
    ['pipe', 'other'],
    ['sub', 'dir'],
    ['tab\tx', 'file'],
  ]);
  assert.equal(byRel.get('d')!.mode, 0o4755, 'set-uid bit kept');
  assert.deepEqual([byRel.get('d/f3')!.uid, byRel.get('d/f3')!.gid, byRel.get('d/f3')!.size], [1000, 1001, 1]);
  const link = byRel.get('l')!;
  assert.deepEqual([link.target, link.size, link.mtimeMs], ['/abs/tar get', 12, 1_700_000_000_500]);
  assert.equal(byRel.get('new\nline')!.target, undefined, 'only a link has a target');
  assert.ok(found.every((e) => Number.isInteger(e.ino) && e.ino! > 0));
});

test('parseFind refuses output cut short or malformed, never skipping a record', () => {
  assert.deepEqual(parseFind(''), []);
  assert.throws(() => parseFind(HOSTILE.slice(0, -1)), /does not end with a NUL/);
  assert.throws(() => parseFind(HOSTILE.slice(0, HOSTILE.indexOf('\0') + 1)), /not a multiple of 9/);
  assert.throws(() => parseFind(nul('f', 'x', '644', '0', '0', '1.5', '1', '', 'a')), /"x" is not a number/);
  assert.throws(() => parseFind(nul('f', '1', '644', '0', '0', 'yesterday', '1', '', 'a')), /"yesterday" is not a time/);
});

test('parseSha256sum reads -z output by name (a newline in a name unescaped) and checks it against the names asked', () => {
  const h1 = 'a'.repeat(64);
  const h2 = 'b'.repeat(64);
  const names = ['/r/new\nline', '/r/back\\slash'];
  const out = `${h1}  /r/new\nline\0${h2}  /r/back\\slash\0`;
  assert.deepEqual(
    [...parseSha256sum(out, names)],
    [
      [names[0], h1],
      [names[1], h2],
    ],
  );
  assert.throws(() => parseSha256sum(`${h1}  /r/x\0`, names), /printed 1 hashes for 2 files/);
  assert.throws(() => parseSha256sum(`${h1}  /r/x\0${h2}  /r/y\0`, names), /not the hash of/);
});

test('argBatches keeps each batch within the file count and the bytes of ARG_BATCH', () => {
  const paths = Array.from({ length: 1200 }, (_, i) => `/r/${i}`);
  const batches = argBatches(paths);
  assert.deepEqual(batches.flat(), paths);
  assert.ok(batches.every((b) => b.length <= ARG_BATCH.files));
  const long = Array.from({ length: 10 }, (_, i) => `/${String(i).repeat(20_000)}`);
  assert.ok(argBatches(long).every((b) => b.reduce((n, p) => n + p.length + 1, 0) <= ARG_BATCH.bytes));
});

const rec = (y: string, rel: string, o: { size?: number; target?: string; ino?: number } = {}) =>
  nul(y, String(o.size ?? 0), '644', '0', '0', '1700000000.25', String(o.ino ?? 7), o.target ?? '', rel);

test('RunnerFiles walks a root with one find through the runner, in container paths', async () => {
  const runner = new FakeRunner().expect(['find', '/m/ct', '-xdev', '-mindepth', '1', '-printf', FIND_FORMAT], {
    stdout: rec('d', 'etc') + rec('f', 'etc/ho\nsts', { size: 5 }) + rec('l', 'lnk', { target: '../x' }),
  });
  const index = await new RunnerFiles(runner).walk('/m/ct');
  runner.assertDone();
  assert.deepEqual([...index.keys()], ['/etc', '/etc/ho\nsts', '/lnk']);
  assert.deepEqual(index.get('/etc/ho\nsts'), { type: 'file', size: 5, mode: 0o644, uid: 0, gid: 0, mtimeMs: 1_700_000_000_250, ino: 7 });
  assert.equal(index.get('/lnk')!.target, '../x');
});

test('RunnerFiles probes a path with one command (type and link target together); nothing there is undefined', async () => {
  const one = (p: string) => ['sh', '-c', 'if [ -e "$1" ] || [ -L "$1" ]; then exec find "$1" -maxdepth 0 -printf "$2"; fi', 'sh', p, FIND_FORMAT];
  const runner = new FakeRunner().expect(one('/m/ct/etc'), { stdout: rec('l', '', { target: '/usr/etc' }) }).expect(one('/m/ct/gone'), { stdout: '' });
  const files = new RunnerFiles(runner);
  assert.equal(await files.probe.typeOf('/m/ct/etc'), 'symlink');
  assert.equal(await files.probe.readlink('/m/ct/etc'), '/usr/etc', 'the target read along with the type: no second command');
  assert.equal(await files.probe.typeOf('/m/ct/gone'), undefined);
  runner.assertDone();
});

test('RunnerFiles lists one directory with find -maxdepth 1', async () => {
  const runner = new FakeRunner().expect(['find', '/m/ct/etc', '-mindepth', '1', '-maxdepth', '1', '-printf', FIND_FORMAT], {
    stdout: rec('f', 'hosts', { size: 9 }) + rec('d', 'nginx'),
  });
  const listed = await new RunnerFiles(runner).list('/m/ct/etc');
  runner.assertDone();
  assert.deepEqual(
    listed.map((e) => [e.name, e.entry.type, e.entry.size]),
    [
      ['hosts', 'file', 9],
      ['nginx', 'dir', 0],
    ],
  );
});

test('RunnerFiles --content: sha256sum -z -- on the node, each file hashed once across comparisons', async () => {
  const h = (c: string) => c.repeat(64);
  const runner = new FakeRunner()
    .expect(['sha256sum', '-z', '--', '/a/f', '/b/f', '/a/g', '/b/g'], { stdout: `${h('1')}  /a/f\0${h('1')}  /b/f\0${h('2')}  /a/g\0${h('3')}  /b/g\0` })
    .expect(['sha256sum', '-z', '--', '/c/f', '/c/g'], { stdout: `${h('1')}  /c/f\0${h('2')}  /c/g\0` });
  const hasher = new RunnerFiles(runner).hasher();
  assert.deepEqual([...(await hasher.differing('/a', '/b', ['/f', '/g']))], ['/g']);
  // A three-way view compares its base again: only the new root's files are hashed.
  assert.deepEqual([...(await hasher.differing('/a', '/c', ['/f', '/g']))], []);
  runner.assertDone();
});

test('parseStatSizes reads the batched stat (captured: a file missing is left out, a newline in a name kept)', () => {
  // Captured on this machine: sh -c 'stat --printf "%s\t%n\0" -- "$@" 2>/dev/null; exit 0' sh r/d/f3 r/nope 'r/new<LF>line'
  assert.deepEqual(
    [...parseStatSizes('1\tr/d/f3\x001\tr/new\nline\x00')],
    [
      ['r/d/f3', 1],
      ['r/new\nline', 1],
    ],
  );
  assert.deepEqual([...parseStatSizes('')], []);
  assert.throws(() => parseStatSizes('1\tr/d/f3'), /does not end with a NUL/);
  assert.throws(() => parseStatSizes('big\tr/x\x00'), /is not <size><TAB><name>/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOCAL_FILES, nodeFiles, RunnerFiles } from '../../src/core/ops/node-files.js';
import { FakeRunner } from '../../src/core/runner/fake-runner.js';
import { FIND_FORMAT } from '../../src/core/tools/find.js';
import { expectLegacy, fakeCore } from '../support/fake-core.js';
import { MemoryFs } from '../support/memory-fs.js';
import { RecordBuilder } from '../support/records.js';

const nul = (...fields: string[]) => fields.map((f) => `${f}\0`).join('');
const rec = (y: string, rel: string, size = 0) => nul(y, String(size), '644', '0', '0', '1700000000.25', '9', '', rel);

function fakeConfig() {
  return { runner: { timeout_seconds: 30, long_timeout_seconds: 600 } } as Parameters<typeof nodeFiles>[0]['config'];
}

test('the local node is read in this process, another node through its runner', () => {
  const runner = new FakeRunner();
  assert.equal(nodeFiles({ fs: new MemoryFs('local'), runner, config: fakeConfig() }), LOCAL_FILES);
  assert.ok(nodeFiles({ fs: new MemoryFs('pve2'), runner, config: fakeConfig() }) instanceof RunnerFiles);
});

test('files on a remote zfs-fuse node: a temporary clone made, listed with find, destroyed, all through its runner', async () => {
  const { runner, core } = fakeCore('t/c', {}, { fs: new MemoryFs('pve2'), node: 'pve2' });
  expectLegacy(runner, new RecordBuilder().fs('t').fs('t/c').fs('t/c/web').snap('t/c/web', 'x').records);
  const clone = 't/c/lxcri-tmp-web-1763900000-1';
  const mnt = '/run/lxcri-console/mnt/t+c+lxcri-tmp-web-1763900000-1';
  runner.expect(['zfs', 'clone', '-o', 'readonly=on', '-o', `mountpoint=${mnt}`, '-o', 'lxcri:temporary=files', 't/c/web@x', clone]);
  runner.expect(['sh', '-c', 'if [ -e "$1" ] || [ -L "$1" ]; then exec find "$1" -maxdepth 0 -printf "$2"; fi', 'sh', `${mnt}/etc`, FIND_FORMAT], {
    stdout: rec('d', ''),
  });
  runner.expect(['find', `${mnt}/etc`, '-mindepth', '1', '-maxdepth', '1', '-printf', FIND_FORMAT], { stdout: rec('f', 'hosts', 12) + rec('f', 'a\nb', 1) });
  runner.expect(['zfs', 'destroy', clone]);
  runner.expect(['rmdir', '--', mnt]);
  const l = await core.files('web', 'x', '/etc');
  runner.assertDone();
  assert.deepEqual(
    l.entries.map((e) => [e.name, e.size]),
    [
      ['a\nb', 1],
      ['hosts', 12],
    ],
  );
});

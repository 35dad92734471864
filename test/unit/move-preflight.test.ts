import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inventory } from '../../src/core/model/inventory.js';
import { keptOutside } from '../../src/core/ops/move.js';
import { FakeRunner } from '../../src/core/runner/fake-runner.js';
import { Zfs } from '../../src/core/tools/zfs/zfs.js';
import { RecordBuilder } from '../support/records.js';

test('a move refuses what would go with the tree unsent: a child dataset, another tool’s clone of its snapshot', () => {
  const base = () => new RecordBuilder().fs('t/c').fs('t/c/web').snap('t/c/web', 'one');
  assert.equal(keptOutside(new Inventory(base().records), ['t/c/web']), undefined);
  assert.equal(keptOutside(new Inventory(base().fs('t/c/web/data').records), ['t/c/web']), 't/c/web/data');
  assert.equal(keptOutside(new Inventory(base().fs('t/c/template-clone', { origin: 't/c/web@one' }).records), ['t/c/web']), 't/c/template-clone');
  // Its own branch (in the family) is no obstacle.
  assert.equal(keptOutside(new Inventory(base().fs('t/c/lxcri-br-web-1', { origin: 't/c/web@one' }).records), ['t/c/web', 't/c/lxcri-br-web-1']), undefined);
});

test('a hold already there and a release already done count as done (a step run again after a kill); other failures do not', async () => {
  const runner = new FakeRunner()
    .expect(['zfs', 'hold', 'lxcri-repl:pve2', 't/c/web@one'], { exitCode: 1, stderr: "cannot hold 't/c/web@one': tag already exists on this dataset\n" })
    .expect(['zfs', 'release', 'lxcri-repl:pve2', 't/c/web@one'], {
      exitCode: 1,
      stderr: "cannot release 'lxcri-repl:pve2' from 't/c/web@one': no such tag on this dataset\n",
    })
    .expect(['zfs', 'hold', 'lxcri-repl:pve2', 't/c/web@two'], { exitCode: 1, stderr: "cannot hold 't/c/web@two': permission denied\n" });
  const zfs = new Zfs(runner);
  await zfs.hold('lxcri-repl:pve2', 't/c/web@one');
  await zfs.release('lxcri-repl:pve2', 't/c/web@one');
  await assert.rejects(zfs.hold('lxcri-repl:pve2', 't/c/web@two'), /permission denied/);
  runner.assertDone();
});

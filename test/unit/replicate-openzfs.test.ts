import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createContext } from '../../src/core/context.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { Inventory } from '../../src/core/model/inventory.js';
import { planFrom, refinePlan, resumeInterrupted, type ReplicationTarget } from '../../src/core/ops/replicate.js';
import type { Command } from '../../src/core/runner/command.js';
import { FakeRunner } from '../../src/core/runner/fake-runner.js';
import { parseResumeTokens, parseSendEstimate } from '../../src/core/tools/zfs/send.js';
import { Zfs } from '../../src/core/tools/zfs/zfs.js';
import { loadedContainer, RecordBuilder } from '../support/records.js';

// The OpenZFS paths of replication, on output in the forms OpenZFS prints: `zfs send -nvP` lines as libzfs's
// send_print_verbose writes them when parsable (`full\t<snap>\t<bytes>`, `incremental\t<from>\t<to>\t<bytes>`) and
// the `size\t<bytes>` total zfs_main.c's dry run ends with; `zfs get -H -o name,value receive_resume_token` (zfs(8):
// "-" when there is none). The tokens are opaque strings to us.

const OPENZFS = 'zfs-2.3.1-pve1\nzfs-kmod-2.3.1-pve1\n';

test('send -nvP: the size line is the total; without one, the streams are added up; other text is none', () => {
  assert.equal(parseSendEstimate('incremental\tt/c/web@a\tt/c/web@b\t1048576\nincremental\tt/c/web@b\tt/c/web@c\t2048\nsize\t1050624\n'), 1_050_624);
  assert.equal(parseSendEstimate('full\tt/c/web@a\t4096\nincremental\tt/c/web@a\tt/c/web@b\t100\n'), 4196);
  assert.equal(parseSendEstimate('full send of t/c/web@a estimated size is 4.00K\ntotal estimated size is 4.00K\n'), undefined);
  assert.equal(parseSendEstimate(''), undefined);
});

test('receive_resume_token: datasets with a token, "-" left out', () => {
  const tokens = parseResumeTokens('t/c\t-\nt/c/web\t1-e604ea4bf-e0-789c63a2\nt/c/db\t-\n');
  assert.deepEqual([...tokens], [['t/c/web', '1-e604ea4bf-e0-789c63a2']]);
});

function openzfsZfs(runner: FakeRunner) {
  runner.expect(['zfs', 'version'], { stdout: OPENZFS });
  return new Zfs(runner);
}

function family() {
  return new RecordBuilder().fs('t/c').fs('t/c/web').snap('t/c/web', 'one').snap('t/c/web', 'two').snap('t/c/web', 'three');
}

test('on OpenZFS the plan carries zfs send -nvP sizes and the pre-flight checks room against them', async () => {
  const src = family();
  const c = loadedContainer(src);
  const dst = new Inventory(new RecordBuilder().fs('t/c', { available: 1_000_000 }).fs('t/c/web').snap('t/c/web', 'one').records);
  const runner = new FakeRunner();
  const ctx = createContext(DEFAULT_CONFIG, runner, { zfs: openzfsZfs(runner) });
  runner.expect(['zfs', 'send', '-nvP', '-I', 't/c/web@one', 't/c/web@three'], {
    stdout: 'incremental\tt/c/web@one\tt/c/web@two\t1500000\nincremental\tt/c/web@two\tt/c/web@three\t500000\nsize\t2000000\n',
  });
  const target = { node: 'pve2', zfs: new Zfs(new FakeRunner()), transfer: async () => ({ bytes: 0 }) } as unknown as ReplicationTarget;
  const plain = planFrom(c, dst, target);
  const refined = await refinePlan(ctx, c, dst, plain);
  runner.assertDone();
  assert.equal(refined.bytes, 2_000_000);
  const space = refined.preflight.find((p) => p.check === 'space')!;
  assert.deepEqual([space.ok, space.need, space.have], [false, 2_000_000, 1_000_000], 'ZFS’s own size says it does not fit');
});

test('a receive a cut stream left resumable on an OpenZFS target goes on with send -t before anything is planned', async () => {
  const c = loadedContainer(family());
  const srcRunner = new FakeRunner();
  const ctx = createContext(DEFAULT_CONFIG, srcRunner, { zfs: openzfsZfs(srcRunner) });
  const dstRunner = new FakeRunner();
  dstRunner.expect(['zfs', 'version'], { stdout: OPENZFS });
  dstRunner.expect(['zfs', 'get', '-H', '-r', '-o', 'name,value', 'receive_resume_token', 't/c'], {
    stdout: 't/c\t-\nt/c/web\t1-abc-def\nt/c/other\t1-not-ours\n',
  });
  const streams: Array<[string, string]> = [];
  const target: ReplicationTarget = {
    node: 'pve2',
    zfs: new Zfs(dstRunner),
    transfer: async (send: Command, receive: Command) => {
      streams.push([[send.tool, ...send.args].join(' '), [receive.tool, ...receive.args].join(' ')]);
      return { bytes: 10 } as never;
    },
  };
  const steps: string[] = [];
  // What it completed is marked a replica at once (never left to look like a container of pve2's).
  dstRunner.expect(['zfs', 'set', 'readonly=on', 't/c/web']);
  dstRunner.expect(['zfs', 'set', 'lxcri:replica-of=pve1:t/c/web', 't/c/web']);
  assert.equal(await resumeInterrupted(ctx, c.inventory, c.dataset, { ...target, source: 'pve1' }, (s) => steps.push(s)), true);
  dstRunner.assertDone();
  assert.deepEqual(streams, [['zfs send -t 1-abc-def', 'zfs recv -s -F t/c/web']], 'only this container’s dataset, resumed into a resumable receive');
  assert.deepEqual(steps, ['resume the interrupted receive of t/c/web on pve2']);
});

test('zfs-fuse targets have nothing to resume (a cut receive is discarded) and are not asked', async () => {
  const c = loadedContainer(family());
  const ctx = createContext(DEFAULT_CONFIG, new FakeRunner());
  const dstRunner = new FakeRunner();
  dstRunner.expect(['zfs', 'version'], { exitCode: 2, stderr: "unrecognized command 'version'\n" });
  dstRunner.expect(['zpool', 'upgrade', '-v'], { stdout: 'This system is currently running ZFS pool version 23.\n', optional: true });
  const target = { node: 'pve2', zfs: new Zfs(dstRunner), transfer: async () => assert.fail('no stream') } as unknown as ReplicationTarget;
  assert.equal(await resumeInterrupted(ctx, c.inventory, c.dataset, target, () => undefined), false);
});

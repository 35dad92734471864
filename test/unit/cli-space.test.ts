import assert from 'node:assert/strict';
import { Cluster } from '../../src/core/nodes/cluster.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CliEnv } from '../../src/cli/command-spec.js';
import { pruneCommand } from '../../src/cli/commands/prune.js';
import { spaceCommand } from '../../src/cli/commands/space.js';
import { main } from '../../src/cli/main.js';
import type { Core } from '../../src/core/core.js';
import { LEGACY_PROPS, expectLegacy, expectLegacyListing, fakeCore, legacyGetOutput, NOW_S } from '../support/fake-core.js';
import { ZPOOL_LIST_COLUMNS_LEGACY } from '../../src/core/tools/zpool/parse.js';
import { pickGlyphs } from '../../src/present/glyphs.js';
import { spaceRangeLines } from '../../src/present/space-lines.js';
import { RecordBuilder } from '../support/records.js';

const M = 2 ** 20;

function listing() {
  return new RecordBuilder()
    .fs('t', { used: 200 * M, usedbydataset: 1 * M, usedbysnapshots: 0 })
    .fs('t/c', { used: 199 * M, usedbydataset: 1 * M, usedbysnapshots: 0 })
    .fs('t/c/web', { used: 145 * M, usedbydataset: 100 * M, usedbysnapshots: 45 * M })
    .snap('t/c/web', 'checkpoint-1', { used: 8 * M, referenced: 90 * M, creation: NOW_S - 3000 })
    .snap('t/c/web', 'checkpoint-2', { used: 4 * M, referenced: 95 * M, creation: NOW_S - 2000, user: { label: 'before upgrade' } })
    .snap('t/c/web', 'checkpoint-3', { used: 3 * M, referenced: 98 * M, creation: NOW_S - 1000 });
}

function env(core: Core, json: boolean) {
  const out: string[] = [];
  const e: CliEnv = {
    core,
    cluster: Cluster.ofCore(core),
    warn: (s) => out.push(`stderr: ${s}`),
    json,
    yes: false,
    glyphs: pickGlyphs(true),
    out: (s) => out.push(s),
    confirm: async () => false,
    nowSeconds: () => NOW_S,
  };
  return { e, out };
}

function spaceCore() {
  const { runner, core } = fakeCore();
  core.ctx.config.criu.store = mkdtempSync(join(tmpdir(), 'lxcri-cli-space-'));
  runner.expect(['zfs', 'version'], { exitCode: 2, stderr: "unrecognized command 'version'\n" });
  runner.expect(['zfs', 'get', '-Hp', '-r', '-o', 'name,property,value', LEGACY_PROPS.join(',')], { stdout: legacyGetOutput(listing().records) });
  runner.expect(['zpool', 'list', '-H', '-o', ZPOOL_LIST_COLUMNS_LEGACY.join(',')], { stdout: 't\t1016M\t200M\t816M\t19%\tONLINE\t23\n' });
  return { runner, core };
}

test('space in text: the pool, the breakdown in words, one row per checkpoint with ~ for written', async () => {
  const { core } = spaceCore();
  const { e, out } = env(core, false);
  await spaceCommand.run(e, ['web'], {});
  const lines = out.join('\n').split('\n');
  assert.equal(lines[0], 'pool t: size ~1016M, allocated ~200M, free ~816M');
  assert.equal(lines[1], '  container web (t/c/web): 145M in all');
  assert.equal(
    lines[2],
    "    live 100M, checkpoints' own 15M, shared between checkpoints 30M (freed only when every checkpoint holding it goes), branches 0B, CRIU images 0B",
  );
  assert.match(lines[4]!, /^ {4}DATE +NAME +LABEL +USED +WRITTEN +REFERENCED$/);
  assert.match(lines[6]!, /checkpoint-2 +before upgrade +4M +~ +95M$/);
  assert.equal(lines.length, 8);
});

test('space --json: the documented shape, bytes as integers, exactly the listing', async () => {
  const { core } = spaceCore();
  const { e, out } = env(core, true);
  await spaceCommand.run(e, ['web'], {});
  const json = JSON.parse(out.join('\n'));
  const [pool] = json.pools;
  assert.deepEqual([pool.name, pool.size, pool.allocated, pool.free], ['t', 1016 * M, 200 * M, 816 * M]);
  const [web] = pool.containers;
  assert.deepEqual(
    [web.id, web.dataset, web.live, web.snapshotsUnique, web.snapshotsShared, web.branches, web.images],
    ['web', 't/c/web', 100 * M, 15 * M, 30 * M, 0, 0],
  );
  assert.deepEqual(web.checkpoints[1], {
    name: 'checkpoint-2',
    fullName: 't/c/web@checkpoint-2',
    dataset: 't/c/web',
    used: 4 * M,
    referenced: 95 * M,
    creation: NOW_S - 2000,
    label: 'before upgrade',
  });
});

test('space --range prints the figure and its accuracy in words (and JSON)', async () => {
  const { runner, core } = fakeCore();
  expectLegacy(runner, listing().records);
  const { e, out } = env(core, false);
  await spaceCommand.run(e, ['web'], { range: 'checkpoint-1..checkpoint-2' });
  assert.deepEqual(out.join('\n').split('\n'), [
    'destroying t/c/web@checkpoint-1 .. t/c/web@checkpoint-2 (2 snapshots of t/c/web) frees at least 12M',
    "  at least: the sum of each checkpoint's own space; space shared only between these checkpoints is freed too, but this ZFS cannot compute it (no zfs destroy -nvp)",
  ]);
  const j = fakeCore();
  expectLegacy(j.runner, listing().records);
  const jenv = env(j.core, true);
  await spaceCommand.run(jenv.e, ['web'], { range: 'checkpoint-2..checkpoint-3' });
  const r = JSON.parse(jenv.out.join('\n'));
  assert.deepEqual([r.bytes, r.accuracy, r.snapshots.length], [7 * M, 'lower-bound', 2]);
});

test('prune --free --dry-run prints the plan and how far it gets; JSON carries free', async () => {
  const { runner, core } = fakeCore();
  expectLegacy(runner, listing().records);
  const { e, out } = env(core, false);
  await pruneCommand.run(e, ['web'], { free: '10M', 'dry-run': true });
  const text = out.join('\n');
  // At 80 columns (no terminal here): the short name, the reason on the line below.
  assert.match(text, /PRUNE +checkpoint-1 .*\n +oldest first/);
  assert.match(text, /keep +checkpoint-2 .*\n +labelled 'before upgrade': pass --include labelled to prune it/);
  assert.match(text, /keep +checkpoint-3 .*\n +newest checkpoint on the active line/);
  assert.match(
    text.replace(/\n +/g, ' '),
    /can free only 8M \(an estimate, at least that\) of the 10M asked: every other checkpoint is kept \(1 labelled \(--include labelled prunes them\), 1 the newest on the active line\)/,
  );
  const j = fakeCore();
  expectLegacy(j.runner, listing().records);
  const jenv = env(j.core, true);
  await pruneCommand.run(jenv.e, ['web'], { free: '9437184', include: ['labelled'], 'dry-run': true });
  const { plans, executed } = JSON.parse(jenv.out.join('\n'));
  assert.equal(executed, false);
  // With labelled ones included: checkpoint-1 (8M) is short of 9M, -2 (4M) reaches it.
  assert.deepEqual(plans[0].free, { target: 9 * M, bytes: 12 * M, reached: true, keptBy: {} });
  assert.deepEqual(
    plans[0].items.map((i: { action: string }) => i.action),
    ['prune', 'prune', 'keep'],
  );
  assert.equal(plans[0].policy.includeLabelled, true);
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('space and prune --free: bad usage exits 2 with one line naming the problem, and a hint, before anything runs', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['space', '--range', 'checkpoint-1..checkpoint-2'], /--range takes exactly one container/],
    [['space', 'a', 'b', '--range', 'checkpoint-1..checkpoint-2'], /--range takes exactly one container/],
    [['space', 'web', '--range', 'checkpoint-1'], /a range is <A>\.\.<B>, got 'checkpoint-1'/],
    [['space', 'web', '--range', 'checkpoint-..checkpoint-2'], /only a prefix/],
    [['space', '../etc'], /invalid container id '\.\.\/etc'/],
    [['prune', 'web', '--free', '12Q'], /--free takes a size such as 500M, 2G or 1048576 \(bytes\), got '12Q'/],
    [['prune', 'web', '--free', '0'], /--free takes a size/],
    [['prune', 'web', '--free=-5M'], /--free takes a size/],
    [['prune', '--free', '1G'], /--free takes exactly one container/],
    [['prune', 'web', '--free', '1G', '--max-snapshots', '3'], /--free plans by size/],
    [['prune', 'web', '--include', 'labelled'], /--include labelled goes with --free/],
    [['prune', 'web', '--include', 'pinned'], /--include takes safety, foreign or labelled, got 'pinned'/],
  ];
  for (const [argv, pattern] of cases) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    const [error, hint] = r.err.split('\n');
    assert.match(error!, /^error: /);
    assert.match(error!, pattern);
    assert.match(hint!, /^hint: ./);
  }
});

test('range in words: exact figures say so; held snapshots and clone origins are named as what would stop a destroy', () => {
  const base = { container: 'web', dataset: 't/c/web', from: 't/c/web@checkpoint-1', to: 't/c/web@checkpoint-3', snapshots: [], sumOfUsed: 14 * M };
  assert.deepEqual(
    spaceRangeLines({
      ...base,
      snapshots: [{}, {}, {}] as never,
      bytes: 42 * M,
      accuracy: 'exact',
      blockers: [
        { snapshot: 't/c/web@checkpoint-2', rule: 'held', detail: '1 hold(s)' },
        { snapshot: 't/c/web@checkpoint-3', rule: 'clone-origin', detail: 't/c/other' },
      ],
    }),
    [
      'destroying t/c/web@checkpoint-1 .. t/c/web@checkpoint-3 (3 snapshots of t/c/web) frees 42M',
      '  exact (zfs destroy -nvp)',
      '  t/c/web@checkpoint-2 would stop a destroy: held (1 hold(s))',
      '  t/c/web@checkpoint-3 would stop a destroy: origin of t/c/other',
    ],
  );
  assert.match(
    spaceRangeLines({ ...base, bytes: 14 * M, accuracy: 'lower-bound', dryRunError: 'snapshot has dependent clones', blockers: [] })[1]!,
    /^ {2}at least: .* but zfs destroy -nvp refused \(snapshot has dependent clones\)$/,
  );
});

test('prune --free --yes runs the plan like any prune: only the planned checkpoints are destroyed', async () => {
  const { runner, core } = fakeCore();
  expectLegacy(runner, listing().records);
  expectLegacyListing(runner, listing().records);
  runner.expect(['zfs', 'destroy', 't/c/web@checkpoint-1']);
  const { e, out } = env(core, false);
  e.yes = true;
  await pruneCommand.run(e, ['web'], { free: '1M' });
  runner.assertDone();
  assert.match(out.join('\n'), /^destroyed +t\/c\/web@checkpoint-1$/m);
});

import assert from 'node:assert/strict';
import { Cluster } from '../../src/core/nodes/cluster.js';
import { test } from 'node:test';
import type { CliEnv } from '../../src/cli/command-spec.js';
import { deleteCommand } from '../../src/cli/commands/delete.js';
import { main } from '../../src/cli/main.js';
import type { Core } from '../../src/core/core.js';
import { NotFoundError, RefusedError } from '../../src/core/errors.js';
import { pickGlyphs } from '../../src/present/glyphs.js';
import { expectLegacy, expectLegacyListing, fakeCore, NOW_S } from '../support/fake-core.js';
import { RecordBuilder } from '../support/records.js';

// `delete <ct> <snap> <snap>...` and `delete <ct> --branch <dataset>` over a fake runner: it fails on any command it
// was not told to expect, so a preview or a refusal that ran a destroy would fail here.

const M = 2 ** 20;
const BR = 't/c/lxcri-br-web-1700001001';

/** web: c1 - c2 - c3 - NOW (live), and a branch BR cloned from c2 holding c11 - c12 - NOW; c1 held. */
function listing() {
  return new RecordBuilder()
    .fs('t')
    .fs('t/c')
    .fs('t/c/web')
    .snap('t/c/web', 'checkpoint-1', { used: 1 * M, creation: NOW_S - 5000, userrefs: 1 })
    .snap('t/c/web', 'checkpoint-2', { used: 2 * M, creation: NOW_S - 4000, user: { label: 'before upgrade' } })
    .snap('t/c/web', 'checkpoint-3', { used: 3 * M, creation: NOW_S - 3000 })
    .fs(BR, { origin: 't/c/web@checkpoint-2', used: 9 * M })
    .snap(BR, 'checkpoint-11', { used: 4 * M, creation: NOW_S - 2000, user: { label: 'tried it' } })
    .snap(BR, 'checkpoint-12', { used: 5 * M, creation: NOW_S - 1000 }).records;
}

function env(core: Core, o: { json?: boolean; yes?: boolean; confirm?: boolean } = {}) {
  const out: string[] = [];
  const asked: Array<[string, string]> = [];
  const e: CliEnv = {
    core,
    cluster: Cluster.ofCore(core),
    warn: (s) => out.push(`stderr: ${s}`),
    json: o.json ?? false,
    yes: o.yes ?? false,
    glyphs: pickGlyphs(true),
    out: (s) => out.push(s),
    confirm: async (q, expected) => {
      asked.push([q, expected]);
      return o.confirm ?? false;
    },
    nowSeconds: () => NOW_S,
  };
  return { e, out, asked };
}

/** A core whose runner answers the one listing a preview reads, and nothing else. */
function previewCore() {
  const { runner, core } = fakeCore();
  expectLegacy(runner, listing());
  return { runner, core };
}

test('delete several --dry-run: the plan in words (held ones kept, said why), no destroy; --json is { plan, executed: false }', async () => {
  const { runner, core } = previewCore();
  const { e, out } = env(core);
  await deleteCommand.run(e, ['web', 'checkpoint-3', 'checkpoint-1', 'checkpoint-11'], { 'dry-run': true });
  runner.assertDone();
  // Dates are local time: matched loosely; the rest exactly. What happens to the data first, then the zfs steps.
  const lines = out.join('\n').split('\n');
  assert.equal(lines.length, 9, lines.join('\n'));
  assert.equal(lines[0], '2 checkpoints of web go - frees at least 7M; the live state is untouched.');
  assert.match(lines[1]!, /^ {2}- the checkpoint of .+ \(50m ago, 3M\)$/);
  assert.equal(lines[2], `  - 'tried it' (33m ago, 4M)`);
  assert.equal(lines[3], '1 marked checkpoint stay:');
  assert.match(lines[4]!, /^ {2}= the checkpoint of .+ \(1h ago, 1M\): held \(1 hold\(s\)\)$/);
  assert.deepEqual(lines.slice(5), ['', 'zfs steps:', '  destroy t/c/web@checkpoint-3', `  destroy ${BR}@checkpoint-11`]);

  const j = previewCore();
  const je = env(j.core, { json: true });
  await deleteCommand.run(je.e, ['web', 'checkpoint-3', 'checkpoint-11'], { 'dry-run': true });
  j.runner.assertDone();
  const r = JSON.parse(je.out.join('\n'));
  assert.deepEqual(Object.keys(r).sort(), ['executed', 'plan']);
  assert.equal(r.executed, false);
  assert.deepEqual(Object.keys(r.plan).sort(), ['accuracy', 'actions', 'container', 'deletes', 'freedBytes', 'kept']);
  assert.deepEqual(r.plan.actions, [
    { kind: 'destroy-snapshot', snapshot: 't/c/web@checkpoint-3' },
    { kind: 'destroy-snapshot', snapshot: `${BR}@checkpoint-11` },
  ]);
  assert.deepEqual([r.plan.freedBytes, r.plan.accuracy], [7 * M, 'lower-bound']);
});

test('delete several without --yes: asked once, summarized; refused with one line when not confirmed; nothing destroyed', async () => {
  const { runner, core } = previewCore();
  const { e, asked } = env(core);
  await assert.rejects(
    deleteCommand.run(e, ['web', 'checkpoint-3', 'checkpoint-11'], {}),
    (err: unknown) => err instanceof RefusedError && err.message === 'not confirmed: did not destroy 2 checkpoint(s) of web' && /--yes/.test(err.hint),
  );
  assert.deepEqual(asked, [['This will destroy 2 checkpoint(s) of web.', 'web']]);
  runner.assertDone();
});

test('delete several --yes: exactly the planned snapshots are destroyed (not the held one); --json carries plan and result', async () => {
  const { runner, core } = previewCore();
  expectLegacyListing(runner, listing());
  runner.expect(['zfs', 'destroy', 't/c/web@checkpoint-3']);
  runner.expect(['zfs', 'destroy', `${BR}@checkpoint-11`]);
  const { e, out, asked } = env(core, { json: true, yes: true });
  await deleteCommand.run(e, ['web', 'checkpoint-1', 'checkpoint-11', 'checkpoint-3'], {});
  runner.assertDone();
  assert.deepEqual(asked, [], '--yes asks nothing');
  const r = JSON.parse(out.join('\n'));
  assert.equal(r.executed, true);
  assert.deepEqual(r.result, { container: 'web', deleted: ['t/c/web@checkpoint-3', `${BR}@checkpoint-11`] });
  assert.deepEqual(
    r.plan.kept.map((k: { node: { name: string }; reason: string }) => [k.node.name, k.reason]),
    [['checkpoint-1', 'held (1 hold(s))']],
  );
});

test('delete several: when every named checkpoint is kept, it is refused before asking; an unknown name is not found', async () => {
  const { runner, core } = previewCore();
  const { e, asked } = env(core, { yes: true });
  await assert.rejects(deleteCommand.run(e, ['web', 'checkpoint-1', 'checkpoint-2'], {}), /^UsageError: none of these checkpoints of web can be deleted$/);
  assert.deepEqual(asked, []);
  runner.assertDone();
  const u = previewCore();
  await assert.rejects(deleteCommand.run(env(u.core, { yes: true }).e, ['web', 'checkpoint-3', 'checkpoint-9'], {}), NotFoundError);
  u.runner.assertDone();
});

test('delete --branch --dry-run: the branch in words, its checkpoints, what it frees; --json is { plan, executed: false }', async () => {
  const { runner, core } = previewCore();
  const { e, out } = env(core);
  await deleteCommand.run(e, ['web'], { branch: BR, 'dry-run': true });
  runner.assertDone();
  const lines = out.join('\n').split('\n');
  assert.match(lines[0]!, /^The branch .* goes: its live state and 2 checkpoints:$/);
  assert.equal(lines[1], "  - 'tried it' (33m ago, 4M)");
  assert.match(lines[2]!, /^ {2}- the checkpoint of .* \(16m ago, 5M\)$/);
  assert.deepEqual(lines.slice(3), [
    'frees 9M; the live state of web (you are here) is untouched.',
    '',
    'zfs steps:',
    // Wrapped at 80 columns (no terminal here), the continuation indented.
    `  destroy branch ${BR} with 2 snapshot(s): checkpoint-11,`,
    '    checkpoint-12',
  ]);

  const j = previewCore();
  const je = env(j.core, { json: true });
  await deleteCommand.run(je.e, ['web'], { branch: BR, 'dry-run': true });
  j.runner.assertDone();
  const r = JSON.parse(je.out.join('\n'));
  assert.deepEqual(Object.keys(r).sort(), ['executed', 'plan']);
  assert.equal(r.executed, false);
  assert.deepEqual([r.plan.container, r.plan.branch.dataset, r.plan.origin.name, r.plan.usedBytes], ['web', BR, 'checkpoint-2', 9 * M]);
  assert.deepEqual(r.plan.actions, [{ kind: 'destroy-dataset', dataset: BR, snapshots: [`${BR}@checkpoint-11`, `${BR}@checkpoint-12`] }]);
});

test('delete --branch without --yes is refused when not confirmed; with --yes exactly that dataset goes (zfs destroy -r)', async () => {
  const { runner, core } = previewCore();
  const { e, asked } = env(core);
  await assert.rejects(
    deleteCommand.run(e, ['web'], { branch: BR }),
    (err: unknown) => err instanceof RefusedError && err.message === `not confirmed: did not destroy branch ${BR} of web with 2 checkpoint(s)`,
  );
  assert.deepEqual(asked, [[`This will destroy branch ${BR} of web with 2 checkpoint(s).`, 'web']]);
  runner.assertDone();

  const y = previewCore();
  expectLegacyListing(y.runner, listing());
  y.runner.expect(['zfs', 'destroy', '-r', BR]);
  const ye = env(y.core, { yes: true });
  await deleteCommand.run(ye.e, ['web'], { branch: BR });
  y.runner.assertDone();
  assert.equal(ye.out.at(-1), `deleted branch ${BR} and its 2 checkpoint(s)`);
});

test('delete --branch: the live line, an unknown dataset and a snapshot are refused before anything is destroyed', async () => {
  for (const [branch, pattern] of [
    ['t/c/web', /^t\/c\/web is the live line of web \(you are here\): it cannot be deleted$/],
    ['t/c/nope', /^t\/c\/nope is not a branch of container web$/],
    ['t/c/web@checkpoint-2', /^invalid dataset name 't\/c\/web@checkpoint-2'/],
  ] as const) {
    const { runner, core } = fakeCore();
    if (!branch.includes('@')) expectLegacy(runner, listing());
    await assert.rejects(
      deleteCommand.run(env(core, { yes: true }).e, ['web'], { branch }),
      (err: unknown) => err instanceof Error && pattern.test(err.message),
    );
    runner.assertDone();
  }
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err };
}

test('delete several / --branch: bad usage exits 2 with one error line and a hint, before anything runs', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['delete', 'web', 'checkpoint-1', 'checkpoint-2', '--subtree', '--yes'], /^error: --subtree takes one checkpoint$/],
    [['delete', 'web', 'checkpoint-1', '--branch', BR, '--yes'], /^error: delete --branch takes a container and no snapshot$/],
    [['delete', '--branch', BR, '--yes'], /^error: delete --branch takes a container and no snapshot$/],
    [['delete', 'web', '--branch', BR, '--subtree', '--yes'], /^error: --subtree does not go with --branch$/],
    [['delete', 'web', 'checkpoint-1', 'checkpoint-'], /only a prefix/],
    [['delete', 'web'], /^error: delete takes a container and a snapshot$/],
  ];
  for (const [argv, pattern] of cases) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.err.length, 2, `${argv.join(' ')}: ${r.err.join('\n')}`);
    assert.match(r.err[0]!, pattern, argv.join(' '));
    assert.match(r.err[1]!, /^hint: ./);
  }
});

test('delete --branch and delete several previews fit 80 columns (long labels wrapped, not cut); a wider terminal, its width', async () => {
  const LONG = 'the state just before the big schema migration that we rehearsed twice on staging';
  const records = () => listing().map((r) => ({ ...r, user: r.user.label ? { ...r.user, label: LONG } : r.user }));
  const preview = async (args: string[], values: Record<string, unknown>, width?: number) => {
    const { runner, core } = fakeCore();
    expectLegacy(runner, records());
    const { e, out } = env(core);
    await deleteCommand.run(width ? { ...e, width } : e, args, { ...values, 'dry-run': true });
    runner.assertDone();
    return out.join('\n').split('\n');
  };
  for (const lines of [await preview(['web'], { branch: BR }), await preview(['web', 'checkpoint-3', 'checkpoint-11'], {})]) {
    for (const l of lines) assert.ok(l.length <= 80, `${l.length} columns: ${l}`);
    assert.ok(lines.join('').replace(/\s+/g, '').includes(LONG.slice(0, 20).replace(/\s+/g, '')), 'the label is there');
    assert.ok(lines.join('').replace(/\s+/g, '').includes(BR), 'the dataset is there, whole');
  }
  const wide = await preview(['web'], { branch: BR }, 200);
  assert.ok(wide.some((l) => l.length > 80) && wide.every((l) => l.length <= 200), 'wrapped to the terminal, not to 80');
});

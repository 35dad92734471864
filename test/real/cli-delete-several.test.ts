import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCli, type CliRun } from '../support/cli-process.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

// `delete <ct> <snap> <snap>...` and `delete <ct> --branch <dataset>` through the CLI, in its own process, against
// real zfs-fuse: `zfs list -t all` is the ground truth for what changed and what did not.

let pool: TestPool;
before(() => {
  pool = createTestPool('cdel');
});
after(() => pool?.destroy());

const cli = (...args: string[]): CliRun => runCli([...args, '--config', pool.configFile]);
const zfsAll = () => sh('zfs', ['list', '-H', '-o', 'name', '-t', 'all', '-r', pool.pool]).split('\n').filter(Boolean).sort();

/** A refusal or bad input: the given exit code, one error line and one hint line, nothing on the pool changed. */
function assertRefused(r: CliRun, status: number, message: RegExp, before: string[], what: string) {
  assert.equal(r.status, status, `${what}: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 2, `${what}: one error line and one hint: ${r.stderr}`);
  assert.match(lines[0]!, /^error: /, what);
  assert.match(lines[0]!, message, what);
  assert.match(lines[1]!, /^hint: ./, what);
  assert.deepEqual(zfsAll(), before, `${what}: zfs list -t all is unchanged`);
}

test('delete <ct> <snap> <snap>...: --dry-run and no --yes change nothing; --yes destroys exactly those; --json', async () => {
  pool.container('set', 's0');
  const { core } = pool.core();
  const names: string[] = [];
  for (let i = 1; i <= 4; i++) {
    pool.write('set', `s${i}`);
    names.push((await core.checkpoint(['set'], { label: `cp ${i}` })).checkpoints[0]!.name);
  }
  const ds = `${pool.base}/set`;
  const [a, b, c, d] = names as [string, string, string, string];
  const before = zfsAll();

  const dry = cli('delete', 'set', c, a, '--dry-run');
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^2 checkpoints of set go - frees at least \S+; the live state is untouched\.$/m);
  assert.match(dry.stdout, /^ {2}- 'cp 1' \(.* ago, \S+\)$/m);
  assert.match(dry.stdout, /^ {2}- 'cp 3' \(.* ago, \S+\)$/m);
  // Then the zfs steps, naming each snapshot whole.
  assert.match(dry.stdout, new RegExp(`^zfs steps:\n {2}destroy ${ds}@${a}\n {2}destroy ${ds}@${c}$`, 'm'));
  // Whole names only: two checkpoints in one second are `checkpoint-<t>` and `checkpoint-<t>-2`.
  assert.doesNotMatch(dry.stdout, new RegExp(`(?:${b}|${d})(?![-\\d])`), 'only the named checkpoints are in the plan');
  assert.deepEqual(zfsAll(), before, '--dry-run: zfs list -t all is unchanged');

  const dryJson = cli('delete', 'set', a, c, '--dry-run', '--json');
  assert.equal(dryJson.status, 0, dryJson.stderr);
  const preview = JSON.parse(dryJson.stdout);
  assert.equal(preview.executed, false);
  assert.equal(preview.result, undefined);
  assert.equal(preview.plan.container, 'set');
  assert.deepEqual(
    preview.plan.deletes.map((n: { fullName: string }) => n.fullName),
    [`${ds}@${a}`, `${ds}@${c}`],
  );
  assert.deepEqual(preview.plan.kept, []);
  assert.deepEqual(preview.plan.actions, [
    { kind: 'destroy-snapshot', snapshot: `${ds}@${a}` },
    { kind: 'destroy-snapshot', snapshot: `${ds}@${c}` },
  ]);
  assert.equal(preview.plan.accuracy, 'lower-bound');
  assert.ok(Number.isInteger(preview.plan.freedBytes));
  assert.deepEqual(zfsAll(), before);

  // No terminal and no --yes: refused, naming what was not done.
  assertRefused(cli('delete', 'set', a, c), 1, /^error: not confirmed: did not destroy 2 checkpoint\(s\) of set$/, before, 'without --yes');
  // Bad input: one line, nothing runs.
  assertRefused(cli('delete', 'set', a, c, '--subtree', '--yes'), 2, /--subtree takes one checkpoint/, before, '--subtree with several');
  assertRefused(cli('delete', 'set', a, 'checkpoint-1', '--yes'), 1, /Snapshot does not exist: checkpoint-1 \(container set\)/, before, 'one unknown');
  assertRefused(cli('delete', 'set', a, c, '--yes', '--read-only'), 1, /^error: read-only session: /, before, '--read-only');

  const run = cli('delete', 'set', c, a, '--yes', '--json');
  assert.equal(run.status, 0, run.stderr);
  const done = JSON.parse(run.stdout);
  assert.equal(done.executed, true);
  assert.deepEqual(done.result, { container: 'set', deleted: [`${ds}@${a}`, `${ds}@${c}`] });
  assert.deepEqual(
    done.plan.deletes.map((n: { name: string }) => n.name),
    [a, c],
  );
  // Ground truth: exactly the two named snapshots are gone, everything else (b, d, the dataset) stays.
  assert.deepEqual(
    before.filter((x) => !zfsAll().includes(x)),
    [`${ds}@${a}`, `${ds}@${c}`],
  );
  assert.deepEqual(
    zfsAll().filter((x) => !before.includes(x)),
    [],
  );
  assert.equal(pool.read('set'), 's4', 'the live state is untouched');

  // Text output of a real run.
  const text = cli('delete', 'set', b, d, '--yes');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^deleted 2 checkpoint\(s\)$/m);
  assert.deepEqual(
    zfsAll().filter((x) => x.startsWith(`${ds}@`)),
    [],
  );
});

test('delete <ct> <snap>...: a held checkpoint is kept and said so; when none can go it is refused', async () => {
  pool.container('held', 'h0');
  const { core } = pool.core();
  const a = (await core.checkpoint(['held'])).checkpoints[0]!.name;
  pool.write('held', 'h1');
  const b = (await core.checkpoint(['held'])).checkpoints[0]!.name;
  const ds = `${pool.base}/held`;
  sh('zfs', ['hold', 'keep', `${ds}@${a}`]);
  try {
    const before = zfsAll();
    assertRefused(cli('delete', 'held', a, a, '--yes'), 2, /^error: none of these checkpoints of held can be deleted$/, before, 'only held');
    const r = cli('delete', 'held', a, b, '--yes');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^1 marked checkpoint stay:$/m);
    assert.match(r.stdout, /^ {2}= .*: held \(1 hold\(s\)\)$/m);
    assert.deepEqual(
      before.filter((x) => !zfsAll().includes(x)),
      [`${ds}@${b}`],
    );
  } finally {
    sh('zfs', ['release', 'keep', `${ds}@${a}`]);
  }
});

test('delete <ct> --branch <dataset>: --dry-run and no --yes change nothing; bad branches refused; --yes destroys that branch only', async () => {
  pool.container('br', 'b1');
  const { core } = pool.core();
  const cp1 = (await core.checkpoint(['br'], { label: 'base' })).checkpoints[0]!.name;
  pool.write('br', 'b2');
  const cp2 = (await core.checkpoint(['br'], { label: 'later' })).checkpoints[0]!.name;
  const r = await core.restore('br', { snapshot: cp1 });
  if (r.mode !== 'branch') throw new Error('expected a branch restore');
  const branch = r.branchDataset;
  const live = (await core.tree('br')).activeDataset;
  const before = zfsAll();
  const branchSnaps = before.filter((x) => x.startsWith(`${branch}@`));
  assert.deepEqual(branchSnaps.map((s) => s.split('@')[1]).sort(), [cp2, r.safetySnapshot.split('@')[1]!].sort());

  const dry = cli('delete', 'br', '--branch', branch, '--dry-run');
  assert.equal(dry.status, 0, dry.stderr);
  // Wrapped at 80 columns (stdout is a pipe): words may continue on the next line.
  for (const line of dry.stdout.split('\n')) assert.ok(line.length <= 80, `${line.length} columns: ${line}`);
  assert.match(dry.stdout, /^The branch .* goes:\s+its\s+live\s+state\s+and\s+2\s+checkpoints:$/m);
  assert.match(dry.stdout, /^ {2}- 'later' \(.* ago, \S+\)$/m);
  assert.match(dry.stdout, /^frees \S+; the live state of br \(you are here\) is untouched\.$/m);
  assert.match(dry.stdout, new RegExp(`^zfs steps:\\n {2}destroy branch ${branch} with 2\\s+snapshot\\(s\\):\\s[\\s\\S]*${cp2}`, 'm'));
  assert.deepEqual(zfsAll(), before, '--dry-run: zfs list -t all is unchanged');

  const dryJson = cli('delete', 'br', '--branch', branch, '--dry-run', '--json');
  assert.equal(dryJson.status, 0, dryJson.stderr);
  const preview = JSON.parse(dryJson.stdout);
  assert.equal(preview.executed, false);
  assert.equal(preview.result, undefined);
  assert.equal(preview.plan.container, 'br');
  assert.equal(preview.plan.branch.dataset, branch);
  assert.deepEqual(preview.plan.snapshots.map((n: { fullName: string }) => n.fullName).sort(), branchSnaps);
  assert.deepEqual(preview.plan.actions, [
    { kind: 'destroy-dataset', dataset: branch, snapshots: preview.plan.snapshots.map((n: { fullName: string }) => n.fullName) },
  ]);
  assert.equal(preview.plan.origin?.name, cp1, 'the branch grew from the checkpoint the restore went back to');
  assert.ok(Number.isInteger(preview.plan.usedBytes));
  assert.deepEqual(zfsAll(), before);

  assertRefused(
    cli('delete', 'br', '--branch', branch),
    1,
    new RegExp(`^error: not confirmed: did not destroy branch ${branch} of br with 2 checkpoint\\(s\\)$`),
    before,
    'without --yes',
  );
  assertRefused(
    cli('delete', 'br', '--branch', `${pool.base}/nope`, '--yes'),
    1,
    new RegExp(`^error: ${pool.base}/nope is not a branch of container br$`),
    before,
    'unknown branch',
  );
  assertRefused(cli('delete', 'br', '--branch', live, '--yes'), 1, /is the live line of br \(you are here\): it cannot be deleted$/, before, 'the live line');
  assertRefused(cli('delete', 'br', '--branch', `${branch}@${cp2}`, '--yes'), 2, /invalid dataset name/, before, 'a snapshot as --branch');
  assertRefused(
    cli('delete', 'br', cp2, '--branch', branch, '--yes'),
    2,
    /delete --branch takes a container and no snapshot/,
    before,
    'a snapshot and --branch',
  );
  assertRefused(cli('delete', 'br', '--branch', branch, '--yes', '--read-only'), 1, /^error: read-only session: /, before, '--read-only');

  const run = cli('delete', 'br', '--branch', branch, '--yes', '--json');
  assert.equal(run.status, 0, run.stderr);
  const done = JSON.parse(run.stdout);
  assert.equal(done.executed, true);
  assert.equal(done.result.container, 'br');
  assert.equal(done.result.dataset, branch);
  assert.deepEqual([...done.result.deleted].sort(), branchSnaps);
  // Ground truth: the branch dataset and its snapshots are gone, nothing else.
  assert.deepEqual(
    before.filter((x) => !zfsAll().includes(x)),
    [branch, ...branchSnaps].sort(),
  );
  assert.deepEqual(
    zfsAll().filter((x) => !before.includes(x)),
    [],
  );
  assert.equal(pool.read('br'), 'b1', 'the live state is untouched');
});

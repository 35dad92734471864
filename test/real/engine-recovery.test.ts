import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli-process.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

/**
 * The step engine's recovery on zfs-fuse, driven through the CLI as a separate process that a failpoint kills
 * (LXCRI_FAILPOINT=<operation>:<step>:<before|after>) or whose journal writes fail (journal-write:<n>); every
 * check is against `zfs list`/`zfs get`, file contents and the journal directory.
 */
let pool: TestPool;
before(() => {
  pool = createTestPool('eng', '512M');
});
after(() => pool?.destroy());

interface Entry {
  id: string;
  operation: string;
  container: string;
  input: Record<string, unknown>;
  steps: Array<{ title: string; status: string }>;
}

const journalDir = () => `${pool.dir}/journal`;
const journalFiles = () => readdirSync(journalDir()).filter((f) => f.endsWith('.json'));
const origin = (ds: string) => sh('zfs', ['get', '-H', '-o', 'value', 'origin', ds]).trim();

/** Every snapshot and dataset of the pool. */
function world(): Set<string> {
  return new Set(sh('zfs', ['list', '-H', '-o', 'name', '-t', 'all', '-r', pool.pool]).split('\n').filter(Boolean));
}

/** The current full name of the snapshot with this guid (branch restores move snapshots between datasets). */
function nameOfGuid(guid: string): string {
  const line = sh('zfs', ['list', '-H', '-r', '-t', 'snapshot', '-o', 'name,guid', pool.pool])
    .split('\n')
    .find((l) => l.endsWith(`\t${guid}`));
  assert.ok(line, `snapshot with guid ${guid} exists`);
  return line.split('\t')[0]!;
}
const guidOf = (snapshot: string) => sh('zfs', ['get', '-H', '-o', 'value', 'guid', snapshot]).trim();

function cli(args: string[], config = pool.configFile, env: Record<string, string> = {}) {
  return runCli([...args, '--config', config], env);
}

function killed(args: string[], failpoint: string, config = pool.configFile): void {
  const r = cli(args, config, { LXCRI_FAILPOINT: failpoint });
  assert.equal(r.signal, 'SIGKILL', `${failpoint} killed \`${args.join(' ')}\` (status ${r.status}: ${r.stderr})`);
}

/** The one interrupted operation: warned about by the next start, listed by `recover`, its journal on disk. */
function interruptedOne(operation: string, container: string, config = pool.configFile): Entry {
  const listed = cli(['list'], config);
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stderr, new RegExp(`^warning: interrupted ${operation} of ${container} \\(`, 'm'));
  const files = journalFiles();
  assert.equal(files.length, 1, `one journal: ${files.join(', ')}`);
  const entry = JSON.parse(readFileSync(`${journalDir()}/${files[0]}`, 'utf8')) as Entry;
  assert.deepEqual([entry.operation, entry.container], [operation, container]);
  return entry;
}

function recover(entry: Entry, mode: 'finish' | 'undo', config = pool.configFile) {
  const r = cli(['recover', entry.id, `--${mode}`, '--yes'], config);
  assert.equal(r.status, 0, `recover --${mode}: ${r.stdout}\n${r.stderr}`);
  assert.deepEqual(journalFiles(), [], 'the journal is gone');
  assert.doesNotMatch(cli(['list'], config).stderr, /interrupted/);
  return r;
}

test("recursive group checkpoint killed between `snapshot -r` and removing the parent's own snapshot: finish removes only that one, undo all three", () => {
  const base = `${pool.pool}/rec`;
  sh('zfs', ['create', base]);
  for (const d of ['a', 'b']) sh('zfs', ['create', `${base}/${d}`]);
  const cfg = JSON.parse(readFileSync(pool.configFile, 'utf8'));
  cfg.zfs.base_dataset = base;
  const config = `${pool.dir}/rec.json`;
  writeFileSync(config, JSON.stringify(cfg));
  const under = () => [...world()].filter((n) => n.startsWith(`${base}@`) || (n.startsWith(`${base}/`) && n.includes('@'))).sort();

  for (const mode of ['finish', 'undo'] as const) {
    const before = under();
    killed(['checkpoint', 'a', 'b'], 'recursive-checkpoint:0:after', config);
    const entry = interruptedOne('recursive-checkpoint', 'a b', config);
    const name = entry.input.name as string;
    assert.deepEqual(entry.input.parent, base, 'the recursive method was chosen');
    const three = [`${base}/a@${name}`, `${base}/b@${name}`, `${base}@${name}`].sort();
    assert.deepEqual(under(), [...before, ...three].sort(), 'snapshot -r took the parent and both containers');
    recover(entry, mode, config);
    const expected = mode === 'finish' ? [...before, `${base}/a@${name}`, `${base}/b@${name}`] : before;
    assert.deepEqual(under(), expected.sort(), mode);
  }
  // A whole run (no failpoint) says it was atomic with -r and leaves no parent snapshot.
  const before = under();
  const ok = cli(['checkpoint', 'a', 'b', '--json'], config);
  assert.equal(ok.status, 0, ok.stderr);
  const r = JSON.parse(ok.stdout);
  assert.deepEqual([r.method, r.atomic], ['recursive', true]);
  assert.equal(under().length, before.length + 2);
});

/**
 * A container with two branches: B1 (cp3, safety1) a clone of cp2, and B2 (cpA, cp2, cp4, safety2) the line
 * left by the second restore. `delete <cp2> --subtree` destroys B1 whole and resets B2 to cpA.
 */
async function twoBranches(id: string): Promise<{ cp2: string; cpA: string; cp1: string }> {
  pool.container(id, 'v1');
  const { core } = pool.core();
  const cp = async () => (await core.checkpoint([id])).checkpoints[0]!.snapshot;
  const cp1 = guidOf(await cp());
  pool.write(id, 'vA');
  const cpA = guidOf(await cp());
  pool.write(id, 'v2');
  const cp2 = guidOf(await cp());
  pool.write(id, 'v3');
  await cp();
  pool.write(id, 'x');
  await core.restore(id, { snapshot: nameOfGuid(cp2) });
  pool.write(id, 'v4');
  await cp();
  await core.restore(id, { snapshot: nameOfGuid(cp1) });
  assert.equal(pool.read(id), 'v1');
  return { cp1: nameOfGuid(cp1), cpA: nameOfGuid(cpA), cp2: nameOfGuid(cp2) };
}

interface DeletePlanJson {
  snapshots: string[];
  datasets: string[];
  actions: Array<{ kind: string; dataset?: string; to?: string }>;
}

function deletePlan(id: string, snapshot: string, subtree: boolean): DeletePlanJson {
  const r = cli(['delete', id, snapshot, ...(subtree ? ['--subtree'] : []), '--dry-run', '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).plan as DeletePlanJson;
}

test('delete --subtree (a whole branch and a reset) killed after its first action: warned, and recover --finish completes exactly the plan', async () => {
  const { cp2, cpA } = await twoBranches('dl');
  const plan = deletePlan('dl', cp2, true);
  assert.deepEqual(
    plan.actions.map((a) => a.kind),
    ['destroy-dataset', 'reset-branch'],
    JSON.stringify(plan.actions),
  );
  const b2 = cp2.split('@')[0]!;
  assert.deepEqual([plan.actions[1]!.dataset, plan.actions[1]!.to], [b2, cpA]);
  const b1 = plan.actions[0]!.dataset!;
  const before = world();

  killed(['delete', 'dl', cp2, '--subtree', '--yes'], 'delete:0:after');
  const entry = interruptedOne('delete', 'dl');
  assert.equal(entry.steps[0]!.status, 'running', 'killed between the destroy and its mark');
  assert.ok(!world().has(b1), 'the first action ran');
  assert.ok(world().has(cp2), 'the reset did not');
  recover(entry, 'finish');

  const gone = [...before].filter((n) => !world().has(n)).sort();
  assert.deepEqual(
    gone,
    [...plan.snapshots, ...plan.datasets, ...plan.datasets.flatMap((d) => [...before].filter((n) => n.startsWith(`${d}@`)))]
      .filter((n, i, all) => all.indexOf(n) === i)
      .sort(),
    'exactly the plan is gone',
  );
  assert.deepEqual(
    [...world()].filter((n) => !before.has(n)),
    [],
    'nothing new',
  );
  assert.equal(pool.read(b2), 'vA', "the reset branch holds cpA's data");
  assert.equal(pool.read('dl'), 'v1', 'the live state is untouched');
});

test('delete interrupted after the step that destroyed its target ("Snapshot does not exist" on a re-run): recover --finish ends it', async () => {
  // --subtree: killed after its last action.
  const { cp2 } = await twoBranches('dm');
  const plan = deletePlan('dm', cp2, true);
  const before = world();
  killed(['delete', 'dm', cp2, '--subtree', '--yes'], `delete:${plan.actions.length - 1}:after`);
  const rerun = cli(['delete', 'dm', cp2, '--subtree', '--yes']);
  assert.notEqual(rerun.status, 0);
  assert.match(rerun.stderr, /^error: Snapshot does not exist: /m);
  recover(interruptedOne('delete', 'dm'), 'finish');
  const expectedGone = new Set([...plan.snapshots, ...plan.datasets, ...[...before].filter((n) => plan.datasets.some((d) => n.startsWith(`${d}@`)))]);
  assert.deepEqual([...before].filter((n) => !world().has(n)).sort(), [...expectedGone].sort());

  // A single snapshot: killed after its destroy.
  pool.container('ds', 'v1');
  const { core } = pool.core();
  const one = (await core.checkpoint(['ds'])).checkpoints[0]!.snapshot;
  const two = (await core.checkpoint(['ds'])).checkpoints[0]!.snapshot;
  killed(['delete', 'ds', one, '--yes'], 'delete:0:after');
  assert.ok(!world().has(one));
  const again = cli(['delete', 'ds', one, '--yes']);
  assert.match(again.stderr, /^error: Snapshot does not exist: /m);
  recover(interruptedOne('delete', 'ds'), 'finish');
  assert.deepEqual(
    pool.snapshots().filter((s) => s.startsWith(`${pool.base}/ds@`)),
    [two],
  );
});

test('prune killed after its first item, a hold placed on a planned snapshot, then recover --finish: the held one stays, the rest go', async () => {
  pool.container('pr', 'v');
  const { core } = pool.core();
  for (let i = 0; i < 5; i++) await core.checkpoint(['pr']);
  const all = pool.snapshots().filter((s) => s.startsWith(`${pool.base}/pr@`));
  killed(['prune', 'pr', '--max-snapshots', '1', '--yes'], 'prune:0:after');
  const entry = interruptedOne('prune', 'pr');
  const planned = (entry.input.items as Array<{ snapshot: string }>).map((i) => i.snapshot);
  assert.equal(planned.length, 4, JSON.stringify(planned));
  assert.ok(!world().has(planned[0]!), 'the first item was destroyed');
  const held = planned[2]!;
  sh('zfs', ['hold', 'keepme', held]);
  try {
    const r = recover(entry, 'finish');
    assert.match(r.stdout, /finished prune of pr/);
    const left = pool.snapshots().filter((s) => s.startsWith(`${pool.base}/pr@`));
    const kept = all.filter((s) => !planned.includes(s));
    assert.deepEqual(left, [...kept, held].sort(), 'only the held planned snapshot and the kept ones remain');
    assert.equal(sh('zfs', ['get', '-H', '-o', 'value', 'userrefs', held]).trim(), '1', 'still held');
  } finally {
    sh('zfs', ['release', 'keepme', held]);
  }
});

test('journal write failing mid branch restore: non-zero exit, one error line naming the journal file, the restore undone', async () => {
  const id = 'jw';
  const ds = pool.container(id, 'cp');
  const { core } = pool.core();
  const cp = (await core.checkpoint([id])).checkpoints[0]!.name;
  pool.write(id, 'live');
  const before = world();
  // Writes: 1 = the plan, then 2k+2 = step k running, 2k+3 = step k done (10 steps here).
  // 21, the last step's "done", is past every step: that restore stands (lifecycle-kill.test.ts checks it).
  for (const n of [1, 3, 6, 12, 15, 17, 20]) {
    const r = cli(['restore', id, '--snapshot', cp], pool.configFile, { LXCRI_FAILPOINT: `journal-write:${n}` });
    const tag = `journal-write:${n}`;
    assert.equal(r.signal, null, tag);
    assert.notEqual(r.status, 0, `${tag}: exits non-zero (${r.stdout})`);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    assert.equal(errors.length, 1, `${tag}: ${r.stderr}`);
    assert.match(errors[0]!, new RegExp(`could not write the journal ${journalDir()}/[0-9-]+\\.json \\(EROFS\\)`), tag);
    assert.equal(pool.read(id), 'live', `${tag}: the live data is back`);
    const o = origin(ds);
    assert.ok(!o.includes('lxcri-restore-'), `${tag}: ${ds} is a clone of ${o}`);
    assert.equal(o, '-', `${tag}: ${ds} is not a clone`);
    const now = world();
    assert.deepEqual(
      [...now].filter((n) => /\/lxcri-(restore|br)-jw-/.test(n)),
      [],
      `${tag}: no restore clone or branch left`,
    );
    assert.deepEqual(
      [...now].filter((n) => n.includes('@pre-restore-') && !before.has(n)),
      [],
      `${tag}: no safety snapshot left`,
    );
    assert.deepEqual([...now].sort(), [...before].sort(), `${tag}: the pool is as before`);
    assert.deepEqual(journalFiles(), [], `${tag}: no journal left`);
  }
});

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { CliRun } from '../support/cli-process.js';
import { startClusterCli, type ClusterCli } from '../support/cluster-cli.js';

// `move` (issue 11) on the two-node harness: a container's whole checkpoint tree goes from pve1 to pve2, the data is
// there and writable, the source is gone (or kept with --keep-source); pre-flight refusals change nothing; a kill at
// every journaled step is finished or undone by `recover`. Ground truth is zfs and the files inside each node.

let h: ClusterCli;
before(() => {
  h = startClusterCli();
});
after(() => h?.stop());

const zfs = (node: string, args: string[]) => h.zfs(node, args);
const exists = (node: string, ds: string) => h.exists(node, ds);
const prop = (node: string, p: string, ds: string) => h.prop(node, p, ds);
const guids = (node: string, id: string) => h.guids(node, id);
const family = (node: string, id: string) => h.family(node, id);
const write = (node: string, id: string, content: string) => h.write(node, id, content);
const read = (node: string, id: string) => h.read(node, id);
const cli = (args: string[], env: Record<string, string> = {}): CliRun => h.cli(args, env);
const ok = (args: string[]) => h.ok(args);
/** A container on pve1 with two checkpoints and data written after them. */
function container(id: string): void {
  zfs('pve1', ['create', `rpool/data/${id}`]);
  write('pve1', id, 'one');
  ok(['checkpoint', id, '--label', 'one']);
  write('pve1', id, 'two');
  ok(['checkpoint', id, '--label', 'two']);
  write('pve1', id, 'live');
}

test('move of a convention container: pre-flight and plan first, then its tree and live data on pve2, writable, and nothing left on pve1', () => {
  container('401');
  const before = guids('pve1', '401');
  const dry = ok(['move', '401', '--to', 'pve2', '--dry-run']);
  assert.match(dry.stdout, /^pre-flight on pve2:$/m);
  assert.match(dry.stdout, /^ {2}ok {2}id 401 free there/m);
  assert.match(dry.stdout, /^ {2}ok {2}not managed by Proxmox HA$/m);
  assert.match(dry.stdout, /^move 401 \(stopped\) from pve1 to pve2/m);
  assert.match(dry.stdout, /remove 401 from pve1/);
  assert.equal(exists('pve2', 'rpool/data/401'), false, 'a dry run sends nothing');
  // No terminal and no --yes: refused, nothing done.
  const unconfirmed = cli(['move', '401', '--to', 'pve2']);
  assert.notEqual(unconfirmed.status, 0);
  assert.match(unconfirmed.stderr, /not confirmed: did not move 401 to pve2 and remove it from pve1/);
  assert.equal(exists('pve2', 'rpool/data/401'), false);

  ok(['move', '401', '--to', 'pve2', '--yes']);
  assert.equal(exists('pve1', 'rpool/data/401'), false, 'the source is removed');
  assert.equal(read('pve2', '401'), 'live', 'the live data arrived (the final checkpoint)');
  const moved = guids('pve2', '401');
  for (const [n, g] of before) assert.equal(moved.get(n), g, `${n} kept its guid on pve2`);
  assert.equal(moved.size, before.size + 1, 'plus the final checkpoint');
  assert.equal(prop('pve2', 'readonly', 'rpool/data/401'), 'off');
  assert.equal(prop('pve2', 'lxcri:replica-of', 'rpool/data/401'), '-', 'a container there, no longer a replica');
  assert.equal(prop('pve2', 'mounted', 'rpool/data/401'), 'yes');
  for (const n of moved.keys()) {
    assert.equal(prop('pve2', 'userrefs', n), '0', `${n}: no replication hold for a source that is gone`);
    assert.equal(prop('pve2', 'lxcri:replicated', n), '-', `${n}: nor a mark`);
    assert.equal(prop('pve2', 'lxcri:kind', n), 'checkpoint', `${n}: still a checkpoint there`);
  }
  const tree = ok(['tree', '401', '--json']).stdout;
  assert.match(tree, /"label": "one"/, 'labels moved with the checkpoints');
  assert.match(tree, /"label": "moved to pve2"/);
  write('pve2', '401', 'written on pve2');
  assert.equal(read('pve2', '401'), 'written on pve2', 'writable on pve2');
  const list = JSON.parse(ok(['list', '--json']).stdout) as { containers: Array<{ id: string; node: string }> };
  assert.deepEqual(
    list.containers.filter((c) => c.id === '401').map((c) => c.node),
    ['pve2'],
  );
  // Checkpoints go on as on any container of pve2.
  ok(['checkpoint', '401', '--label', 'after the move']);
});

test('move --keep-source of a container with a branch: both lines arrive, the source stays as it was', () => {
  container('402');
  const first = [...guids('pve1', '402').keys()].sort()[0]!;
  ok(['restore', '402', '--snapshot', first.split('@')[1]!, '--yes']);
  write('pve1', '402', 'after the restore');
  const before = guids('pve1', '402');
  ok(['move', '402', '--to', 'pve2', '--keep-source', '--yes']);
  const there = guids('pve2', '402');
  for (const [n, g] of before) assert.equal(there.get(n), g, `${n} on pve2`);
  assert.equal(family('pve2', '402').length, 2, 'the line and its branch');
  assert.equal(read('pve2', '402'), 'after the restore');
  assert.equal(read('pve1', '402'), 'after the restore', 'the source is kept');
  assert.equal(family('pve1', '402').length, 2);
});

test('pre-flight refusals change nothing: the id taken on the target, Proxmox HA owning the container', () => {
  container('403');
  zfs('pve2', ['create', 'rpool/data/403']);
  const before = guids('pve1', '403');
  const taken = cli(['move', 'pve1:403', '--to', 'pve2', '--yes']);
  assert.notEqual(taken.status, 0);
  assert.match(taken.stderr, /^error: cannot move 403 to pve2: id 403 is taken on pve2/m);
  assert.deepEqual([...guids('pve1', '403')], [...before]);
  assert.equal(guids('pve2', '403').size, 0, 'nothing was sent');

  container('404');
  mkdirSync(`${h.dir}/pve/ha`, { recursive: true });
  // On pve1, which reads the cluster-wide HA config (the harness's /etc/pve is this directory).
  writeFileSync(`${h.dir}/pve/ha/resources.cfg`, 'ct: 404\n\tstate started\n');
  const ha = cli(['move', '404', '--to', 'pve2', '--yes']);
  assert.notEqual(ha.status, 0);
  assert.match(ha.stderr, /managed by Proxmox HA .*ha-manager migrate ct:404 pve2/);
  assert.equal(exists('pve2', 'rpool/data/404'), false);
});

test('restore --on brings a checkpoint up on pve2 as a new container (replicated there first), the original untouched', () => {
  container('601');
  const snaps = [...guids('pve1', '601').keys()].sort();
  const [one, two] = snaps.map((n) => n.split('@')[1]!);
  const before = guids('pve1', '601');
  const dry = ok(['restore', '601', '--snapshot', one!, '--on', 'pve2', '--dry-run']);
  assert.match(dry.stdout, /^bring rpool\/data\/601@\S+ up on pve2 as a new container 100 \(601 on pve1 is not touched\):$/m);
  assert.match(dry.stdout, /pve2 lacks it: replicate first/);
  assert.equal(exists('pve2', 'rpool/data/601'), false, 'a dry run sends nothing');

  ok(['restore', '601', '--snapshot', one!, '--on', 'pve2', '--yes']);
  assert.equal(read('pve2', '100'), 'one', "the checkpoint's data, on pve2");
  assert.equal(prop('pve2', 'origin', 'rpool/data/100'), `rpool/data/601@${one}`, "a clone of the replica's snapshot");
  assert.equal(prop('pve2', 'readonly', 'rpool/data/100'), 'off');
  write('pve2', '100', 'changed on the copy');
  assert.equal(prop('pve2', 'lxcri:replica-of', 'rpool/data/601'), 'pve1:rpool/data/601', 'the replica stays a replica');
  assert.deepEqual([...guids('pve1', '601')], [...before], 'the original is untouched');
  assert.equal(read('pve1', '601'), 'live');
  const list = JSON.parse(ok(['list', '--json']).stdout) as { containers: Array<{ id: string; node: string }> };
  assert.deepEqual(
    list.containers.filter((c) => c.id === '100').map((c) => c.node),
    ['pve2'],
  );

  const taken = cli(['restore', '601', '--snapshot', two!, '--on', 'pve2', '--as', '100', '--yes']);
  assert.notEqual(taken.status, 0);
  assert.match(taken.stderr, /^error: id 100 is taken/m);
  assert.equal(read('pve2', '100'), 'changed on the copy', 'the existing one is untouched');

  // The replica has the second checkpoint already: nothing is replicated, the next free id is taken.
  const second = ok(['restore', '601', '--snapshot', two!, '--on', 'pve2', '--yes']);
  assert.match(second.stdout, /pve2 has it already/);
  assert.match(second.stdout, /as a new container 101 /);
  assert.equal(read('pve2', '101'), 'two');
});

const MOVE_STEPS = ['final checkpoint', 'last increment', 'make the replica', 'verify', 'remove'];

test('move killed before and after every step: recover finishes it (on pve2, gone from pve1) or undoes it (intact on pve1)', () => {
  let round = 0;
  for (let step = 0; step < MOVE_STEPS.length; step++) {
    for (const when of ['before', 'after'] as const) {
      const id = `5${round}`;
      round++;
      container(id);
      const source = guids('pve1', id);
      const killed = cli(['move', id, '--to', 'pve2', '--yes'], { LXCRI_FAILPOINT: `move:${step}:${when}` });
      assert.equal(killed.signal, 'SIGKILL', `${id}: the failpoint killed the move at ${MOVE_STEPS[step]}:${when} (${killed.stderr})`);
      const [entry, ...more] = JSON.parse(ok(['recover', '--json']).stdout).interrupted as Array<{ id: string; operation: string }>;
      assert.ok(entry && !more.length && entry.operation === 'move', `${id}: the move is reported`);
      // Once the removal of the source has begun, the move can only be finished: undo refuses, changing nothing.
      const removing = MOVE_STEPS[step] === 'remove' && when === 'after';
      if (removing) {
        const refused = cli(['recover', entry.id, '--undo', '--yes']);
        assert.notEqual(refused.status, 0, `${id}: undo after the removal is refused`);
        assert.match(refused.stderr, /cannot be undone/);
        assert.equal(JSON.parse(ok(['recover', '--json']).stdout).interrupted.length, 1, `${id}: still there to finish`);
        assert.equal(prop('pve2', 'lxcri:replica-of', `rpool/data/${id}`), '-', `${id}: the container on pve2 was left as it was`);
      }
      const mode = removing || round % 2 === 0 ? 'finish' : 'undo';
      const r = cli(['recover', entry.id, `--${mode}`, '--yes']);
      assert.equal(r.status, 0, `${id} at ${MOVE_STEPS[step]}:${when}: recover --${mode}: ${r.stderr}`);
      assert.deepEqual(JSON.parse(ok(['recover', '--json']).stdout).interrupted, []);
      if (mode === 'finish') {
        assert.equal(exists('pve1', `rpool/data/${id}`), false, `${id}: finished, gone from pve1`);
        assert.equal(read('pve2', id), 'live', `${id}: finished, its data on pve2`);
        assert.equal(prop('pve2', 'lxcri:replica-of', `rpool/data/${id}`), '-');
      } else {
        assert.equal(read('pve1', id), 'live', `${id}: undone, intact on pve1`);
        for (const [n, g] of source) assert.equal(guids('pve1', id).get(n), g, `${id}: ${n} still on pve1`);
        // Whatever reached pve2 is a replica there, never a second container.
        for (const ds of family('pve2', id)) assert.equal(prop('pve2', 'lxcri:replica-of', ds), `pve1:rpool/data/${id}`, `${id}: ${ds} is a replica`);
        // And the move can be done again.
        ok(['move', id, '--to', 'pve2', '--yes']);
        assert.equal(read('pve2', id), 'live');
      }
    }
  }
});

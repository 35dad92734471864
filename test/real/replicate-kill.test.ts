import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CliRun } from '../support/cli-process.js';
import { startClusterCli, type ClusterCli } from '../support/cluster-cli.js';

// A replication killed (SIGKILL) before and after every journaled step, on the two-node harness: the source is
// untouched, the replica holds only whole snapshots, `recover` reports it, `--finish` completes the replica and
// `--undo` puts it back as it was; either way the next replicate is whole. Ground truth is zfs inside each node.

let h: ClusterCli;
before(() => {
  h = startClusterCli();
});
after(() => h?.stop());

const zfs = (node: string, args: string[]) => h.zfs(node, args);
const prop = (node: string, p: string, ds: string) => h.prop(node, p, ds);
const guids = (node: string, id: string) => h.guids(node, id);
const family = (node: string, id: string) => h.family(node, id);
const sorted = (m: Map<string, string>) => [...m].sort();
const write = (dataset: string, content: string) => h.write('pve1', dataset.slice('rpool/data/'.length), content);
const cli = (args: string[], env: Record<string, string> = {}): CliRun => h.cli(args, env);
const ok = (args: string[]) => h.ok(args);

/**
 * A container with two checkpoints replicated once, then restored to the first (a branch restore to replay on the
 * replica) and checkpointed again (an increment on the line).
 */
function scenario(id: string): void {
  zfs('pve1', ['create', `rpool/data/${id}`]);
  write(`rpool/data/${id}`, 'one');
  ok(['checkpoint', id, '--label', 'one']);
  write(`rpool/data/${id}`, 'two');
  ok(['checkpoint', id, '--label', 'two']);
  ok(['replicate', id, '--to', 'pve2']);
  const first = [...guids('pve1', id).keys()].sort()[0]!;
  ok(['restore', id, '--snapshot', first.split('@')[1]!, '--yes']);
  write(`rpool/data/${id}`, 'three');
  ok(['checkpoint', id, '--label', 'three']);
}

function interrupted(): Array<{ id: string; operation: string; container: string }> {
  const r = cli(['recover', '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).interrupted;
}

test('replicate killed before and after every step: source intact, replica whole; recover finishes or undoes it, the next replicate completes', () => {
  // The number of steps: the plan's, plus moving the holds.
  scenario('k0');
  const dry = JSON.parse(ok(['replicate', 'k0', '--to', 'pve2', '--dry-run', '--json']).stdout) as { plan: { steps: Array<{ kind: string }> } };
  const kinds = dry.plan.steps.map((s) => s.kind);
  assert.ok(kinds.includes('replay') && kinds.includes('send'), `the plan replays and sends: ${kinds.join(', ')}`);
  const count = kinds.length + 1;
  let round = 0;
  for (let step = 0; step < count; step++) {
    for (const when of ['before', 'after'] as const) {
      const id = round === 0 ? 'k0' : `k${round}`;
      if (round > 0) scenario(id);
      round++;
      const source = guids('pve1', id);
      const replicaBefore = guids('pve2', id);
      const killed = cli(['replicate', id, '--to', 'pve2'], { LXCRI_FAILPOINT: `replicate:${step}:${when}` });
      assert.equal(killed.signal, 'SIGKILL', `${id}: the failpoint killed the replication at ${step}:${when} (${killed.stderr})`);
      assert.deepEqual(sorted(guids('pve1', id)), sorted(source), `${id}: the source is untouched`);
      // Whatever arrived is marked a replica (never taken for one of pve2's containers).
      for (const ds of family('pve2', id)) assert.equal(prop('pve2', 'lxcri:replica-of', ds), `pve1:rpool/data/${id}`, `${id}: ${ds} is marked`);
      const [entry, ...more] = interrupted();
      assert.ok(entry, `${id}: the killed replication is reported`);
      assert.equal(more.length, 0);
      assert.equal(entry.operation, 'replicate');

      if (round === 1) {
        // Another replication of it meanwhile is refused: recovering the killed one later would act on what it made.
        const meanwhile = cli(['replicate', id, '--to', 'pve2']);
        assert.notEqual(meanwhile.status, 0);
        assert.match(meanwhile.stderr, new RegExp(`an interrupted replicate of ${id} still holds rpool/data/${id}`));
      }
      const mode = round % 2 === 0 ? 'undo' : 'finish';
      const r = cli(['recover', entry.id, `--${mode}`, '--yes']);
      assert.equal(r.status, 0, `${id}: recover --${mode}: ${r.stderr}`);
      assert.deepEqual(interrupted(), []);
      if (mode === 'finish') {
        assert.deepEqual(sorted(guids('pve2', id)), sorted(source), `${id}: finished, the replica has every snapshot`);
      } else {
        assert.deepEqual(sorted(guids('pve2', id)), sorted(replicaBefore), `${id}: undone, the replica is as before`);
      }
      assert.deepEqual(sorted(guids('pve1', id)), sorted(source), `${id}: the source is still untouched`);
      ok(['replicate', id, '--to', 'pve2']);
      assert.deepEqual(sorted(guids('pve2', id)), sorted(source), `${id}: the next replicate completes it`);
      // One hold per side, on the newest snapshot of each dataset.
      for (const ds of family('pve1', id)) {
        const snaps = [...source.keys()]
          .filter((n) => n.startsWith(`${ds}@`))
          .sort((a, b) => Number(prop('pve1', 'createtxg', a)) - Number(prop('pve1', 'createtxg', b)));
        for (const [i, s] of snaps.entries()) {
          const want = i === snaps.length - 1 ? '1' : '0';
          assert.equal(prop('pve1', 'userrefs', s), want, `${id}: ${s} held on pve1 only when it is the base`);
          assert.equal(prop('pve2', 'userrefs', s), want, `${id}: ${s} held on pve2 only when it is the base`);
        }
      }
    }
  }
});

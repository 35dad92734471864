import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { clusterConfig } from '../support/cluster.js';
import { runCli, type CliRun } from '../support/cli-process.js';
import { lines, startClusterCli, type ClusterCli } from '../support/cluster-cli.js';

// `replication.target_base` (issue 11) on the two-node harness: pve1's rpool/data/<id> tree is replicated to pve2 under
// rpool/replicas (the parent rpool/data replaced by the base), a branch restore is replayed there under the mapped
// names, a killed run is undone and finished, `restore --on` clones the mapped replica beside pve2's containers, and
// `move` lands under the canonical name. Ground truth is zfs inside each node.

const BASE = 'rpool/replicas';
let h: ClusterCli;
let configFile: string;

before(() => {
  h = startClusterCli();
  configFile = `${h.dir}/target-base.json`;
  writeFileSync(configFile, JSON.stringify({ ...clusterConfig(h.cluster, h.dir, `${h.dir}/node`), replication: { target_base: BASE } }));
});
after(() => h?.stop());

const cli = (args: string[], env: Record<string, string> = {}): CliRun =>
  runCli([...args, '--config', configFile], { XDG_RUNTIME_DIR: `${h.dir}/run`, ...env });
function ok(args: string[]): CliRun {
  const r = cli(args);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r;
}
const prop = (node: string, p: string, ds: string) => h.prop(node, p, ds);
const ofFamily = (name: string, root: string, id: string) =>
  name === `${root}/${id}` || name.startsWith(`${root}/${id}@`) || name.startsWith(`${root}/lxcri-br-${id}-`);
/** The snapshots of a container's tree under `root` on a node, by their names relative to the root, with their guids. */
function tree(node: string, root: string, id: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const l of lines(h.zfs(node, ['get', '-Hp', '-r', '-o', 'name,value', 'guid', root]))) {
    const [n, v] = l.split('\t');
    if (n!.includes('@') && ofFamily(n!, root, id)) out.push([n!.slice(root.length + 1), v!]);
  }
  return out.sort();
}
const datasets = (node: string, root: string, id: string) => lines(h.zfs(node, ['list', '-H', '-o', 'name', '-r', root])).filter((d) => ofFamily(d, root, id));
function container(id: string): void {
  h.zfs('pve1', ['create', `rpool/data/${id}`]);
  h.write('pve1', id, 'one');
  ok(['checkpoint', id, '--label', 'one']);
  h.write('pve1', id, 'two');
  ok(['checkpoint', id, '--label', 'two']);
}
const interrupted = () => JSON.parse(ok(['recover', '--json']).stdout).interrupted as Array<{ id: string; operation: string }>;

test('a missing target base is refused before anything is sent, naming it and what to create', () => {
  container('701');
  const r = cli(['replicate', '701', '--to', 'pve2']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /^error: cannot replicate 701 to pve2: parent rpool\/replicas is missing there$/m);
  assert.match(r.stderr, /zfs create rpool\/replicas/);
  assert.equal(h.exists('pve2', 'rpool/replicas/701'), false);
  assert.equal(h.exists('pve2', 'rpool/data/701'), false);
});

test('replicate puts the tree under the target base: same guids under the mapped names, marked and held there', () => {
  h.zfs('pve2', ['create', BASE]);
  const dry = ok(['replicate', '701', '--to', 'pve2', '--dry-run']);
  assert.match(dry.stdout, /^ {2}ok {2}parent rpool\/replicas present$/m);
  assert.match(dry.stdout, /^ {2}on pve2 under rpool\/replicas \(replication\.target_base\)/m);
  ok(['replicate', '701', '--to', 'pve2']);
  assert.deepEqual(tree('pve2', BASE, '701'), tree('pve1', 'rpool/data', '701'), 'every snapshot, same guid, under the base');
  assert.equal(h.exists('pve2', 'rpool/data/701'), false, 'nothing under the source names');
  assert.equal(prop('pve2', 'lxcri:replica-of', `${BASE}/701`), 'pve1:rpool/data/701');
  assert.equal(prop('pve2', 'readonly', `${BASE}/701`), 'on');
  const tip = tree('pve1', 'rpool/data', '701').at(-1)![0];
  assert.equal(prop('pve1', 'userrefs', `rpool/data/${tip}`), '1', 'the base is held on the source');
  assert.equal(prop('pve2', 'userrefs', `${BASE}/${tip}`), '1', 'and on the replica, under its name there');
  assert.equal(prop('pve2', 'lxcri:replicated', `${BASE}/${tip}`), 'pve1');
  assert.match(ok(['replicate', '701', '--to', 'pve2', '--dry-run']).stdout, /up to date/);
  // Where else each checkpoint is: pve2's listing has it (by guid) under the base's names.
  const text = ok(['tree', '701']).stdout;
  assert.equal(text.split('\n').filter((l) => l.includes('  [also on pve2]')).length, 2, text);
});

test('a branch restore on the source is replayed under the base: both lines there, older snapshots not sent again', () => {
  const pre = new Map(tree('pve2', BASE, '701').map(([n, g]) => [g, prop('pve2', 'createtxg', `${BASE}/${n}`)]));
  const first = tree('pve1', 'rpool/data', '701')[0]![0].split('@')[1]!;
  ok(['restore', '701', '--snapshot', first, '--yes']);
  h.write('pve1', '701', 'three');
  ok(['checkpoint', '701', '--label', 'three']);
  const dry = ok(['replicate', '701', '--to', 'pve2', '--dry-run']);
  assert.match(dry.stdout, /replay the branch restore/);
  assert.doesNotMatch(dry.stdout, /in full/);
  ok(['replicate', '701', '--to', 'pve2']);
  assert.deepEqual(tree('pve2', BASE, '701'), tree('pve1', 'rpool/data', '701'), 'both lines, same guids, mapped names');
  for (const [n, g] of tree('pve2', BASE, '701')) {
    if (pre.has(g)) assert.equal(prop('pve2', 'createtxg', `${BASE}/${n}`), pre.get(g), `${n} kept its createtxg`);
  }
  const branch = datasets('pve2', BASE, '701').find((d) => d.includes('lxcri-br-701-'));
  assert.ok(branch, 'the old line is a branch under the base');
  const srcBranch = `rpool/data/${branch.slice(BASE.length + 1)}`;
  assert.equal(prop('pve2', 'origin', branch), prop('pve1', 'origin', srcBranch).replace('rpool/data/', `${BASE}/`), 'a clone of the mapped snapshot');
  for (const ds of datasets('pve2', BASE, '701')) assert.equal(prop('pve2', 'lxcri:replica-of', ds), 'pve1:rpool/data/701', `${ds} is marked`);
});

test('a replication killed after its first step is undone, then one killed again is finished, under the base', () => {
  container('702');
  const source = tree('pve1', 'rpool/data', '702');
  const killed = cli(['replicate', '702', '--to', 'pve2'], { LXCRI_FAILPOINT: 'replicate:0:after' });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  assert.ok(h.exists('pve2', `${BASE}/702`), 'the first send arrived under the base');
  const [entry] = interrupted();
  ok(['recover', entry!.id, '--undo', '--yes']);
  assert.equal(h.exists('pve2', `${BASE}/702`), false, 'undone: the dataset it created is destroyed');
  const again = cli(['replicate', '702', '--to', 'pve2'], { LXCRI_FAILPOINT: 'replicate:1:after' });
  assert.equal(again.signal, 'SIGKILL', again.stderr);
  const [second] = interrupted();
  ok(['recover', second!.id, '--finish', '--yes']);
  assert.deepEqual(tree('pve2', BASE, '702'), source, 'finished: every snapshot under the base');
  const tip = source.at(-1)![0];
  assert.equal(prop('pve2', 'userrefs', `${BASE}/${tip}`), '1', 'its base held there');
  assert.deepEqual(tree('pve1', 'rpool/data', '702'), source, 'the source is untouched');
});

test("restore --on clones the replica's snapshot under the base beside pve2's containers", () => {
  const snaps = tree('pve1', 'rpool/data', '701').filter(([n]) => n.startsWith('701@'));
  const one = snaps[0]![0].split('@')[1]!;
  const r = ok(['restore', '701', '--snapshot', one, '--on', 'pve2', '--yes']);
  assert.match(r.stdout, /as a new container 100 /);
  assert.equal(prop('pve2', 'origin', 'rpool/data/100'), `${BASE}/701@${one}`, 'a clone of the replica under the base');
  assert.equal(h.read('pve2', '100'), 'one');
  assert.equal(prop('pve2', 'readonly', 'rpool/data/100'), 'off');
});

test('restore --on of a checkpoint pve2 lacks replicates it under the base first', () => {
  container('703');
  const one = tree('pve1', 'rpool/data', '703')[0]![0].split('@')[1]!;
  const r = ok(['restore', '703', '--snapshot', one, '--on', 'pve2', '--yes']);
  const id = /as a new container (\d+) /.exec(r.stdout)?.[1];
  assert.ok(id, r.stdout);
  assert.deepEqual(tree('pve2', BASE, '703'), tree('pve1', 'rpool/data', '703'), 'replicated under the base');
  assert.equal(prop('pve2', 'origin', `rpool/data/${id}`), `${BASE}/703@${one}`);
  assert.equal(h.read('pve2', id), 'one');
});

test('move ignores the target base: the container lands under its own name on pve2', () => {
  container('704');
  const source = tree('pve1', 'rpool/data', '704');
  ok(['move', '704', '--to', 'pve2', '--yes']);
  const there = tree('pve2', 'rpool/data', '704');
  // Its checkpoints, and the final one the move takes with it stopped.
  assert.deepEqual(there.slice(0, source.length), source, 'its tree under its own names');
  assert.equal(there.length, source.length + 1);
  assert.equal(h.exists('pve2', `${BASE}/704`), false, 'nothing under the base');
  assert.equal(h.exists('pve1', 'rpool/data/704'), false, 'gone from pve1');
  assert.equal(prop('pve2', 'lxcri:replica-of', 'rpool/data/704'), '-');
});

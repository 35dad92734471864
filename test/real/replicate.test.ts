import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { clusterConfig, startCluster, type Cluster, type ClusterNode } from '../support/cluster.js';
import { runCli, type CliRun } from '../support/cli-process.js';

// Tree-preserving replication (issue 11) on the two-node harness: pve1's container is replicated to pve2, relayed
// through this machine. Ground truth is zfs inside each node: guids, createtxg, clone origins, holds.

let cluster: Cluster;
let dir: string;
let configFile: string;

const lines = (text: string) => text.split('\n').filter(Boolean);
function on(n: ClusterNode, argv: string[]): string {
  const r = n.exec(argv);
  assert.equal(r.status, 0, `${n.name}: ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const zfs = (name: string, args: string[]) => on(cluster.node(name), ['zfs', ...args]);
/** Every snapshot under rpool/data with its guid and createtxg: `name guid createtxg`. */
function snapshots(name: string, root = 'rpool/data'): string[][] {
  // zfs-fuse has no `list -p`: `get -Hp` gives exact guids.
  const byName = new Map<string, { guid?: string; txg?: string }>();
  for (const l of lines(zfs(name, ['get', '-Hp', '-r', '-o', 'name,property,value', 'guid,createtxg', root]))) {
    const [n, p, v] = l.split('\t');
    if (!n!.includes('@')) continue;
    const e = byName.get(n!) ?? {};
    if (p === 'guid') e.guid = v;
    else e.txg = v;
    byName.set(n!, e);
  }
  return [...byName].map(([n, e]) => [n, e.guid!, e.txg!]);
}
const guids = (name: string, root?: string) => new Map(snapshots(name, root).map(([n, g]) => [n!, g!]));
const prop = (name: string, p: string, ds: string) => zfs(name, ['get', '-Hp', '-o', 'value', p, ds]).trim();
function write(name: string, dataset: string, content: string): void {
  const mp = prop(name, 'mountpoint', dataset);
  on(cluster.node(name), ['sh', '-c', 'printf %s "$1" > "$2"', 'sh', content, `${mp}/state.txt`]);
}
const cli = (args: string[], env: Record<string, string> = {}): CliRun => runCli([...args, '--config', configFile], { XDG_RUNTIME_DIR: `${dir}/run`, ...env });

/**
 * An `ssh` earlier in PATH that notes each invocation's destination (the argument after `--`), then is ssh (as
 * test/real/cluster.test.ts counts a list's): how many round trips a command makes to each node.
 */
function countingSsh(): { env: Record<string, string>; calls: () => Record<string, number> } {
  const bin = `${dir}/count-bin`;
  const log = `${dir}/ssh-count.log`;
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    `${bin}/ssh`,
    [
      '#!/bin/sh',
      'prev=; dest=',
      'for a in "$@"; do if [ "$prev" = "--" ]; then dest=$a; break; fi; prev=$a; done',
      `printf '%s\\n' "$dest" >> '${log}'`,
      'exec /usr/bin/ssh "$@"',
      '',
    ].join('\n'),
  );
  chmodSync(`${bin}/ssh`, 0o755);
  writeFileSync(log, '');
  return {
    env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
    calls: () => {
      const counts: Record<string, number> = {};
      for (const d of lines(readFileSync(log, 'utf8'))) counts[d] = (counts[d] ?? 0) + 1;
      return counts;
    },
  };
}
function ok(args: string[]): CliRun {
  const r = cli(args);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r;
}
/** The most ssh invocations one incremental `replicate` of the CLI makes to each node (counted, not timed). */
const PVE1_CALLS = 24;
const PVE2_CALLS = 5;
const checkpoint = (label: string) => ok(['checkpoint', 'pve1:301', '--label', label]);

before(() => {
  cluster = startCluster(['pve1', 'pve2'], { size: '256M' });
  dir = cluster.dir;
  mkdirSync(`${dir}/run`, { recursive: true, mode: 0o700 });
  mkdirSync(`${dir}/node`, { recursive: true });
  for (const n of cluster.nodes) on(n, ['zfs', 'create', '-o', `mountpoint=${dir}/node`, 'rpool/lxcri']);
  configFile = `${dir}/config.json`;
  writeFileSync(configFile, JSON.stringify(clusterConfig(cluster, dir, `${dir}/node`)));
  zfs('pve1', ['create', 'rpool/data/301']);
});

after(() => cluster?.stop());

test('first replication sends the whole line: every snapshot on pve2 with the same guid, the replica read-only and its base held on both sides', () => {
  write('pve1', 'rpool/data/301', 'one');
  checkpoint('one');
  write('pve1', 'rpool/data/301', 'two');
  checkpoint('two');
  const dry = ok(['replicate', '301', '--to', 'pve2', '--dry-run']);
  assert.match(dry.stdout, /replicate 301 from pve1 to pve2: 2 step\(s\)/);
  assert.match(dry.stdout, /in full/);
  assert.match(
    dry.stdout,
    /^pre-flight on pve2:\n {2}ok {2}pool rpool present\n {2}ok {2}parent rpool\/data present\n {2}ok {2}room under rpool\/data: \S+ free, ~\S+ to send$/m,
  );
  assert.equal(guids('pve2').size, 0, 'a dry run sends nothing');
  const run = ok(['replicate', '301', '--to', 'pve2']);
  // Neither node is this machine and pve1 reaches pve2 by itself: the stream goes straight from node to node.
  assert.match(run.stdout, /sent straight from pve1 to pve2/);
  const src = guids('pve1');
  const dst = guids('pve2');
  assert.deepEqual([...dst].sort(), [...src].sort(), 'same names, same guids');
  // zfs-fuse mounts read-write whatever readonly says: its replica is kept unmounted (OpenZFS: readonly=on).
  assert.equal(prop('pve2', 'mounted', 'rpool/data/301'), 'no', 'the replica is not mounted, so nothing touches it');
  assert.equal(prop('pve2', 'canmount', 'rpool/data/301'), 'noauto');
  assert.equal(prop('pve2', 'lxcri:replica-of', 'rpool/data/301'), 'pve1:rpool/data/301');
  const tip = [...src.keys()].sort().at(-1)!;
  assert.equal(prop('pve1', 'userrefs', tip), '1', 'the base is held on the source');
  assert.equal(prop('pve2', 'userrefs', tip), '1', 'and on the replica');
  assert.equal(prop('pve1', 'lxcri:replicated', tip), 'pve2');
  // The checkpoints travel with their labels and kinds (send -p); the replica's marks are its own (it holds for pve1).
  assert.equal(prop('pve2', 'lxcri:label', tip), 'two');
  assert.equal(prop('pve2', 'lxcri:kind', tip), 'checkpoint');
  assert.equal(prop('pve2', 'lxcri:replicated', tip), 'pve1');
  assert.match(ok(['tree', '301']).stdout, /^replica on pve2: up to date \(replicated up to /m, 'the tree says where its replica stands');
});

test('a second replication sends only the increment: older snapshots keep their guid and createtxg on pve2, the hold moves; its ssh invocations are counted', (t) => {
  const before = new Map(snapshots('pve2').map(([n, g, t]) => [n!, `${g}/${t}`]));
  const oldBase = [...guids('pve1').keys()].sort().at(-1)!;
  write('pve1', 'rpool/data/301', 'three');
  checkpoint('three');
  const ssh = countingSsh();
  const r = cli(['replicate', '301', '--to', 'pve2'], ssh.env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 new checkpoint\(s\) after/);
  // The round trips of one incremental replicate, the CLI's whole run (finding the container, the lock, the journal,
  // both listings, the stream, the replica's marks, the holds, events.log): at most what they were cut to, so they
  // cannot silently grow back (every journal mark, zfs set, hold and release was once one of its own).
  const calls = ssh.calls();
  t.diagnostic(`ssh invocations of an incremental replicate: ${JSON.stringify(calls)}`);
  assert.ok((calls.pve1 ?? 0) <= PVE1_CALLS && (calls.pve2 ?? 0) <= PVE2_CALLS, `ssh invocations per node: ${JSON.stringify(calls)}`);
  // The replica is still marked whole after the increment (zfs-fuse mounts what it receives into: unmounted again).
  assert.equal(prop('pve2', 'mounted', 'rpool/data/301'), 'no');
  assert.equal(prop('pve2', 'canmount', 'rpool/data/301'), 'noauto');
  assert.equal(prop('pve2', 'lxcri:replica-of', 'rpool/data/301'), 'pve1:rpool/data/301');
  assert.equal(zfs('pve2', ['get', '-H', '-o', 'value,source', 'readonly', 'rpool/data/301']).trim(), 'on\tlocal');
  const after = new Map(snapshots('pve2').map(([n, g, t]) => [n!, `${g}/${t}`]));
  for (const [n, v] of before) assert.equal(after.get(n), v, `${n} kept its guid and createtxg`);
  assert.deepEqual([...guids('pve2')].sort(), [...guids('pve1')].sort());
  assert.equal(prop('pve1', 'userrefs', oldBase), '0', 'the old base is released on the source');
  assert.equal(prop('pve2', 'userrefs', oldBase), '0', 'and on the replica');
  assert.equal(prop('pve2', 'lxcri:replicated', oldBase), '-', 'its mark too, whatever the stream carried');
  const again = ok(['replicate', '301', '--to', 'pve2', '--dry-run']);
  assert.match(again.stdout, /up to date/);
});

test('the held base is refused by prune and delete, which say it is held', () => {
  const base = [...guids('pve1').keys()].sort().at(-1)!;
  const r = cli(['delete', '301', base.split('@')[1]!, '--yes']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /is held \(the base of the replication to pve2\)/);
  // Newer than the base: the base is no longer the newest, so only its hold keeps it from a prune.
  write('pve1', 'rpool/data/301', 'three and a half');
  checkpoint('after the base');
  const prune = cli(['prune', '301', '--max-snapshots', '1', '--dry-run']);
  assert.match(prune.stdout, /held \(the base of the replication to pve2\)/, prune.stdout + prune.stderr);
  assert.match(ok(['tree', '301']).stdout, /^replica on pve2: 1 checkpoint\(s\) behind/m);
  assert.equal(guids('pve1').has(base), true);
});

test('a branch restore on the source, then replicate: both lines are on pve2 with the same guids, nothing sent again in full', () => {
  const first = [...guids('pve1').keys()].sort()[0]!;
  const pre = new Map(snapshots('pve2').map(([, g, t]) => [g!, t!]));
  ok(['restore', '301', '--snapshot', first.split('@')[1]!, '--yes']);
  write('pve1', 'rpool/data/301', 'four');
  checkpoint('four');
  const dry = ok(['replicate', '301', '--to', 'pve2', '--dry-run']);
  assert.match(dry.stdout, /replay the branch restore/);
  assert.doesNotMatch(dry.stdout, /in full/);
  ok(['replicate', '301', '--to', 'pve2']);
  const src = guids('pve1');
  const dst = guids('pve2');
  assert.deepEqual([...dst].sort(), [...src].sort(), 'every snapshot of both lines, under the same names');
  // Older snapshots were not sent again: the same createtxg as before on the replica.
  for (const [, g, t] of snapshots('pve2')) if (pre.has(g!)) assert.equal(t, pre.get(g!), `guid ${g} kept its createtxg`);
  const branch = lines(zfs('pve2', ['list', '-H', '-o', 'name', '-r', 'rpool/data'])).find((d) => d.includes('lxcri-br-301-'));
  assert.ok(branch, 'the old line is a branch on the replica');
  assert.equal(prop('pve2', 'origin', branch), prop('pve1', 'origin', branch), 'a clone of the same snapshot');
});

test('a stream cut mid-send leaves the replica at its last snapshot and the holds where they were; the next replicate completes', () => {
  const mp = prop('pve1', 'mountpoint', 'rpool/data/301');
  on(cluster.node('pve1'), ['sh', '-c', 'head -c 24M /dev/urandom > "$1"/big', 'sh', mp]);
  checkpoint('big');
  const before = guids('pve2');
  const held = () => [...before.keys()].filter((n) => prop('pve2', 'userrefs', n) !== '0').sort();
  const heldBefore = held();
  // An `ssh` first in PATH that lets only the first MiB of a send through, then ends: the stream is cut mid-way.
  const bin = `${dir}/cut-bin`;
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    `${bin}/ssh`,
    ['#!/bin/sh', 'case "$*" in *"zfs send"*) /usr/bin/ssh "$@" | head -c 1048576; exit 1 ;; esac', 'exec /usr/bin/ssh "$@"', ''].join('\n'),
    { mode: 0o755 },
  );
  // Relayed through this machine (the cut happens in the console's own ssh); the node-to-node path is the others'.
  const relayConfig = `${dir}/relay-config.json`;
  writeFileSync(relayConfig, JSON.stringify({ ...clusterConfig(cluster, dir, `${dir}/node`), replication: { path: 'relay' } }));
  const cut = runCli(['replicate', '301', '--to', 'pve2', '--config', relayConfig], {
    XDG_RUNTIME_DIR: `${dir}/run`,
    PATH: `${bin}:${process.env.PATH ?? ''}`,
  });
  assert.notEqual(cut.status, 0, `the cut replication fails: ${cut.stdout}`);
  assert.match(cut.stderr, /^error: .*zfs (recv|send)/m);
  assert.deepEqual([...guids('pve2')].sort(), [...before].sort(), 'the replica is at its last snapshot');
  assert.deepEqual(held(), heldBefore, 'the holds did not move');
  const retry = runCli(['replicate', '301', '--to', 'pve2', '--config', relayConfig, '--progress'], { XDG_RUNTIME_DIR: `${dir}/run` });
  assert.equal(retry.status, 0, retry.stderr);
  // --progress (stderr is not a terminal here): a line per step, and the relayed stream's bytes (against the estimate
  // when there is one: zfs-fuse's for the newest snapshot can be 0, its `used`).
  assert.match(retry.stderr, /^replicate 301 to pve2: send -I \S+ \S+ \(\d+ snapshot\(s\)\) \(\d+s\)$/m);
  assert.match(retry.stderr, /^replicate 301 to pve2: \S+( of ~\S+ \(\d+%\))?, \S+\/s(, ~\S+ left)? \(\d+s\) - send -I \S+ \S+ \(\d+ snapshot\(s\)\)$/m);
  assert.match(retry.stdout, /replicated 301 to pve2: \d+ step\(s\), \S+ sent$/m, 'relayed: the bytes passed here and are counted');
  assert.deepEqual([...guids('pve2')].sort(), [...guids('pve1')].sort(), 'the retry completes the replica');
});

test('replicate --all --node pve1: every container of pve1, one after another; one refused (no common snapshot there) is said, the others done, exit 1', () => {
  zfs('pve1', ['create', 'rpool/data/302']);
  write('pve1', 'rpool/data/302', 'three-oh-two');
  ok(['checkpoint', 'pve1:302', '--label', 'first of 302']);
  // 303 exists on pve2 already, with a history of its own: nothing in common to go on from.
  zfs('pve1', ['create', 'rpool/data/303']);
  ok(['checkpoint', 'pve1:303']);
  zfs('pve2', ['create', 'rpool/data/303']);
  zfs('pve2', ['snapshot', 'rpool/data/303@elsewhere']);
  const r = cli(['replicate', '--all', '--node', 'pve1', '--to', 'pve2']);
  assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^replicated 302 to pve2: 1 step\(s\), \S+ sent/m);
  assert.match(r.stdout, /^2 of 3 container\(s\) replicated to pve2$/m);
  assert.match(r.stderr, /^replication of 303 to pve2 failed: .*rpool\/data\/303/m);
  assert.match(r.stderr, /^error: 1 of 3 replication\(s\) to pve2 failed: 303$/m);
  // Ground truth: 302's snapshots on pve2 by guid, 301 as current as pve1, 303 untouched there.
  assert.deepEqual([...guids('pve2', 'rpool/data/302')].sort(), [...guids('pve1', 'rpool/data/302')].sort());
  assert.deepEqual([...guids('pve2', 'rpool/data/301')].sort(), [...guids('pve1', 'rpool/data/301')].sort());
  assert.deepEqual([...guids('pve2', 'rpool/data/303').keys()], ['rpool/data/303@elsewhere']);
});

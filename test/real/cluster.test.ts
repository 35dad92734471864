import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { after, afterEach, before, test } from 'node:test';
import { clusterConfig, startCluster, type Cluster, type ClusterNode } from '../support/cluster.js';
import { runCli, type CliRun } from '../support/cli-process.js';

// The CLI over a two-node cluster (issue 10), on the harness of test/support/cluster.ts: each node its own zfs-fuse
// with its own `rpool` (base rpool/data) and its own sshd; the CLI runs here and reaches them through ssh with the
// cluster's ssh_config, as on a Proxmox cluster. Ground truth is read inside each node (node.exec), never only from
// the CLI's own answers.
//
// Each node also gets a dataset mounted at the same path, `<dir>/node`, holding the configured state_dir and
// journal_dir: the same path on every node (as one config file gives it) is a different directory on each, and on
// this machine a third one, so where a lock, journal or events.log line landed tells which node's files were used.

let cluster: Cluster;
let dir: string;
let configFile: string;
let runDir: string;
let wrapDir: string;
let sshLog: string;
const stopped = new Set<string>();

const node = (name: string) => cluster.node(name);
const lines = (text: string) => text.split('\n').filter(Boolean);

/** Runs argv inside the node; fails the test with its stderr when it fails. */
function on(n: ClusterNode, argv: string[]): string {
  const r = n.exec(argv);
  assert.equal(r.status, 0, `${n.name}: ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const zfs = (name: string, args: string[]) => on(node(name), ['zfs', ...args]);
const snapshots = (name: string) => lines(zfs(name, ['list', '-H', '-o', 'name', '-t', 'snapshot', '-r', 'rpool'])).sort();
const datasets = (name: string) => lines(zfs(name, ['list', '-H', '-o', 'name', '-r', 'rpool'])).sort();
const mountpoint = (name: string, dataset: string) => zfs(name, ['get', '-H', '-o', 'value', 'mountpoint', dataset]).trim();
/** A container by the dataset convention: `rpool/data/<id>` holding state.txt. */
function container(name: string, id: string, content: string): void {
  zfs(name, ['create', `rpool/data/${id}`]);
  write(name, `rpool/data/${id}`, content);
}
function write(name: string, dataset: string, content: string): void {
  on(node(name), ['sh', '-c', 'printf %s "$1" > "$2"', 'sh', content, `${mountpoint(name, dataset)}/state.txt`]);
}
const read = (name: string, dataset: string) => on(node(name), ['cat', `${mountpoint(name, dataset)}/state.txt`]);
/** A file as the node sees it (undefined when absent). */
function fileOn(name: string, path: string): string | undefined {
  const r = node(name).exec(['cat', path]);
  return r.status === 0 ? r.stdout : undefined;
}
const filesOn = (name: string, path: string) => lines(node(name).exec(['sh', '-c', 'ls -1A "$1" 2>/dev/null || true', 'sh', path]).stdout);

/** The CLI with the cluster's config and a private runtime dir (its own ssh sockets and learned reads). */
function cli(args: string[], opts: { runtime?: string; config?: string; env?: Record<string, string> } = {}): CliRun {
  return runCli([...args, '--config', opts.config ?? configFile], { XDG_RUNTIME_DIR: opts.runtime ?? runDir, ...opts.env });
}
/** The same, in the background (so a test can act while it runs). */
function cliAsync(args: string[], opts: { runtime?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args, '--config', configFile], {
      env: { ...process.env, XDG_RUNTIME_DIR: opts.runtime ?? runDir, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

interface ListJson {
  nodes: Array<{ name: string; reachable: boolean; flavour?: string; error?: string }>;
  containers: Array<{ id: string; node: string; ref: string; dataset: string; checkpoints: number }>;
}
function listJson(opts: Parameters<typeof cli>[1] = {}): { run: CliRun; json: ListJson } {
  const run = cli(['list', '--json'], opts);
  assert.equal(run.status, 0, run.stderr);
  return { run, json: JSON.parse(run.stdout) as ListJson };
}
const refs = (json: ListJson) => json.containers.map((c) => [c.ref, c.node, c.id]).sort((a, b) => a.join().localeCompare(b.join()));

/** A fresh private runtime dir and an empty ssh log. */
function freshRuntime(tag: string): string {
  const path = `${dir}/run-${tag}`;
  mkdirSync(path, { recursive: true, mode: 0o700 });
  writeFileSync(sshLog, '');
  return path;
}
/** The ssh destinations the wrapper saw since the log was emptied, counted per node. */
function sshCalls(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of lines(readFileSync(sshLog, 'utf8'))) counts[d] = (counts[d] ?? 0) + 1;
  return counts;
}
/** The environment that puts the counting `ssh` first in PATH. */
let withWrapper: Record<string, string>;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Commands of the processes that live in the node's mount namespace. */
function commandsIn(n: ClusterNode): string[] {
  const ns = readlinkSync(`/proc/${n.privateZfs.nsPid}/ns/mnt`);
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/mnt`) === ns) out.push(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function killSshd(name: string) {
  cluster.killSshd(name);
  stopped.add(name);
}
function startSshd(name: string) {
  cluster.startSshd(name);
  stopped.delete(name);
}

before(() => {
  cluster = startCluster(['pve1', 'pve2']);
  // The cluster's own directory: stop() removes it, and so does the harness's sweep after a test process that died.
  // (Its runtime dirs are too long for ssh's `%C` socket names: the CLI's shorter names of its own are used.)
  dir = cluster.dir;
  mkdirSync(`${dir}/node`, { recursive: true });
  for (const n of cluster.nodes) on(n, ['zfs', 'create', '-o', `mountpoint=${dir}/node`, 'rpool/lxcri']);
  runDir = `${dir}/run`;
  mkdirSync(runDir, { mode: 0o700 });
  // An `ssh` earlier in PATH that notes each invocation's destination (the argument after `--`), then is ssh.
  wrapDir = `${dir}/bin`;
  sshLog = `${dir}/ssh.log`;
  mkdirSync(wrapDir);
  writeFileSync(
    `${wrapDir}/ssh`,
    [
      '#!/bin/sh',
      'prev=; dest=',
      'for a in "$@"; do if [ "$prev" = "--" ]; then dest=$a; break; fi; prev=$a; done',
      `printf '%s\\n' "$dest" >> '${sshLog}'`,
      'exec /usr/bin/ssh "$@"',
      '',
    ].join('\n'),
  );
  chmodSync(`${wrapDir}/ssh`, 0o755);
  writeFileSync(sshLog, '');
  withWrapper = { PATH: `${wrapDir}:${process.env.PATH ?? ''}` };
  configFile = `${dir}/config.json`;
  writeFileSync(configFile, JSON.stringify(clusterConfig(cluster, dir, `${dir}/node`)));
  container('pve1', '101', 'one-o-one');
  container('pve2', '201', 'v1');
});

after(() => {
  try {
    for (const n of cluster?.nodes ?? []) n.privateZfs.resume();
  } finally {
    cluster?.stop();
  }
});

// A test that stopped a node's sshd has it started again, whatever happened: the next tests need both nodes.
afterEach(() => {
  for (const name of [...stopped]) startSshd(name);
});

test('list --json over two nodes: every container with its node, a unique id is its own ref', () => {
  const { run, json } = listJson();
  assert.deepEqual(
    json.nodes.map((n) => [n.name, n.reachable, n.error]),
    [
      ['pve1', true, undefined],
      ['pve2', true, undefined],
    ],
  );
  for (const n of json.nodes) assert.equal(n.flavour, 'zfs-fuse', `${n.name} is probed: ${JSON.stringify(n)}`);
  assert.deepEqual(refs(json), [
    ['101', 'pve1', '101'],
    ['201', 'pve2', '201'],
  ]);
  // What each node's own zfs says is there.
  assert.ok(datasets('pve1').includes('rpool/data/101') && !datasets('pve1').includes('rpool/data/201'));
  assert.ok(datasets('pve2').includes('rpool/data/201') && !datasets('pve2').includes('rpool/data/101'));
  assert.equal(json.containers.find((c) => c.id === '201')!.dataset, 'rpool/data/201');
  assert.equal(run.stderr, '', 'no warning when every node answered');

  // The table names the node of each row.
  const text = cli(['list']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^ID\s+NODE\s+NAME/m);
  assert.match(text.stdout, /^101\s+pve1\s+101\s/m);
  assert.match(text.stdout, /^201\s+pve2\s+201\s/m);

  // --node limits the listing to one node.
  const only = cli(['list', '--json', '--node', 'pve2']);
  assert.equal(only.status, 0, only.stderr);
  assert.deepEqual(
    (JSON.parse(only.stdout) as ListJson).containers.map((c) => c.id),
    ['201'],
  );
});

test('the same id on both nodes: refs pve1:300 and pve2:300; a bare 300 is refused naming both, nothing is made', () => {
  container('pve1', '300', 'on pve1');
  container('pve2', '300', 'on pve2');
  const { json } = listJson();
  assert.deepEqual(refs(json), [
    ['101', 'pve1', '101'],
    ['201', 'pve2', '201'],
    ['pve1:300', 'pve1', '300'],
    ['pve2:300', 'pve2', '300'],
  ]);
  const before = { pve1: snapshots('pve1'), pve2: snapshots('pve2') };

  const bare = cli(['checkpoint', '300']);
  assert.equal(bare.status, 2, bare.stderr);
  assert.match(bare.stderr, /container 300 exists on several nodes \(pve1, pve2\)/);
  assert.match(bare.stderr, /pve1:300 or pve2:300/);
  assert.deepEqual({ pve1: snapshots('pve1'), pve2: snapshots('pve2') }, before, 'no snapshot made anywhere');

  // Named with its node, it is that node's container only.
  const one = cli(['checkpoint', 'pve2:300', '--json']);
  assert.equal(one.status, 0, one.stderr);
  const snap = (JSON.parse(one.stdout) as { checkpoints: Array<{ snapshot: string }> }).checkpoints[0]!.snapshot;
  assert.match(snap, /^rpool\/data\/300@checkpoint-\d+$/);
  assert.deepEqual(snapshots('pve2'), [...before.pve2, snap].sort());
  assert.deepEqual(snapshots('pve1'), before.pve1, 'pve1:300 untouched');
  assert.deepEqual(cli(['tree', 'pve1:300', '--json']).status, 0, 'a qualified ref reads that node: its tree exists (and has no checkpoint)');
});

test('checkpoint and branch restore of a container on the remote node pve2: its pool changes, pve1 does not', () => {
  const pve1Before = { snaps: snapshots('pve1'), ds: datasets('pve1') };
  const checkpoint = (label?: string) => {
    const r = cli(['checkpoint', '201', ...(label ? ['--label', label] : []), '--json']);
    assert.equal(r.status, 0, r.stderr);
    return (JSON.parse(r.stdout) as { checkpoints: Array<{ name: string; snapshot: string }> }).checkpoints[0]!;
  };
  const cp1 = checkpoint('before upgrade');
  assert.match(cp1.snapshot, /^rpool\/data\/201@checkpoint-\d+(-\d+)?$/);
  assert.ok(snapshots('pve2').includes(cp1.snapshot), 'the snapshot is on pve2');
  assert.equal(zfs('pve2', ['get', '-H', '-o', 'value', 'lxcri:label', cp1.snapshot]).trim(), 'before upgrade');
  assert.equal(zfs('pve2', ['get', '-H', '-o', 'value', 'lxcri:kind', cp1.snapshot]).trim(), 'checkpoint');
  write('pve2', 'rpool/data/201', 'v2');
  const cp2 = checkpoint();
  write('pve2', 'rpool/data/201', 'v3-live');
  const pve2Snaps = snapshots('pve2');
  assert.ok(pve2Snaps.includes(cp2.snapshot));

  const r = cli(['restore', '201', '--snapshot', cp1.name, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const { executed, result } = JSON.parse(r.stdout) as { executed: boolean; result: { mode: string; branchDataset: string; safetySnapshot: string } };
  assert.equal(executed, true);
  assert.equal(result.mode, 'branch');
  assert.equal(read('pve2', 'rpool/data/201'), 'v1', "the container's dataset holds the checkpoint's state");
  assert.equal(read('pve2', result.branchDataset), 'v3-live', 'the former live state is kept on the branch');
  assert.ok(datasets('pve2').includes(result.branchDataset), 'the branch dataset is on pve2');
  // Every checkpoint is still there (cp2 moved with the former line to the branch), plus the safety snapshot.
  const names = (list: string[]) => list.map((s) => s.split('@')[1]).sort();
  assert.deepEqual(names(snapshots('pve2')), names([...pve2Snaps, result.safetySnapshot]));
  assert.deepEqual({ snaps: snapshots('pve1'), ds: datasets('pve1') }, pve1Before, 'nothing changed on pve1');

  // The tree, read over ssh, shows both lines with NOW on the restored one.
  const tree = cli(['tree', '201', '--json']);
  assert.equal(tree.status, 0, tree.stderr);
  const t = JSON.parse(tree.stdout) as { nodes: Array<{ name: string; active: boolean; dataset?: string }>; branches: unknown[] };
  assert.equal(t.branches.length, 2);
  assert.ok(t.nodes.some((n) => n.name === cp1.name) && t.nodes.some((n) => n.name === cp2.name));
  assert.equal(t.nodes.find((n) => n.active)?.dataset, 'rpool/data/201');
});

test('prune of a container on pve2 destroys exactly the planned checkpoints there, and nothing on pve1', () => {
  container('pve2', '202', 'p');
  // One checkpoint by the CLI, three more as it makes them (lxcri:kind=checkpoint), older by their names.
  assert.equal(cli(['checkpoint', '202']).status, 0);
  for (let i = 0; i < 3; i++) zfs('pve2', ['snapshot', '-o', 'lxcri:kind=checkpoint', `rpool/data/202@checkpoint-${1_700_000_000 + i}`]);
  const mine = () => snapshots('pve2').filter((s) => s.startsWith('rpool/data/202@'));
  assert.equal(mine().length, 4);
  const pve1Before = snapshots('pve1');

  const dry = cli(['prune', '202', '--max-snapshots', '1', '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.equal(mine().length, 4, '--dry-run destroys nothing');

  const before = { all: snapshots('pve2'), mine: mine() };
  const r = cli(['prune', '202', '--max-snapshots', '1', '--yes', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    executed: boolean;
    plans: Array<{ items: Array<{ action: string; snapshot: string }> }>;
    results: Array<{ results: Array<{ status: string; snapshot: string }> }>;
  };
  assert.equal(out.executed, true);
  const planned = out.plans[0]!.items.filter((i) => i.action === 'prune').map((i) => i.snapshot);
  assert.equal(planned.length, 3);
  assert.deepEqual(
    out.results[0]!.results.map((x) => x.status),
    ['destroyed', 'destroyed', 'destroyed'],
  );
  const gone = before.all.filter((s) => !snapshots('pve2').includes(s));
  assert.deepEqual(gone.sort(), planned.sort(), 'exactly the planned snapshots are gone from pve2');
  assert.deepEqual(
    mine(),
    before.mine.filter((s) => !planned.includes(s)),
  );
  assert.equal(mine().length, 1, 'one is kept');
  assert.deepEqual(snapshots('pve1'), pve1Before, 'nothing changed on pve1');
});

test("an operation on pve2 keeps its lock, journal and events.log line in pve2's state dir, not here nor on pve1", () => {
  container('pve2', '203', 's');
  const r = cli(['checkpoint', '203', '--label', 'where']);
  assert.equal(r.status, 0, r.stderr);
  const events = (text: string | undefined) =>
    lines(text ?? '')
      .map((l) => JSON.parse(l) as { operation: string; target: string; result: string })
      .filter((e) => e.target === '203');
  const path = `${dir}/node/state/runtime/events.log`;
  assert.deepEqual(
    events(fileOn('pve2', path)).map((e) => [e.operation, e.result]),
    [['checkpoint', 'ok']],
    "the events.log line is in pve2's state dir",
  );
  assert.deepEqual(events(fileOn('pve1', path)), [], "and not in pve1's");
  assert.deepEqual(events(existsSync(path) ? readFileSync(path, 'utf8') : undefined), [], "nor in this machine's");
  // The lock was taken and released there (no lock file left), and the journal finished (no entry left).
  assert.deepEqual(
    filesOn('pve2', `${dir}/node/state/locks`).filter((f) => !f.startsWith('.')),
    [],
  );
  assert.deepEqual(filesOn('pve2', `${dir}/node/journal`), []);
});

test('bad node names and ssh destinations are refused before ssh runs (no ssh invocation, no ProxyCommand)', () => {
  const marker = `/tmp/lxcri-proxycommand-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const base = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  const bad = (nodes: unknown, file: string) => {
    const path = `${dir}/${file}.json`;
    writeFileSync(path, JSON.stringify({ ...base, nodes }));
    return path;
  };
  const runtime = freshRuntime('bad');
  const cases: Array<{ what: string; config: string; args?: string[]; message: RegExp }> = [
    { what: 'ProxyCommand as destination', config: bad([{ name: 'pve1', ssh: `-oProxyCommand=touch ${marker}` }], 'bad1'), message: /invalid ssh destination/ },
    { what: 'space in destination', config: bad([{ name: 'pve1', ssh: 'a b' }], 'bad2'), message: /invalid ssh destination/ },
    { what: '; in destination', config: bad([{ name: 'pve1', ssh: 'a;b' }], 'bad3'), message: /invalid ssh destination/ },
    {
      what: 'ProxyCommand after a user',
      config: bad([{ name: 'pve1', ssh: `root@-oProxyCommand=touch ${marker}` }], 'bad4'),
      message: /invalid ssh destination/,
    },
    { what: 'option as node name', config: bad([{ name: `-oProxyCommand=touch ${marker}`, ssh: 'pve1' }], 'bad5'), message: /invalid node name/ },
    { what: '; in node name', config: bad([{ name: 'a;b', ssh: 'pve1' }], 'bad6'), message: /invalid node name/ },
    { what: 'space in node name', config: bad([{ name: 'a b', ssh: 'pve1' }], 'bad7'), message: /invalid node name/ },
    { what: '--node a;b', config: configFile, args: ['--node', 'a;b'], message: /invalid node name "a;b"/ },
    { what: '--node with ProxyCommand', config: configFile, args: [`--node=-oProxyCommand=touch ${marker}`], message: /invalid node name/ },
  ];
  for (const c of cases) {
    const r = cli(['list', ...(c.args ?? [])], { config: c.config, runtime, env: withWrapper });
    assert.equal(r.status, 2, `${c.what}: ${r.stderr}`);
    assert.match(r.stderr, c.message, c.what);
    assert.deepEqual(sshCalls(), {}, `${c.what}: ssh never ran`);
  }
  // A container ref naming a bad node, and a pmxcfs node list with a hostile ip or name.
  const ref = cli(['checkpoint', 'a;b:201'], { runtime, env: withWrapper });
  assert.equal(ref.status, 2, ref.stderr);
  assert.match(ref.stderr, /invalid node name "a;b"/);
  // Without an ssh_config, pmxcfs's ip is the destination (root@<ip>); with one, the node's name is.
  const members = (nodelist: Record<string, unknown>, file: string) => {
    writeFileSync(`${dir}/${file}.members`, JSON.stringify({ nodename: 'pve1', version: 1, nodelist }));
    const { nodes: _nodes, ssh_config: _sshConfig, ...rest } = base;
    const path = `${dir}/${file}.json`;
    writeFileSync(path, JSON.stringify({ ...rest, pve: { ...(base.pve as object), members: `${dir}/${file}.members` } }));
    return path;
  };
  for (const [what, config] of [
    [
      'hostile ip in .members',
      members({ pve1: { id: 1, online: 1, ip: '127.0.0.1' }, pve2: { id: 2, online: 1, ip: `-oProxyCommand=touch ${marker}` } }, 'm1'),
    ],
    ['hostile name in .members', members({ pve1: { id: 1, online: 1, ip: '127.0.0.1' }, 'x;touch': { id: 2, online: 1, ip: '127.0.0.1' } }, 'm2')],
  ] as const) {
    const r = cli(['list'], { config, runtime, env: withWrapper });
    assert.equal(r.status, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, /invalid (ssh destination|node name)/, what);
  }
  assert.deepEqual(sshCalls(), {}, 'ssh never ran');
  assert.ok(!existsSync(marker), 'no ProxyCommand ran');
});

test('one ssh invocation per node per refresh: a second list runs every learned read in one round trip each', (t) => {
  const runtime = freshRuntime('count');
  const first = cli(['list', '--json'], { runtime, env: withWrapper });
  assert.equal(first.status, 0, first.stderr);
  const learning = sshCalls();
  t.diagnostic(`first list (learning the reads): ssh invocations ${JSON.stringify(learning)}`);
  writeFileSync(sshLog, '');
  const second = cli(['list', '--json'], { runtime, env: withWrapper });
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(sshCalls(), { pve1: 1, pve2: 1 }, `first run (learning): ${JSON.stringify(learning)}`);
  // The same answer as the first run, read in one round trip.
  assert.deepEqual(refs(JSON.parse(second.stdout) as ListJson), refs(JSON.parse(first.stdout) as ListJson));
  // The reads were learned by the first process and kept for the next one.
  assert.ok(existsSync(`${runtime}/lxcri-console-ssh-0/reads-pve1.json`) && existsSync(`${runtime}/lxcri-console-ssh-0/reads-pve2.json`));

  // pool reads every node the same way.
  writeFileSync(sshLog, '');
  assert.equal(cli(['pool', '--json'], { runtime, env: withWrapper }).status, 0);
  writeFileSync(sshLog, '');
  const pool = cli(['pool', '--json'], { runtime, env: withWrapper });
  assert.equal(pool.status, 0, pool.stderr);
  assert.deepEqual(sshCalls(), { pve1: 1, pve2: 1 });
  assert.deepEqual(
    (JSON.parse(pool.stdout) as { pools: Array<{ node: string; name: string }> }).pools.map((p) => [p.node, p.name]),
    [
      ['pve1', 'rpool'],
      ['pve2', 'rpool'],
    ],
  );
});

test('a node that goes away: list answers with the other node, names the missing one, exit 1 only when none answers', () => {
  killSshd('pve2');
  const { run, json } = listJson();
  const pve2 = json.nodes.find((n) => n.name === 'pve2')!;
  assert.equal(pve2.reachable, false);
  assert.match(pve2.error ?? '', /Connection refused/, "ssh's own reason");
  assert.equal(json.nodes.find((n) => n.name === 'pve1')!.reachable, true);
  assert.deepEqual(
    json.containers.map((c) => [c.node, c.id]).sort(),
    lines(zfs('pve1', ['list', '-H', '-o', 'name', '-d', '1', 'rpool/data']))
      .filter((d) => d !== 'rpool/data')
      .map((d) => ['pve1', d.split('/').at(-1)!])
      .sort(),
    "pve1's containers, as its zfs lists them",
  );
  assert.ok(
    json.containers.every((c) => c.ref === c.id),
    "pve2's 300 is not listed, so pve1's 300 is unique among the answers",
  );
  assert.match(run.stderr, /^warning: node pve2 did not answer: .*Connection refused/m);
  // A command for a container on pve2 says where it could be.
  const ckp = cli(['checkpoint', '201']);
  assert.equal(ckp.status, 1, ckp.stderr);
  assert.match(ckp.stderr, /container 201 not found on the reachable nodes \(unreachable: pve2\)/);
  const direct = cli(['checkpoint', 'pve2:201']);
  assert.equal(direct.status, 1, direct.stderr);
  assert.match(direct.stderr, /node pve2 is unreachable: .*Connection refused/);

  killSshd('pve1');
  const none = cli(['list', '--json']);
  assert.equal(none.status, 1, none.stderr);
  assert.match(none.stderr, /error: no node answered: pve1 \(.*Connection refused.*\); pve2 \(.*Connection refused.*\)/);

  startSshd('pve1');
  startSshd('pve2');
  const back = listJson();
  assert.deepEqual(
    back.json.nodes.map((n) => n.reachable),
    [true, true],
  );
  assert.equal(back.run.stderr, '');
});

test('a node that goes away in the middle of a refresh: its ssh session ends, the other node is listed', async (t) => {
  const runtime = freshRuntime('mid');
  assert.equal(cli(['list'], { runtime }).status, 0, 'reads learned: the next refresh is one round trip per node');
  const n2 = node('pve2');
  // pve2's zfs stops answering: the refresh's round trip to pve2 waits in a `zfs` command until the sshd goes.
  n2.privateZfs.pause();
  try {
    const running = cliAsync(['list', '--json'], { runtime });
    const deadline = Date.now() + 30_000;
    while (!commandsIn(n2).includes('zfs')) {
      assert.ok(Date.now() < deadline, `no zfs command started on pve2 (${commandsIn(n2).join(' ')})`);
      await sleep(50);
    }
    const waiting = commandsIn(n2);
    assert.ok(waiting.includes('sshd'), 'the round trip is in an ssh session');
    killSshd('pve2');
    const r = await running;
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout) as ListJson;
    const pve2 = json.nodes.find((n) => n.name === 'pve2')!;
    assert.equal(pve2.reachable, false);
    assert.ok(pve2.error, 'with a reason');
    t.diagnostic(`pve2 reported as: ${pve2.error}`);
    assert.match(r.stderr, /^warning: node pve2 did not answer: /m);
    assert.deepEqual(
      json.nodes.find((n) => n.name === 'pve1'),
      { name: 'pve1', reachable: true, flavour: 'zfs-fuse' },
    );
    assert.ok(json.containers.some((c) => c.node === 'pve1' && c.id === '101'));
    assert.ok(!json.containers.some((c) => c.node === 'pve2'));
  } finally {
    n2.privateZfs.resume();
    if (stopped.has('pve2')) startSshd('pve2');
  }
  const back = listJson({ runtime });
  assert.deepEqual(
    back.json.nodes.map((n) => n.reachable),
    [true, true],
  );
});

test('a node that hangs: list gives it up after the timeout, lists the other node and exits at once', () => {
  const config = `${dir}/config-short.json`;
  // The node's refresh may take connect_timeout + runner.timeout_seconds = 5 s.
  writeFileSync(
    config,
    JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), runner: { timeout_seconds: 3 }, ssh: { connect_timeout_seconds: 2 } }),
  );
  const runtime = freshRuntime('hang');
  for (const learned of [false, true]) {
    if (learned) assert.equal(cli(['list'], { config, runtime }).status, 0, 'reads learned: the next refresh is one round trip per node');
    const n2 = node('pve2');
    n2.privateZfs.pause();
    try {
      const started = Date.now();
      const r = cli(['list', '--json'], { config, runtime });
      const ms = Date.now() - started;
      // Over a shared connection a killed ssh left its output to the master, and the CLI waited as long as the node.
      assert.notEqual(r.status, null, `the CLI ended by itself (${r.signal ?? ''})`);
      assert.ok(ms < 20_000, `learned ${learned}: the CLI took ${ms} ms`);
      assert.equal(r.status, 0, r.stderr);
      const json = JSON.parse(r.stdout) as ListJson;
      const pve2 = json.nodes.find((n) => n.name === 'pve2')!;
      assert.equal(pve2.reachable, false);
      assert.match(pve2.error ?? '', /no answer within 5 s|timed out after 3\.0 s/);
      assert.ok(json.containers.some((c) => c.node === 'pve1' && c.id === '101'));
      assert.match(r.stderr, /^warning: node pve2 did not answer: /m);
    } finally {
      n2.privateZfs.resume();
    }
  }
  const back = listJson({ config, runtime });
  assert.deepEqual(
    back.json.nodes.map((n) => n.reachable),
    [true, true],
    'the node answers again once it does',
  );
});

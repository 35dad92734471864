import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startCluster, type Cluster } from '../support/cluster.js';
import { hostDaemonPid } from '../support/private-zfs.js';

// The multi-node harness itself (test/support/cluster.ts, issue 10): two nodes, each a private zfs-fuse namespace
// with its own `rpool` and its own sshd, reached with `ssh -F <ssh_config> <node>` as the console would.
let cluster: Cluster;
let startMs: number;
let hostPid: number;
let hostPools: string[];

const node = (name: string) => cluster.node(name);
const names = (out: string) => out.split('\n').filter(Boolean);
const hostZfs = (tool: 'zfs' | 'zpool', args: string[]) => execFileSync(tool, args, { encoding: 'utf8', timeout: 30_000 });

before(() => {
  hostPid = hostDaemonPid() ?? assert.fail("the machine's zfs-fuse is not running (scripts/setup-host.sh starts it)");
  hostPools = names(hostZfs('zpool', ['list', '-H', '-o', 'name,guid']));
  const started = Date.now();
  cluster = startCluster(['pve1', 'pve2'], { size: '64M' });
  startMs = Date.now() - started;
});
after(() => cluster?.stop());

/** A process that still runs (a zombie waiting for init to reap it counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Running processes whose mount namespace is `ns`. */
function processesIn(ns: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/ns/mnt`) === ns && running(pid);
      } catch {
        return false;
      }
    });
}

test('two nodes start within a few seconds, each with rpool/data and its sshd on its own port', (t) => {
  t.diagnostic(`startCluster(2 nodes): ${startMs} ms`);
  assert.ok(startMs < 15_000, `starting 2 nodes took ${startMs} ms`);
  assert.deepEqual(
    cluster.nodes.map((n) => [n.name, n.pool, n.base]),
    [
      ['pve1', 'rpool', 'rpool/data'],
      ['pve2', 'rpool', 'rpool/data'],
    ],
  );
  assert.notEqual(node('pve1').port, node('pve2').port);
  for (const n of cluster.nodes) {
    assert.ok(n.sshdPid !== undefined && running(n.sshdPid), `${n.name} has an sshd`);
    // The sshd lives inside the node's namespace, not the host's.
    assert.equal(readlinkSync(`/proc/${n.sshdPid}/ns/mnt`), readlinkSync(`/proc/${n.privateZfs.nsPid}/ns/mnt`));
    assert.notEqual(readlinkSync(`/proc/${n.sshdPid}/ns/mnt`), readlinkSync('/proc/self/ns/mnt'));
  }
});

test('ssh -F <ssh_config> pve1 -- zpool list prints rpool: a non-interactive root shell with the real zfs tools', () => {
  for (const name of ['pve1', 'pve2']) {
    const r = spawnSync('ssh', ['-F', cluster.sshConfig, name, '--', 'zpool', 'list', '-H', '-o', 'name'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'rpool\n');
    assert.equal(r.stderr, '', 'no host key prompt or warning');
  }
  const who = cluster.ssh('pve1', ['sh', '-c', 'id -u; command -v zfs; command -v zpool']);
  assert.equal(who.status, 0, who.stderr);
  assert.deepEqual(names(who.stdout), ['0', '/usr/sbin/zfs', '/usr/sbin/zpool']);
  // Arguments arrive as given (quoted for the remote shell).
  const args = cluster.ssh('pve2', ['printf', '%s|', 'a b', "it's", '$HOME', '*']);
  assert.equal(args.stdout, "a b|it's|$HOME|*|");
});

test('each node has its own rpool: a dataset made over ssh on pve1 is absent on pve2 and on the host', () => {
  const made = cluster.ssh('pve1', ['zfs', 'create', 'rpool/data/subvol-100-disk-0']);
  assert.equal(made.status, 0, made.stderr);
  const list = ['zfs', 'list', '-H', '-o', 'name', '-r', 'rpool'];
  assert.deepEqual(names(cluster.ssh('pve1', list).stdout), ['rpool', 'rpool/data', 'rpool/data/subvol-100-disk-0']);
  assert.deepEqual(names(cluster.ssh('pve2', list).stdout), ['rpool', 'rpool/data']);
  // Ground truth without ssh, inside each namespace.
  assert.deepEqual(names(node('pve1').exec(list).stdout), ['rpool', 'rpool/data', 'rpool/data/subvol-100-disk-0']);
  assert.deepEqual(names(node('pve2').exec(list).stdout), ['rpool', 'rpool/data']);
  assert.ok(!names(hostZfs('zfs', ['list', '-H', '-o', 'name'])).includes('rpool/data/subvol-100-disk-0'), "the host's zfs does not see it");
  // Data written on pve2 stays on pve2.
  node('pve2').privateZfs.container('200', 'on pve2');
  assert.equal(cluster.ssh('pve2', ['cat', `${node('pve2').privateZfs.mountpoint}/data/200/state.txt`]).stdout, 'on pve2');
  assert.notEqual(cluster.ssh('pve1', ['test', '-e', `${node('pve2').privateZfs.mountpoint}/data/200/state.txt`]).status, 0);
});

test("host keys are checked strictly: pve1's key is not accepted under the alias pve2", () => {
  const r = spawnSync('ssh', ['-F', cluster.sshConfig, '-o', 'HostKeyAlias=pve2', 'pve1', '--', 'true'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 255);
  assert.match(r.stderr, /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/);
});

test('a node goes away when its sshd is killed (ssh exits 255, Connection refused) and comes back', () => {
  const before = node('pve2').sshdPid;
  cluster.killSshd('pve2');
  assert.equal(node('pve2').sshdPid, undefined);
  assert.ok(before !== undefined && !running(before), 'the old sshd is gone');
  const gone = cluster.ssh('pve2', ['zfs', 'list']);
  assert.equal(gone.status, 255);
  assert.match(gone.stderr, /Connection refused/);
  // The other node still answers, and the node's ZFS is still there (only its sshd went away).
  const other = cluster.ssh('pve1', ['zpool', 'list', '-H', '-o', 'name']);
  assert.equal(other.status, 0, other.stderr);
  assert.equal(other.stdout, 'rpool\n');
  assert.equal(node('pve2').exec(['zpool', 'list', '-H', '-o', 'name']).stdout, 'rpool\n');

  cluster.startSshd('pve2');
  const back = cluster.ssh('pve2', ['zfs', 'list', '-H', '-o', 'name', 'rpool/data/200']);
  assert.equal(back.status, 0, back.stderr);
  assert.equal(back.stdout, 'rpool/data/200\n');
});

test('membersFile writes a pmxcfs .members listing the nodes at 127.0.0.1', () => {
  const file = cluster.membersFile({ local: 'pve2', offline: ['pve1'] });
  const members = JSON.parse(readFileSync(file, 'utf8')) as {
    nodename: string;
    cluster: { nodes: number; quorate: number };
    nodelist: Record<string, { id: number; online: number; ip: string }>;
  };
  assert.equal(members.nodename, 'pve2');
  assert.equal(members.cluster.nodes, 2);
  assert.deepEqual(members.nodelist, { pve1: { id: 1, online: 0, ip: '127.0.0.1' }, pve2: { id: 2, online: 1, ip: '127.0.0.1' } });
  assert.throws(() => cluster.membersFile({ local: 'pve9' }), /no node "pve9"/);
});

test('node names are validated', () => {
  assert.throws(() => startCluster(['pve1', 'pve1']), /duplicate/);
  assert.throws(() => startCluster(['../x']), /bad node name/);
  assert.throws(() => startCluster([]), /no node names/);
});

test("stop leaves no process, namespace or file behind, and the host's pools are untouched", () => {
  const pids = cluster.nodes.flatMap((n) => [n.sshdPid!, n.privateZfs.daemonPid()!, n.privateZfs.nsPid]);
  assert.ok(pids.every((p) => p !== undefined && running(p)));
  const namespaces = cluster.nodes.map((n) => readlinkSync(`/proc/${n.privateZfs.nsPid}/ns/mnt`));
  const dirs = [cluster.dir, ...cluster.nodes.map((n) => n.privateZfs.dir)];
  const ports = cluster.nodes.map((n) => n.port);

  const started = Date.now();
  cluster.stop();
  const stopMs = Date.now() - started;
  cluster.stop(); // safe twice

  assert.deepEqual(
    pids.filter((p) => running(p)),
    [],
    `stop took ${stopMs} ms`,
  );
  for (const ns of namespaces) assert.deepEqual(processesIn(ns), [], `nothing left in ${ns}`);
  for (const dir of dirs) assert.ok(!existsSync(dir), `${dir} removed`);
  const refused = spawnSync('ssh', ['-F', '/dev/null', '-o', 'BatchMode=yes', '-p', String(ports[0]), 'root@127.0.0.1', 'true'], { encoding: 'utf8' });
  assert.equal(refused.status, 255);

  assert.equal(hostDaemonPid(), hostPid, "the machine's zfs-fuse kept its pid");
  // Every pool the host had is still there (same guid) and no rpool appeared. Other test processes on this machine
  // may add or remove their own lxt* pools meanwhile, so the list is compared by what this test could have changed.
  const pools = names(hostZfs('zpool', ['list', '-H', '-o', 'name,guid']));
  assert.deepEqual(
    hostPools.filter((p) => !pools.includes(p)),
    [],
    "the host's pools are untouched",
  );
  assert.equal(
    pools.some((p) => p.startsWith('rpool\t')),
    hostPools.some((p) => p.startsWith('rpool\t')),
    'no rpool on the host',
  );
});

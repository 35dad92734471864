// A Proxmox-like cluster of several nodes on this one machine, reached over real SSH (issue 10).
// Recipe and facts: /work/shared/reference/cluster.md, "A multi-node harness on one machine".
//
// - A node is a private ZFS node (test/support/private-zfs.ts): its own mount namespace with its own zfs-fuse daemon
//   and a pool named `rpool` (as on Proxmox) with the base dataset `rpool/data` (`node.base`). Every node has its own
//   `rpool`; none of them is visible to the machine's own zfs-fuse, whose pools stay untouched.
// - Each node runs its own sshd inside that namespace (nsenter), listening on 127.0.0.1:<node.port>, with its own host
//   key, a throwaway client key in its AuthorizedKeysFile, root login by key only, no PAM. A login there is a root
//   shell whose PATH has /usr/sbin: `zfs`/`zpool` are the real tools and talk to the node's daemon, because /run/zfs
//   (the daemon's socket) is private to the namespace.
// - Reach a node as a product would: `ssh -F <cluster.sshConfig> <name> -- zfs list` (non-interactive: BatchMode, the
//   node's host key pre-seeded in a known_hosts under the alias <name>, StrictHostKeyChecking yes), or with
//   `cluster.ssh(name, argv)`. Ground truth without SSH: `node.exec(argv)` runs inside the namespace by nsenter, and
//   `node.privateZfs` is the whole private-zfs node (zfs/zpool/path/stop/pause...).
// - `killSshd(name)` makes the node go away (its sshd and open sessions end: ssh exits 255, "Connection refused");
//   `startSshd(name)` brings it back on the same port with the same host key.
// - `membersFile()` writes a fake /etc/pve/.members (node discovery) listing the nodes at 127.0.0.1.
// - Cleanup: call `cluster.stop()` in `after` (safe twice). It ends each sshd by its pidfile, then private-zfs's own
//   teardown (pool, daemon, namespace, files), then the cluster's files. The sshd is `adopt`ed by its private node, so
//   a test process that exits without `stop` (or is killed) still has it ended by private-zfs's exit hook or its sweep.
//   Files live under /var/tmp/lxcri-test (cl-* for the cluster, zn-* for the nodes).
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createPrivateZfs, entriesNamed, teardown, type PrivateZfs } from './private-zfs.js';

const ROOT = '/var/tmp/lxcri-test';
const PREFIX = 'cl-';
const SSHD = '/usr/sbin/sshd';
/** Node names are host names, as Proxmox requires; they also name files and ssh_config hosts. */
const NAME = /^[a-z][a-z0-9-]{0,30}$/;
/** Ports are picked below Linux's ephemeral range (32768-60999), so outgoing connections never take them. */
const PORT_MIN = 20000;
const PORT_MAX = 32000;

export interface CommandResult {
  /** Exit status; null when killed by a signal or timed out (see `signal`, `error`). */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

export interface ClusterOptions {
  /** Size of each node's sparse vdev (truncate syntax); 128M by default. */
  size?: string;
  /** The base dataset under `rpool`; `data` (Proxmox's local-zfs, rpool/data) by default. */
  base?: string;
}

export interface ClusterNode {
  readonly name: string;
  /** sshd's port on 127.0.0.1. */
  readonly port: number;
  readonly pool: 'rpool';
  /** `rpool/<base>`, created with the pool. */
  readonly base: string;
  /** The node's sshd (from its pidfile, checked to live in the node's namespace); undefined while it is killed. */
  readonly sshdPid: number | undefined;
  /** The node's private ZFS namespace: zfs()/zpool()/path()/env/stop()/pause()... */
  readonly privateZfs: PrivateZfs;
  /** Runs argv inside the node's namespace by nsenter (no SSH): ground truth for assertions. */
  exec(argv: string[], opts?: { input?: string; timeoutMs?: number }): CommandResult;
}

export interface Cluster {
  readonly nodes: readonly ClusterNode[];
  /** The cluster's own directory (keys, ssh_config, known_hosts, members files). */
  readonly dir: string;
  /** The client ssh_config: `ssh -F <sshConfig> <name> -- cmd`. */
  readonly sshConfig: string;
  /** The throwaway client private key every node accepts for root. */
  readonly identityFile: string;
  /** known_hosts with every node's host key under its name (HostKeyAlias). */
  readonly knownHosts: string;
  node(name: string): ClusterNode;
  /** `['-F', sshConfig, name]`: the arguments before `--` of an ssh call to a node. */
  sshArgs(name: string): string[];
  /**
   * `ssh -F <sshConfig> <name> -- argv` synchronously. Each argument is quoted for the remote shell, so argv arrives
   * as given; pass `['sh', '-c', line]` for a shell line.
   */
  ssh(name: string, argv: string[], opts?: { input?: string; timeoutMs?: number }): CommandResult;
  /** The node goes away: its sshd and its open sessions end; later ssh to it exits 255 (Connection refused). */
  killSshd(name: string): void;
  /** The node comes back: its sshd starts again on the same port with the same host key. */
  startSshd(name: string): void;
  /**
   * Writes a fake /etc/pve/.members (pmxcfs JSON) listing every node with ip 127.0.0.1; `local` is the `nodename`
   * (default: the first node), `offline` nodes get online 0. Returns its path.
   */
  membersFile(opts?: { local?: string; offline?: string[]; clusterName?: string; file?: string }): string;
  /** Removes everything the cluster started: sshds (by pid), ZFS nodes (private-zfs teardown), files. Safe twice. */
  stop(): void;
}

interface ClusterRecord {
  owner: number;
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Quotes one argument for the POSIX shell on the other end of an ssh connection. */
export function shQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function result(r: SpawnSyncReturns<string>): CommandResult {
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ...(r.error ? { error: r.error } : {}) };
}

/** TCP ports something listens on (IPv4 and IPv6), from /proc/net. */
function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && f[1]) ports.add(parseInt(f[1].split(':')[1] ?? '0', 16));
    }
  }
  return ports;
}

/** Directories of clusters whose test process is gone (their nodes are swept by private-zfs itself). */
function sweepStale(): void {
  const names = entriesNamed(ROOT, PREFIX);
  for (const name of names) {
    try {
      const record = JSON.parse(readFileSync(`${ROOT}/${name}/cluster.json`, 'utf8')) as ClusterRecord;
      if (!alive(record.owner)) rmSync(`${ROOT}/${name}`, { recursive: true, force: true });
    } catch {
      /* not ours, or half written */
    }
  }
}

export function startCluster(names: string[], opts: ClusterOptions = {}): Cluster {
  if (names.length === 0) throw new Error('startCluster: no node names');
  for (const name of names) if (!NAME.test(name)) throw new Error(`startCluster: bad node name ${JSON.stringify(name)} (want ${NAME})`);
  if (new Set(names).size !== names.length) throw new Error(`startCluster: duplicate node names in ${names.join(' ')}`);
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing (scripts/setup-host.sh installs openssh-server)`);
  if (opts.base !== undefined && !/^[A-Za-z0-9_.:-]+(\/[A-Za-z0-9_.:-]+)*$/.test(opts.base)) throw new Error(`startCluster: bad base ${opts.base}`);
  // sshd's privilege separation directory (normally made by its service unit; setup-host.sh makes it too).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  sweepStale();

  const dir = `${ROOT}/${PREFIX}${process.pid}${Math.floor(Math.random() * 1000)}`;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(`${dir}/cluster.json`, JSON.stringify({ owner: process.pid } satisfies ClusterRecord));
  const identityFile = `${dir}/id_ed25519`;
  const knownHosts = `${dir}/known_hosts`;
  const sshConfig = `${dir}/ssh_config`;

  interface Internal extends ClusterNode {
    port: number;
    sshDir: string;
    pidfile: string;
  }
  const nodes: Internal[] = [];
  const usedPorts = new Set<number>();
  let stopped = false;

  function pickPort(): number {
    const busy = listeningPorts();
    for (let i = 0; i < 1000; i++) {
      const port = PORT_MIN + Math.floor(Math.random() * (PORT_MAX - PORT_MIN));
      if (!busy.has(port) && !usedPorts.has(port)) return port;
    }
    throw new Error('startCluster: no free port');
  }

  /**
   * Debian's bash sources root's ~/.bashrc for every command sshd runs (SSH_SOURCE_BASHRC), and this machine's runs
   * `pyenv init` (about 90 ms a command, several times the rest of a round trip). A Proxmox node's root has the stock
   * one (comments only), so each node gets that in its own namespace: its commands cost what they cost on Proxmox.
   */
  function stockRootShell(node: Internal): void {
    if (!existsSync('/root/.bashrc')) return;
    const rc = `${node.sshDir}/root.bashrc`;
    writeFileSync(rc, "# ~/.bashrc: executed by bash(1) for non-login shells (a Proxmox node's stock root .bashrc).\n");
    const r = node.exec(['mount', '--bind', rc, '/root/.bashrc']);
    if (r.status !== 0) throw new Error(`cluster: ${node.name}: cannot give root the stock .bashrc: ${r.stderr.trim()}`);
  }

  function sshdConfig(node: Internal): string {
    return [
      `# sshd of cluster node ${node.name} (test/support/cluster.ts)`,
      `Port ${node.port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${node.sshDir}/ssh_host_ed25519_key`,
      `AuthorizedKeysFile ${node.sshDir}/authorized_keys`,
      `PidFile ${node.pidfile}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'UseDNS no',
      'PrintMotd no',
      'PrintLastLog no',
      'X11Forwarding no',
      'AllowTcpForwarding no',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n');
  }

  /** Starts the node's sshd inside its namespace; returns sshd's stderr on failure. */
  function trySshd(node: Internal): string | undefined {
    const r = node.privateZfs.run(SSHD, ['-f', `${node.sshDir}/sshd_config`, '-E', `${node.sshDir}/sshd.log`], 15_000);
    if (r.status !== 0) {
      let log = '';
      try {
        log = readFileSync(`${node.sshDir}/sshd.log`, 'utf8').trim().split('\n').slice(-3).join(' | ');
      } catch {
        /* no log */
      }
      return `${r.stderr.trim()} ${log}`.trim() || `exit ${r.status ?? r.signal}`;
    }
    // The parent exits once it listens; the daemonized child writes the pidfile a moment later.
    for (const end = Date.now() + 5000; Date.now() < end; sleepMs(10)) if (node.privateZfs.pidOf(node.pidfile, 'sshd') !== undefined) return undefined;
    return `no pid in ${node.pidfile}`;
  }

  function startSshdOf(node: Internal, pickNewPort: boolean): void {
    if (node.privateZfs.pidOf(node.pidfile, 'sshd') !== undefined) throw new Error(`cluster: sshd of ${node.name} is already running`);
    for (let attempt = 0; ; attempt++) {
      writeFileSync(`${node.sshDir}/sshd_config`, sshdConfig(node));
      const failure = trySshd(node);
      if (failure === undefined) return;
      // Another process took the port between the pick and the bind: pick again (only before the client config exists).
      if (pickNewPort && attempt < 5 && /Address already in use|Cannot bind/.test(failure)) {
        usedPorts.delete(node.port);
        node.port = pickPort();
        usedPorts.add(node.port);
        continue;
      }
      throw new Error(`cluster: sshd of ${node.name} on port ${node.port} did not start: ${failure}`);
    }
  }

  const nodeOf = (name: string): Internal => {
    const node = nodes.find((n) => n.name === name);
    if (!node) throw new Error(`cluster: no node ${JSON.stringify(name)} (nodes: ${nodes.map((n) => n.name).join(' ')})`);
    return node;
  };

  function stop(): void {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    const { errors, attempt } = teardown();
    // sshd first (no session may still use the pool), then every daemon is told to stop before waiting for any:
    // zfs-fuse takes seconds to exit, so the nodes wind down together; destroy then waits and removes the rest.
    for (const node of nodes) attempt(`${node.name} sshd`, () => node.privateZfs.end(node.pidfile, 'sshd'));
    for (const node of nodes) attempt(`${node.name} zfs-fuse`, () => node.privateZfs.beginStop());
    for (const node of nodes) attempt(node.name, () => node.privateZfs.destroy());
    rmSync(dir, { recursive: true, force: true });
    if (errors.length) throw new Error(`cluster stop: ${errors.join('; ')}`);
  }
  // Registered before the nodes, so at exit it runs before their own hooks: sshd first, then the ZFS teardown.
  const onExit = () => {
    try {
      stop();
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
    }
  };
  process.on('exit', onExit);

  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `lxcri-test-cluster-${process.pid}`, '-f', identityFile], { stdio: 'pipe' });
    const clientKey = readFileSync(`${identityFile}.pub`, 'utf8');
    const base = opts.base ?? 'data';
    for (const name of names) {
      const privateZfs = createPrivateZfs({ tag: `${name}-`, pool: 'rpool', base, size: opts.size ?? '128M' });
      const sshDir = `${privateZfs.dir}/ssh`;
      const port = pickPort();
      usedPorts.add(port);
      const node: Internal = {
        name,
        port,
        pool: 'rpool',
        base: privateZfs.base,
        privateZfs,
        sshDir,
        pidfile: `${sshDir}/sshd.pid`,
        get sshdPid() {
          return privateZfs.pidOf(`${sshDir}/sshd.pid`, 'sshd');
        },
        exec(argv, o = {}) {
          if (argv.length === 0) throw new Error('exec: empty argv');
          return result(
            spawnSync('nsenter', ['-t', String(privateZfs.nsPid), '-m', '--', ...argv], {
              encoding: 'utf8',
              input: o.input,
              timeout: o.timeoutMs ?? 60_000,
              stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
            }),
          );
        },
      };
      nodes.push(node);
      mkdirSync(sshDir, { recursive: true, mode: 0o700 });
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${name}`, '-f', `${sshDir}/ssh_host_ed25519_key`], { stdio: 'pipe' });
      writeFileSync(`${sshDir}/authorized_keys`, clientKey, { mode: 0o600 });
      stockRootShell(node);
      privateZfs.adopt(node.pidfile, 'sshd');
      startSshdOf(node, true);
    }

    writeFileSync(
      knownHosts,
      nodes
        .map((n) => {
          const [type, key] = readFileSync(`${n.sshDir}/ssh_host_ed25519_key.pub`, 'utf8').trim().split(/\s+/);
          return `${n.name} ${type} ${key}\n`;
        })
        .join(''),
    );
    writeFileSync(
      sshConfig,
      nodes
        .map((n) =>
          [
            `Host ${n.name}`,
            '  HostName 127.0.0.1',
            `  Port ${n.port}`,
            '  User root',
            `  HostKeyAlias ${n.name}`,
            `  IdentityFile ${identityFile}`,
            '  IdentitiesOnly yes',
            '  BatchMode yes',
            `  UserKnownHostsFile ${knownHosts}`,
            '  GlobalKnownHostsFile /dev/null',
            '  StrictHostKeyChecking yes',
            '  UpdateHostKeys no',
            '  ConnectTimeout 10',
            '',
          ].join('\n'),
        )
        .join('\n'),
    );
  } catch (error) {
    try {
      stop();
    } catch (cleanup) {
      throw new Error(`${(error as Error).message} (and cleaning up: ${(cleanup as Error).message})`);
    }
    throw error;
  }

  const sshArgs = (name: string) => ['-F', sshConfig, nodeOf(name).name];

  return {
    nodes,
    dir,
    sshConfig,
    identityFile,
    knownHosts,
    node: nodeOf,
    sshArgs,
    ssh(name, argv, o = {}) {
      return result(
        spawnSync('ssh', [...sshArgs(name), '--', ...argv.map(shQuote)], {
          encoding: 'utf8',
          input: o.input,
          timeout: o.timeoutMs ?? 60_000,
          stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        }),
      );
    },
    killSshd(name) {
      const node = nodeOf(name);
      if (!node.privateZfs.end(node.pidfile, 'sshd')) throw new Error(`cluster: sshd of ${name} is not running`);
    },
    startSshd(name) {
      startSshdOf(nodeOf(name), false);
    },
    membersFile(o = {}) {
      const local = o.local ?? nodes[0]!.name;
      nodeOf(local);
      for (const name of o.offline ?? []) nodeOf(name);
      const file = o.file ?? `${dir}/members.json`;
      const members = {
        nodename: local,
        version: 1,
        cluster: { name: o.clusterName ?? 'lxcri-test', version: 1, nodes: nodes.length, quorate: 1 },
        nodelist: Object.fromEntries(
          nodes.map((n, i) => [n.name, { id: i + 1, online: (o.offline ?? []).includes(n.name) ? 0 : 1, ip: '127.0.0.1' }] as const),
        ),
      };
      writeFileSync(file, `${JSON.stringify(members, null, 2)}\n`);
      return file;
    },
    stop,
  };
}

/**
 * The CLI's config over the harness: every node reached by its ssh_config alias, rpool/data as the base, the files
 * (log, lxc, pve) under `dir`, and the state and journal dirs under `stateRoot` (the same path on every node).
 */
export function clusterConfig(cluster: Cluster, dir: string, stateRoot = dir) {
  return {
    nodes: cluster.nodes.map((n) => ({ name: n.name, ssh: n.name })),
    ssh_config: cluster.sshConfig,
    zfs: { base_dataset: 'rpool/data' },
    log: { file: `${dir}/console.log` },
    state_dir: `${stateRoot}/state`,
    journal_dir: `${stateRoot}/journal`,
    lxc: { path: `${dir}/lxc` },
    pve: { config_dir: `${dir}/pve`, storage_cfg: `${dir}/pve/storage.cfg`, members: `${dir}/pve/.members` },
  };
}

// A private ZFS "node" on this machine: its own mount namespace with its own zfs-fuse daemon and pool, so a test
// can stop, pause or kill ZFS without touching the machine's own daemon (which other tests and LXC containers use).
// Recipe: /work/shared/reference/cluster.md, "A multi-node harness on one machine".
//
// - The namespace is held by `unshare -m --propagation private sleep infinity` and entered with `nsenter -t <pid> -m`.
// - In it, tmpfs over /run/zfs (= /var/run/zfs: the client socket zfs_socket), /var/lib/zfs (zpool.cache: the pools
//   the daemon imports at start) and /var/lock/zfs (zfs_lock: without it a second daemon exits 1 silently).
// - The copies of the host's zfs-fuse mounts the namespace inherits are detached at once, so it never pins them
//   (the host daemon could not finish unmounting a dataset a copy still holds).
// - `zfs` and `zpool` wrapper scripts in `binDir` run the real tools inside the namespace: a CLI started with
//   `PATH=<binDir>:$PATH` (see `env`) drives the private daemon through its normal runner.
// - Every signal goes to a pid read from this node's own pidfiles and checked to live in this node's namespace,
//   never to a pid found by name: the machine's daemon lives in the host namespace and can never pass that check.
// - Other daemons a test starts in the namespace (the cluster harness's sshd, test/support/cluster.ts) are `adopt`ed
//   by their pidfile: `destroy` and the sweep of a dead test's nodes end them too, before the zfs daemon.
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cliConfig, poolFiles, type PoolFiles } from './real-pool.js';

const ROOT = '/var/tmp/lxcri-test';
const PREFIX = 'zn-';
/** Directories the namespace gets its own tmpfs on; /var/run and /var/lock are symlinks into /run on Debian. */
const PRIVATE_DIRS = ['/run/zfs', '/var/lib/zfs', '/var/lock/zfs'];

export interface PrivateZfsOptions {
  /** Short tag in the directory and default pool names. */
  tag: string;
  /** Pool name; unique by default. Any name works (even one the host has): the pool exists only in the namespace. */
  pool?: string;
  /** Size of the sparse vdev file (truncate syntax). */
  size?: string;
  /** The dataset under the pool the CLI works in (`zfs.base_dataset`), created with the pool. */
  base?: string;
}

/** The parts of the CLI config file a test usually sets; anything else can be added by `edit`. */
export interface CliConfigFile {
  zfs: { base_dataset: string; [k: string]: unknown };
  log: { file: string; [k: string]: unknown };
  state_dir: string;
  journal_dir: string;
  lxc: { path: string; [k: string]: unknown };
  pve: { config_dir: string; storage_cfg: string; [k: string]: unknown };
  runner?: { timeout_seconds?: number; long_timeout_seconds?: number };
  [k: string]: unknown;
}

export interface PrivateZfs extends PoolFiles {
  readonly dir: string;
  readonly pool: string;
  /** `<pool>/<base>`: the config's zfs.base_dataset. */
  readonly base: string;
  /** The pool's mountpoint; mounted only inside the namespace (see `path`). */
  readonly mountpoint: string;
  /** Holds the `zfs` and `zpool` wrappers. */
  readonly binDir: string;
  /** Environment for a process that should drive this node: PATH with `binDir` first. */
  readonly env: { PATH: string };
  /** The namespace holder (`sleep infinity`). */
  readonly nsPid: number;
  /** The private daemon's pid from its pidfile, if it is running (never found by name). */
  daemonPid(): number | undefined;
  /** Runs zfs / zpool / any command inside the namespace; throws with stderr on failure. zfs/zpool retry "busy". */
  zfs(args: string[], retries?: number): string;
  zpool(args: string[], retries?: number): string;
  run(command: string, args: string[], timeoutMs?: number): SpawnSyncReturns<string>;
  /** The host-side path of a path inside the namespace (through /proc/<holder>/root; an absolute symlink on the
   * way resolves on the host, so pass real paths such as the pool's mountpoints). */
  path(inside: string): string;
  /** Starts the daemon (again): waits until it answers, then mounts the pool's datasets. */
  start(): void;
  /** Unmounts the datasets while the daemon still answers, then SIGTERM and wait (SIGKILL after `waitMs`). */
  stop(waitMs?: number): void;
  /**
   * The first half of `stop`: unmounts and sends SIGTERM without waiting (zfs-fuse takes 2-4 s to exit), so several
   * nodes wind down at once; a later `stop` or `destroy` waits for the exit (the pool goes with the vdev file).
   */
  beginStop(): number | undefined;
  /** SIGSTOP / SIGCONT the private daemon. */
  pause(): void;
  resume(): void;
  /** Writes a CLI config file pointing at this node's pool; `edit` adjusts it. Returns its path. */
  writeConfig(edit?: (c: CliConfigFile) => void, file?: string): string;
  /** The pid in `pidfile` if it is a live `comm` process inside this namespace (never one of the host's). */
  pidOf(pidfile: string, comm: string): number | undefined;
  /**
   * Ends the `comm` process whose pid is in `pidfile` (checked as in `pidOf`) together with its child processes in this
   * namespace: SIGTERM, SIGKILL after `waitMs`. Removes the pidfile. Returns whether one was running.
   */
  end(pidfile: string, comm: string, waitMs?: number): boolean;
  /** Another daemon started inside the namespace: `destroy` (or the sweep after a dead test) `end`s it first. */
  adopt(pidfile: string, comm: string): void;
  /** Removes everything this node started: adopted daemons, zfs daemon, pool, namespace holder, files. Safe to call twice. */
  destroy(): void;
}

interface NodeRecord {
  owner: number;
  holder: number;
  ns: string;
  pidfile: string;
  adopted?: Adopted[];
}

/** A daemon of the test's own inside the namespace, known by its pidfile and process name. */
interface Adopted {
  pidfile: string;
  comm: string;
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function nsOf(pid: number | 'self'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

function commOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Gone or a zombie (the holder is our child until node reaps it; a daemon is reaped by init). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function stateOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

function waitGone(pid: number, ms: number): boolean {
  for (const end = Date.now() + ms; Date.now() < end; sleepMs(50)) if (!alive(pid)) return true;
  return !alive(pid);
}

/** Only a process of the given name inside the given namespace, which is not ours, may be signalled. */
function isPrivate(pid: number, ns: string, comm: string): boolean {
  const own = nsOf('self');
  return Number.isInteger(pid) && pid > 1 && alive(pid) && commOf(pid) === comm && nsOf(pid) === ns && ns !== own;
}

function signal(pid: number, ns: string, comm: string, sig: NodeJS.Signals): boolean {
  if (!isPrivate(pid, ns, comm)) return false;
  process.kill(pid, sig);
  return true;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The children of `pid` (by their parent pid in /proc) that live in namespace `ns`. */
function childrenIn(pid: number, ns: string): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && nsOf(Number(entry)) === ns) children.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return children;
}

/** See `PrivateZfs.end`: the process of `pidfile`, if it is a `comm` in `ns`, and its children in `ns`. */
function endProcess(pidfile: string, comm: string, ns: string, waitMs = 5000): boolean {
  const pid = readPid(pidfile);
  if (pid === undefined || !isPrivate(pid, ns, comm)) {
    rmSync(pidfile, { force: true });
    return false;
  }
  // isPrivate proved `ns` is not ours; the children are checked to be in it too.
  const targets = [pid, ...childrenIn(pid, ns)];
  const kill = (p: number, sig: NodeJS.Signals) => {
    try {
      if (alive(p) && nsOf(p) === ns) process.kill(p, sig);
    } catch {
      /* gone meanwhile */
    }
  };
  for (const p of targets) kill(p, 'SIGTERM');
  for (const p of targets) {
    if (waitGone(p, waitMs)) continue;
    kill(p, 'SIGKILL');
    if (!waitGone(p, 5000)) throw new Error(`process ${p} (${commOf(p)}) survived SIGKILL (state ${stateOf(p)})`);
  }
  rmSync(pidfile, { force: true });
  return true;
}

/** Where `zfs`/`zpool` live, skipping any wrapper directory of ours already on PATH. */
function realTool(tool: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir || dir.startsWith(ROOT)) continue;
    if (existsSync(`${dir}/${tool}`)) return `${dir}/${tool}`;
  }
  for (const dir of ['/usr/sbin', '/sbin']) if (existsSync(`${dir}/${tool}`)) return `${dir}/${tool}`;
  throw new Error(`${tool} not found on PATH (scripts/setup-host.sh installs zfs-fuse)`);
}

/** Daemon, pool and namespace of a node whose test process is gone (killed before its destroy ran). */
function sweepStale(): void {
  const names = entriesNamed(ROOT, PREFIX);
  for (const name of names) {
    const dir = `${ROOT}/${name}`;
    let record: NodeRecord;
    try {
      record = JSON.parse(readFileSync(`${dir}/node.json`, 'utf8')) as NodeRecord;
    } catch {
      continue;
    }
    if (alive(record.owner)) continue;
    for (const { pidfile, comm } of record.adopted ?? []) {
      try {
        endProcess(pidfile, comm, record.ns, 2000);
      } catch {
        /* the holder check below keeps the directory */
      }
    }
    const daemon = readPid(record.pidfile);
    if (daemon !== undefined && signal(daemon, record.ns, 'zfs-fuse', 'SIGCONT')) {
      signal(daemon, record.ns, 'zfs-fuse', 'SIGKILL');
      waitGone(daemon, 5000);
    }
    if (signal(record.holder, record.ns, 'sleep', 'SIGKILL')) waitGone(record.holder, 5000);
    if (!alive(record.holder)) rmSync(dir, { recursive: true, force: true });
  }
}

export function createPrivateZfs(options: PrivateZfsOptions): PrivateZfs {
  sweepStale();
  const id = `${options.tag}${process.pid}${Math.floor(Math.random() * 1000)}`;
  const dir = `${ROOT}/${PREFIX}${id}`;
  const pool = options.pool ?? `lxp${id}`;
  const base = `${pool}/${options.base ?? 'containers'}`;
  const mountpoint = `${dir}/mnt`;
  const binDir = `${dir}/bin`;
  const vdev = `${dir}/vdev`;
  const pidfile = `${dir}/zfs-fuse.pid`;
  const logfile = `${dir}/zfs-fuse.log`;
  const zfsPath = realTool('zfs');
  const zpoolPath = realTool('zpool');
  const daemonPath = realTool('zfs-fuse');
  const hostNs = nsOf('self');
  if (!hostNs) throw new Error('cannot read /proc/self/ns/mnt');

  mkdirSync(mountpoint, { recursive: true });
  mkdirSync(binDir, { recursive: true });
  execFileSync('truncate', ['-s', options.size ?? '128M', vdev]);

  const holder = spawn('unshare', ['-m', '--propagation', 'private', 'sleep', 'infinity'], { detached: true, stdio: 'ignore' });
  holder.unref();
  if (holder.pid === undefined) throw new Error('could not start unshare');
  const nsPid: number = holder.pid;
  let ns: string | undefined;
  for (const end = Date.now() + 5000; Date.now() < end; sleepMs(20)) {
    const n = nsOf(nsPid);
    if (n && n !== hostNs && commOf(nsPid) === 'sleep') {
      ns = n;
      break;
    }
  }
  if (!ns) {
    try {
      process.kill(nsPid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    rmSync(dir, { recursive: true, force: true });
    throw new Error('unshare -m did not set up a mount namespace within 5 s');
  }
  const nsId = ns;
  const adopted: Adopted[] = [];
  const record: NodeRecord = { owner: process.pid, holder: nsPid, ns: nsId, pidfile, adopted };
  writeFileSync(`${dir}/node.json`, JSON.stringify(record));

  let destroyed = false;
  let paused = false;
  /** The daemon `beginStop` sent SIGTERM to, while it winds down (zfs-fuse takes 2-4 s to exit). */
  let stopping: number | undefined;
  const onExit = () => {
    try {
      destroy();
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
    }
  };
  process.on('exit', onExit);

  function run(command: string, args: string[], timeoutMs = 60_000): SpawnSyncReturns<string> {
    return spawnSync('nsenter', ['-t', String(nsPid), '-m', '--', command, ...args], {
      encoding: 'utf8',
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  function tool(path: string, name: string, args: string[], retries: number): string {
    for (let i = 0; ; i++) {
      const r = run(path, args);
      if (r.status === 0) return r.stdout;
      const why = r.error ? String(r.error) : r.stderr.trim() || `exit ${r.status ?? r.signal}`;
      if (i >= retries || !/busy/.test(r.stderr)) throw new Error(`[private ${pool}] ${name} ${args.join(' ')}: ${why}`);
      sleepMs(300);
    }
  }
  const zfs = (args: string[], retries = 5) => tool(zfsPath, 'zfs', args, retries);
  const zpool = (args: string[], retries = 5) => tool(zpoolPath, 'zpool', args, retries);

  function daemonPid(): number | undefined {
    const pid = readPid(pidfile);
    return pid !== undefined && isPrivate(pid, nsId, 'zfs-fuse') ? pid : undefined;
  }

  function answers(): boolean {
    return run(zpoolPath, ['list', '-H', '-o', 'name'], 5000).status === 0;
  }

  function start(): void {
    if (daemonPid() !== undefined) throw new Error(`[private ${pool}] zfs-fuse is already running`);
    // A pidfile left by the previous daemon (zfs-fuse never removes its own) makes a new one exit 1 silently.
    rmSync(pidfile, { force: true });
    const log = openSync(logfile, 'a');
    try {
      // Daemonizes: stdio to a file, never a pipe this process would wait on.
      const r = spawnSync('nsenter', ['-t', String(nsPid), '-m', '--', daemonPath, '--no-kstat-mount', '-p', pidfile], {
        stdio: ['ignore', log, log],
        timeout: 30_000,
      });
      if (r.status !== 0) throw new Error(`[private ${pool}] zfs-fuse exited ${r.status ?? r.signal}: ${readFileSync(logfile, 'utf8').trim()}`);
    } finally {
      closeSync(log);
    }
    for (const end = Date.now() + 30_000; ; sleepMs(100)) {
      if (daemonPid() !== undefined && answers()) break;
      if (Date.now() > end) throw new Error(`[private ${pool}] zfs-fuse did not answer within 30 s: ${readFileSync(logfile, 'utf8').trim()}`);
    }
    paused = false;
    // The daemon re-imports the pools in its (private) zpool.cache but mounts nothing by itself.
    if (zpool(['list', '-H', '-o', 'name']).split('\n').includes(pool)) zfs(['mount', '-a']);
  }

  function beginStop(): number | undefined {
    const pid = daemonPid();
    if (pid === undefined || pid === stopping) return pid;
    resume();
    // zfs-fuse calls sync(2) on its way out, and sync waits for every filesystem on the machine, including this
    // daemon's own FUSE mounts: unmount them first while it still answers. Lazily detach what refuses.
    const unmount = run(zfsPath, ['umount', '-a'], 30_000);
    if (unmount.status !== 0) {
      run(
        'sh',
        ['-c', `awk '$3 == "fuse.zfs" { print $2 }' /proc/self/mounts | sort -r | while read -r mp; do umount -l "$(printf '%b' "$mp")"; done`],
        30_000,
      );
    }
    signal(pid, nsId, 'zfs-fuse', 'SIGTERM');
    stopping = pid;
    return pid;
  }

  function stop(waitMs = 30_000): void {
    const pid = beginStop();
    if (pid === undefined) return;
    if (!waitGone(pid, waitMs)) {
      signal(pid, nsId, 'zfs-fuse', 'SIGKILL');
      if (!waitGone(pid, 10_000)) throw new Error(`[private ${pool}] zfs-fuse ${pid} survived SIGKILL (state ${stateOf(pid)})`);
    }
    stopping = undefined;
    rmSync(pidfile, { force: true });
  }

  function pause(): void {
    const pid = daemonPid();
    if (pid === undefined) throw new Error(`[private ${pool}] zfs-fuse is not running`);
    signal(pid, nsId, 'zfs-fuse', 'SIGSTOP');
    paused = true;
    for (const end = Date.now() + 5000; stateOf(pid) !== 'T' && Date.now() < end;) sleepMs(10);
    if (stateOf(pid) !== 'T') throw new Error(`[private ${pool}] zfs-fuse ${pid} did not stop`);
  }

  function resume(): void {
    const pid = readPid(pidfile);
    if (pid !== undefined) signal(pid, nsId, 'zfs-fuse', 'SIGCONT');
    paused = false;
  }

  function destroy(): void {
    if (destroyed) return;
    destroyed = true;
    process.removeListener('exit', onExit);
    const { errors, attempt } = teardown();
    for (const { pidfile: file, comm } of adopted) attempt(comm, () => endProcess(file, comm, nsId));
    if (paused) attempt('resume', resume);
    if (daemonPid() !== undefined) {
      if (stopping === undefined)
        attempt('zpool destroy', () => {
          if (zpool(['list', '-H', '-o', 'name']).split('\n').includes(pool)) zpool(['destroy', '-f', pool], 10);
        });
      attempt('stop', () => stop(15_000));
    }
    attempt('namespace', () => {
      if (signal(nsPid, nsId, 'sleep', 'SIGKILL') && !waitGone(nsPid, 5000)) throw new Error(`holder ${nsPid} did not exit`);
    });
    // The files go only once nothing of ours can still use them; a leftover is swept by the next createPrivateZfs.
    attempt('files', () => {
      if (daemonPid() === undefined && !isPrivate(nsPid, nsId, 'sleep')) rmSync(dir, { recursive: true, force: true });
      else throw new Error(`kept ${dir}: a process of this node is still running`);
    });
    if (errors.length) throw new Error(`[private ${pool}] destroy: ${errors.join('; ')}`);
  }

  const path = (inside: string) => `/proc/${nsPid}/root${inside.startsWith('/') ? '' : '/'}${inside}`;

  const node: PrivateZfs = {
    dir,
    pool,
    base,
    mountpoint,
    binDir,
    nsPid,
    env: { PATH: `${binDir}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` },
    daemonPid,
    zfs,
    zpool,
    run,
    path,
    start,
    stop,
    beginStop,
    pause,
    resume,
    destroy,
    pidOf(file, comm) {
      const pid = readPid(file);
      return pid !== undefined && isPrivate(pid, nsId, comm) ? pid : undefined;
    },
    end: (file, comm, waitMs) => endProcess(file, comm, nsId, waitMs),
    adopt(file, comm) {
      if (destroyed) throw new Error(`[private ${pool}] adopt after destroy`);
      if (!adopted.some((a) => a.pidfile === file)) adopted.push({ pidfile: file, comm });
      writeFileSync(`${dir}/node.json`, JSON.stringify(record));
    },
    writeConfig(edit, file = `${dir}/config.json`) {
      const config: CliConfigFile = cliConfig(base, dir);
      edit?.(config);
      writeFileSync(file, JSON.stringify(config, null, 2));
      return file;
    },
    ...poolFiles(zfs, pool, base, path),
  };

  try {
    // Private state directories, and no copies of the host's zfs-fuse mounts (nor its /zfs-kstat) in here.
    const setup = run(
      'sh',
      [
        '-c',
        [
          'set -e',
          ...PRIVATE_DIRS.map((d) => `mkdir -p ${d} && mount -t tmpfs -o mode=0700 lxcri-private-zfs ${d}`),
          `awk '$3 == "fuse.zfs" || $3 ~ /^fuse/ && $2 == "/zfs-kstat" { print $2 }' /proc/self/mounts | sort -r | while read -r mp; do umount -l "$(printf '%b' "$mp")"; done`,
        ].join('\n'),
      ],
      30_000,
    );
    if (setup.status !== 0) throw new Error(`namespace setup failed: ${setup.stderr.trim() || setup.error}`);
    // The guarantee everything else rests on: the daemon's socket, cache and lock are not the host's.
    for (const d of PRIVATE_DIRS) {
      // Through /proc/<pid>/root an absolute symlink (/var/lock -> /run/lock) would resolve on the host: resolve first.
      const real = realpathSync(d);
      if (statSync(path(real)).dev === statSync(real).dev) throw new Error(`${d} in the namespace is still the host's`);
    }
    for (const [name, real] of [
      ['zfs', zfsPath],
      ['zpool', zpoolPath],
    ] as const) {
      writeFileSync(
        `${binDir}/${name}`,
        `#!/bin/sh\n# ${name} inside the private ZFS node ${pool} (namespace of pid ${nsPid})\nexec nsenter -t ${nsPid} -m -- ${real} "$@"\n`,
        { mode: 0o755 },
      );
    }
    start();
    zpool(['create', '-m', mountpoint, pool, vdev]);
    zfs(['create', '-p', base]);
  } catch (error) {
    try {
      destroy();
    } catch (cleanup) {
      throw new Error(`${(error as Error).message} (and cleaning up: ${(cleanup as Error).message})`);
    }
    throw error;
  }
  return node;
}

/** The machine's own zfs-fuse daemon: the one in this process's mount namespace. Read only; never signal it. */
export function hostDaemonPid(): number | undefined {
  const own = nsOf('self');
  const r = spawnSync('pgrep', ['-x', 'zfs-fuse'], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map(Number)
    .find((pid) => pid > 0 && nsOf(pid) === own);
}

/** Clean-up that goes on past a failed step: each step's error is kept (`errors`) and reported once at the end. */
export function teardown(): { errors: string[]; attempt: (what: string, fn: () => void) => void } {
  const errors: string[] = [];
  return {
    errors,
    attempt: (what, fn) => {
      try {
        fn();
      } catch (error) {
        errors.push(`${what}: ${(error as Error).message}`);
      }
    },
  };
}

/** The entries of `root` whose names start with `prefix` (none when it does not exist): what a stale sweep looks at. */
export function entriesNamed(root: string, prefix: string): string[] {
  try {
    return readdirSync(root).filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
}

import { closeSync, constants, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { privateDir } from './private-dir.js';
import { hostname } from 'node:os';
import type { Config } from '../config.js';
import { createContext, type CoreContext } from '../context.js';
import { Core } from '../core.js';
import type { Command, Runner } from '../runner/command.js';
import { Cluster, type ClusterNode } from './cluster.js';
import { CommandFs } from './command-fs.js';
import type { HostFs } from './host-fs.js';
import { nodesFromMembers, parseMembers } from './members.js';
import { LOCAL, validateNodeName, validateSshDestination, type NodeSpec } from './node-spec.js';
import { BatchingRunner } from './read-batch.js';
import { connectPeers } from './transfer.js';
import { defaultControlDir, SshRunner } from './ssh-runner.js';

/** This machine's node name: the host name's first label when it is a valid node name. */
export function localNodeName(): string {
  const name = hostname().split('.')[0] ?? '';
  try {
    return validateNodeName(name);
  } catch {
    return 'localhost';
  }
}

/**
 * The cluster's nodes: config `nodes` when given, else pmxcfs's /etc/pve/.members (the way Proxmox reaches each node),
 * else this machine alone. Every name and destination is validated before anything connects.
 */
export async function nodeSpecs(config: Config, fs: HostFs): Promise<{ specs: NodeSpec[]; name?: string; quorate?: boolean }> {
  if (config.nodes) return { specs: config.nodes.map((n) => ({ ...n, ssh: validateSshDestination(n.ssh, validateNodeName(n.name)) })) };
  const text = await fs.readFile(config.pve.members);
  if (text !== undefined) {
    const members = parseMembers(text, config.pve.members);
    const pveDir = config.pve.members.replace(/\/[^/]*$/, '');
    // With an ssh_config of the admin's, nodes are reached by name, so that file can say how (port, key, jump host).
    const byName = config.ssh_config !== undefined;
    const specs = nodesFromMembers(members, pveDir, byName).map((s) => {
      validateSshDestination(s.ssh, s.name);
      // The node's own known_hosts when Proxmox keeps one, else ssh's default.
      if (s.knownHosts && !existsSync(s.knownHosts)) {
        const { knownHosts: _unused, ...rest } = s;
        return rest;
      }
      return s;
    });
    if (specs.length > 1) return { specs, ...(members.cluster ? { name: members.cluster.name, quorate: members.cluster.quorate } : {}) };
  }
  return { specs: [{ name: localNodeName(), ssh: LOCAL }] };
}

export interface ConnectOptions {
  /** Spawns every process (ssh included): the execa runner, or a test's. */
  runner: Runner;
  /** Applied to every node's context (read-only, identity, a test clock). */
  overrides?: Partial<CoreContext>;
  /** `--node NAME`: only this node. */
  only?: string;
  controlDir?: string;
}

function learnedPath(controlDir: string, node: string): string {
  return `${controlDir}/reads-${node}.json`;
}

/**
 * The reads a refresh makes (what may be kept between processes and run unasked at the next refresh): listings and
 * file reads only, whatever the file says.
 */
export function isRefreshRead(c: Command): boolean {
  const [first] = c.args;
  if (c.mutates || !c.args.every((a) => typeof a === 'string')) return false;
  switch (c.tool) {
    case 'zfs':
      return first === 'list' || first === 'get' || first === 'version';
    case 'zpool':
      return first === 'list' || first === 'status' || (first === 'upgrade' && c.args[1] === '-v' && c.args.length === 2);
    case 'pct':
      return first === 'list';
    case 'lxc-ls':
      return true;
    case 'cat':
      return first === '--' && c.args.length === 2;
    case 'ls':
      return first === '-1A' && c.args[1] === '--' && c.args.length === 3;
    default:
      return false;
  }
}

function loadLearned(path: string): Command[] {
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const list = JSON.parse(readFileSync(fd, 'utf8')) as unknown;
      return Array.isArray(list)
        ? (list as Command[]).filter((c) => typeof c?.tool === 'string' && Array.isArray(c.args) && c.mutates === false && isRefreshRead(c))
        : [];
    } finally {
      closeSync(fd);
    }
  } catch {
    return [];
  }
}

function saveLearned(path: string, reads: readonly Command[]): void {
  try {
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
    try {
      writeFileSync(fd, JSON.stringify(reads.filter(isRefreshRead)));
    } finally {
      closeSync(fd);
    }
  } catch {
    // only an optimisation: the next process learns them again
  }
}

/** One Core per node: this machine's over the local runner and files, every other over ssh (its runner and files). */
export async function connectCluster(config: Config, options: ConnectOptions): Promise<Cluster> {
  const local = options.overrides?.fs;
  const { specs: all, name, quorate } = await nodeSpecs(config, local ?? new (await import('./local-fs.js')).LocalFs());
  const specs = options.only ? all.filter((s) => s.name === options.only) : all;
  if (options.only && !specs.length) {
    const { UsageError } = await import('../errors.js');
    throw new UsageError(`unknown node '${options.only}'`, `nodes: ${all.map((s) => s.name).join(', ')}`);
  }
  const wanted = options.controlDir ?? defaultControlDir();
  // Only a directory of this user's alone holds the shared connections and the learned reads (privateDir).
  const controlDir = specs.some((s) => s.ssh !== LOCAL) && privateDir(wanted) ? wanted : '';
  const nodes: ClusterNode[] = specs.map((spec) => {
    const single = all.length === 1;
    if (spec.ssh === LOCAL) {
      const core = new Core(createContext(config, options.runner, { ...options.overrides, ...(single ? {} : { node: spec.name }) }));
      return { spec, core, local: true };
    }
    const ssh = new SshRunner(
      {
        node: spec.name,
        destination: spec.ssh,
        ...(config.ssh_config ? { sshConfig: config.ssh_config } : {}),
        ...(spec.knownHosts ? { knownHosts: spec.knownHosts } : {}),
        connectTimeoutSeconds: config.ssh.connect_timeout_seconds,
        controlPersistSeconds: config.ssh.control_persist_seconds,
        controlDir,
        commandTimeoutMs: config.runner.timeout_seconds * 1000,
      },
      options.runner,
    );
    const path = controlDir ? learnedPath(controlDir, spec.name) : undefined;
    const batch = new BatchingRunner(ssh, path ? loadLearned(path) : []);
    const core = new Core(createContext(config, batch, { ...options.overrides, fs: new CommandFs(batch, spec.name), node: spec.name }));
    const afterRefresh = () => (path ? saveLearned(path, batch.learnedReads) : undefined);
    return { spec, core, local: false, batch, ssh, afterRefresh };
  });
  const cluster = new Cluster(nodes, {
    local: options.runner,
    timeoutMs: (config.ssh.connect_timeout_seconds + config.runner.timeout_seconds) * 1000,
    ...(name ? { name } : {}),
    ...(quorate !== undefined ? { quorate } : {}),
  });
  connectPeers(cluster);
  return cluster;
}

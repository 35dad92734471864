import { UsageError } from '../errors.js';
import { LOCAL, validateNodeName, type NodeSpec } from './node-spec.js';

/** What pmxcfs says of the cluster in /etc/pve/.members. */
export interface ClusterMembers {
  /** The node this file was read on. */
  local: string;
  cluster?: { name: string; nodes: number; quorate: boolean };
  nodes: Array<{ name: string; id?: number; online: boolean; ip?: string }>;
}

/**
 * Parses /etc/pve/.members: `{"nodename":"pve1","version":N,"cluster":{"name":"c","version":N,"nodes":3,"quorate":1},
 * "nodelist":{"pve1":{"id":1,"online":1,"ip":"10.0.0.1"},...}}`. A standalone node has no cluster and no nodelist.
 */
export function parseMembers(text: string, path = '/etc/pve/.members'): ClusterMembers {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`, 'check pmxcfs (systemctl status pve-cluster), or set pve.members');
  }
  const obj = raw as { nodename?: unknown; cluster?: Record<string, unknown>; nodelist?: Record<string, Record<string, unknown>> };
  if (typeof obj?.nodename !== 'string') throw new UsageError(`${path} has no nodename`, 'check pmxcfs (systemctl status pve-cluster), or set pve.members');
  const local = validateNodeName(obj.nodename);
  const entries = Object.entries(obj.nodelist ?? {});
  const bad = entries.find(([, n]) => typeof n !== 'object' || n === null || Array.isArray(n));
  if (bad)
    throw new UsageError(
      `${path}: node ${JSON.stringify(bad[0])} has no details (${JSON.stringify(bad[1])})`,
      'check pmxcfs (systemctl status pve-cluster), or set nodes in the config',
    );
  const nodes = entries.map(([name, n]) => ({
    name: validateNodeName(name),
    ...(typeof n.id === 'number' ? { id: n.id } : {}),
    online: Number(n.online) === 1,
    ...(typeof n.ip === 'string' ? { ip: n.ip } : {}),
  }));
  if (!nodes.some((n) => n.name === local)) nodes.unshift({ name: local, online: true });
  nodes.sort((a, b) => (a.id ?? 0) - (b.id ?? 0) || a.name.localeCompare(b.name));
  const c = obj.cluster;
  return {
    local,
    ...(c && typeof c.name === 'string' ? { cluster: { name: c.name, nodes: Number(c.nodes) || nodes.length, quorate: Number(c.quorate) === 1 } } : {}),
    nodes,
  };
}

/** The way Proxmox itself reaches a node: root@<ip>, checked against the node's own known_hosts (pvesr, pct migrate). */
export function nodesFromMembers(members: ClusterMembers, pveDir = '/etc/pve', byName = false): NodeSpec[] {
  return members.nodes.map((n) => ({
    name: n.name,
    ssh: n.name === members.local ? LOCAL : `root@${byName ? n.name : (n.ip ?? n.name)}`,
    ...(n.name === members.local ? {} : { knownHosts: `${pveDir}/nodes/${n.name}/ssh_known_hosts` }),
    online: n.online,
    ...(n.id !== undefined ? { id: n.id } : {}),
  }));
}

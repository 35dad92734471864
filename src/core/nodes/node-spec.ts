import { UsageError } from '../errors.js';

/** How to reach one node: this machine, or an ssh destination (an ssh_config alias works). */
export interface NodeSpec {
  name: string;
  /** "local", or a destination passed to ssh as is (`root@10.0.0.2`, `pve2`, `ssh://root@host:2222`). */
  ssh: string;
  /** A known_hosts file for this node (Proxmox keeps one per node under /etc/pve/nodes/<node>/). */
  knownHosts?: string;
  /** What the cluster says of it (from /etc/pve/.members): offline nodes are shown, not contacted. */
  online?: boolean;
  /** Proxmox's node id (from /etc/pve/.members). */
  id?: number;
}

export const LOCAL = 'local';

/** A Proxmox node name is a host name label: letters, digits and inner hyphens (pve's own check, `pve-node`). */
const NODE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function validateNodeName(name: string): string {
  if (name === LOCAL) throw new UsageError(`node name "local" is reserved`, '"local" means this machine in a node\'s ssh field; give the node its host name');
  if (!NODE_NAME.test(name)) {
    throw new UsageError(`invalid node name ${JSON.stringify(name)}`, 'a node name is a host name: letters, digits and inner hyphens, at most 63 (e.g. pve2)');
  }
  return name;
}

/**
 * `[user@]host`, `ssh://[user@]host[:port]`, an ssh_config alias, or "local". Refused: anything ssh could read as an
 * option (a leading `-`, as in `-oProxyCommand=...`), spaces, and shell or control characters; nothing reaches ssh
 * before this passes.
 */
// A port only in the URI form: ssh reads `root@host:2222` as a host named "host:2222".
const USER = '(?:[A-Za-z0-9._][A-Za-z0-9._-]*@)?';
const HOST = '(?:[A-Za-z0-9_][A-Za-z0-9._-]*|[0-9A-Fa-f]*:[0-9A-Fa-f:.]+)';
const DESTINATION = new RegExp(`^(?:${USER}${HOST}|ssh://${USER}(?:[A-Za-z0-9_][A-Za-z0-9._-]*|\\[[0-9A-Fa-f:.]+\\])(?::\\d{1,5})?)$`);

export function validateSshDestination(destination: string, node = '?'): string {
  if (destination === LOCAL) return destination;
  if (!DESTINATION.test(destination)) {
    throw new UsageError(
      `invalid ssh destination ${JSON.stringify(destination)} for node ${node}`,
      'give [user@]host, ssh://[user@]host[:port] or an ssh_config alias (no spaces, options or shell characters), or "local"',
    );
  }
  return destination;
}

/** `<node>:<id>` names a container on one node; a bare `<id>` is looked up cluster-wide. */
export function splitContainerRef(ref: string): { node?: string; id: string } {
  const colon = ref.indexOf(':');
  if (colon < 0) return { id: ref };
  return { node: validateNodeName(ref.slice(0, colon)), id: ref.slice(colon + 1) };
}

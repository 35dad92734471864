import { LxcriError } from '../errors.js';
import type { ReplicationTarget } from '../ops/replicate.js';
import type { Command, PipeResult } from '../runner/command.js';
import type { Cluster, ClusterNode } from './cluster.js';
import { directStream, reachProbe } from './direct-stream.js';

/**
 * A send on one node streamed into a receive on another, relayed through this machine (`ssh a zfs send | ssh b zfs
 * recv`): it needs no trust between the nodes themselves. Errors name the command that failed on its node.
 */
export async function transfer(
  cluster: Cluster,
  from: ClusterNode,
  send: Command,
  to: ClusterNode,
  receive: Command,
  onBytes?: (n: number) => void,
): Promise<PipeResult> {
  if (await goesDirect(cluster, from, to)) {
    const run = directStream(send, from.spec.name, to.ssh!.target, receive);
    const r = await from.core.ctx.runner.run(run);
    // The bytes crossed between the two nodes, not through here: unknown to this console.
    return { bytes: Number.NaN, from: r, to: r };
  }
  if (cluster.stream) return cluster.stream(from, send, to, receive, onBytes);
  const local = cluster.local;
  if (!local?.pipe) {
    throw new LxcriError('unsupported', `cannot stream from ${from.spec.name} to ${to.spec.name} here`, 'this machine has no runner that can pipe', 1);
  }
  const wrappedSend = from.ssh ? from.ssh.wrap(send) : send;
  const wrappedReceive = to.ssh ? to.ssh.wrap(receive) : receive;
  try {
    return await local.pipe(wrappedSend, wrappedReceive, onBytes ? { onBytes } : {});
  } catch (error) {
    const failed = (error as { result?: { command?: Command }; command?: Command }).result?.command ?? (error as { command?: Command }).command;
    if (failed === wrappedReceive) throw to.ssh ? to.ssh.remoteError(error, receive) : error;
    throw from.ssh ? from.ssh.remoteError(error, send) : error;
  }
}

/** Each node reaches the others through this cluster (a replication's steps, also when recovered from its journal). */
export function connectPeers(cluster: Cluster): void {
  for (const n of cluster.nodes) n.core.ctx.peer = (to) => replicationTarget(cluster, n, cluster.node(to));
}

/** The other node as a replication target of `from`. */
export function replicationTarget(cluster: Cluster, from: ClusterNode, to: ClusterNode): ReplicationTarget {
  return {
    node: to.spec.name,
    source: from.spec.name,
    zfs: to.core.ctx.zfs,
    ctx: to.core.ctx,
    transfer: (send, receive, onBytes) => transfer(cluster, from, send, to, receive, onBytes),
    warm: () => {
      // Failures are not said here: the same command later (a listing, the probe's answer) says them.
      void to.core.ctx.zfs.detect().catch(() => undefined);
      // A probe still on its way when the command ends keeps a CLI until it answers (connect timeout + 5 s at most).
      void goesDirect(cluster, from, to).catch(() => undefined);
    },
  };
}

const direct = new WeakMap<Cluster, Map<string, Promise<boolean>>>();

/**
 * Straight from node to node when neither is this machine and the source reaches the target over ssh by itself (a
 * Proxmox cluster's keys; asked once per pair and process). Otherwise, or with `replication.path: relay`, relayed.
 */
async function goesDirect(cluster: Cluster, from: ClusterNode, to: ClusterNode): Promise<boolean> {
  if (!from.ssh || !to.ssh || from.core.ctx.config.replication.path === 'relay') return false;
  let pairs = direct.get(cluster);
  if (!pairs) direct.set(cluster, (pairs = new Map()));
  const key = `${from.spec.name}>${to.spec.name}`;
  let known = pairs.get(key);
  if (!known) {
    known = from.core.ctx.runner.run(reachProbe(from.spec.name, to.ssh.target)).then(
      () => true,
      () => false,
    );
    pairs.set(key, known);
  }
  return known;
}

import { LxcriError } from '../errors.js';
import type { ReplicationTarget } from '../ops/replicate.js';
import type { Command, PipeResult } from '../runner/command.js';
import type { Cluster, ClusterNode } from './cluster.js';

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
  const local = cluster.local;
  if (!local?.pipe) {
    throw new LxcriError(
      'unsupported',
      `cannot stream from ${from.spec.name} to ${to.spec.name} here`,
      'this transport cannot pipe (the demo simulates nodes without streams)',
      1,
    );
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

/** The other node as a replication target of `from`. */
export function replicationTarget(cluster: Cluster, from: ClusterNode, to: ClusterNode): ReplicationTarget {
  return {
    node: to.spec.name,
    source: from.spec.name,
    zfs: to.core.ctx.zfs,
    ctx: to.core.ctx,
    transfer: (send, receive, onBytes) => transfer(cluster, from, send, to, receive, onBytes),
  };
}

import { copiesIndex, otherCopies } from '../model/also-on.js';
import type { Cluster } from './cluster.js';

/**
 * The other nodes that hold each snapshot of `node`'s containers (the same guid in their listings, whatever the name
 * there: a replica under replication.target_base too), from every node's listing: those already read, else one
 * refresh of the cluster (a round trip per node, side by side). A single host has none.
 */
export async function clusterCopies(cluster: Cluster, node: string | undefined): Promise<(guid: string) => string[]> {
  if (cluster.single || node === undefined) return () => [];
  let view = cluster.view();
  if (view.worlds.size < cluster.nodes.length) view = await cluster.refresh();
  const index = copiesIndex([...view.worlds].map(([name, world]) => ({ name, inventory: world.inventory })));
  return (guid) => otherCopies(index, node, guid);
}

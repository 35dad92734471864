import { RefusedError, UsageError } from '../errors.js';
import type { ContainerSourceName } from '../containers/types.js';
import { loadContainer } from '../ops/container.js';
import { configPath } from '../ops/move.js';
import { planFrom, readReplica, type ReplicatePlan } from '../ops/replicate.js';
import { copyConfig, copyDataset, freeId, type RestoreCopyInput } from '../ops/restore-copy.js';
import { selectSnapshot } from '../ops/select-snapshot.js';
import type { OnStep } from '../ops/engine.js';
import type { StepReport } from '../ops/steps.js';
import { poolOf, validateContainerId } from '../tools/zfs/names.js';
import { replicaNames } from '../model/replica-names.js';
import type { Cluster } from './cluster.js';
import { replicationTarget } from './transfer.js';

/** A checkpoint brought up on another node as a new container: what is replicated first, the new id, its dataset. */
export interface RestoreOnPlan {
  /** The original's id on its node, and its cluster ref (what runs it). */
  container: string;
  ref: string;
  snapshot: string;
  from: string;
  to: string;
  id: string;
  kind: ContainerSourceName;
  dataset: string;
  /** The replication that brings the checkpoint there first (absent when the replica has it already). */
  replicate?: ReplicatePlan;
  copy: RestoreCopyInput;
}

export interface RestoreOnResult {
  plan: RestoreOnPlan;
  executed: boolean;
  steps?: StepReport[];
}

/**
 * Plans `restore <ref> --snapshot X --on <node>`: the checkpoint (replicated there first when the node lacks it)
 * becomes a new container on that node, under an id free cluster-wide (`as`, or the lowest free from 100), with the
 * original's config. The original is not touched.
 */
export async function planRestoreOn(
  cluster: Cluster,
  ref: string,
  snapshot: string,
  to: string,
  opts: { as?: string; start?: boolean } = {},
): Promise<RestoreOnPlan> {
  const { node: src, id } = await cluster.locate(ref);
  const dst = cluster.node(to);
  if (dst === src) throw new UsageError(`${ref} is on ${to} already`, `restore it there without --on, or name another node`);
  if (opts.as !== undefined) validateContainerId(opts.as);
  const target = replicationTarget(cluster, src, dst);
  const c = await loadContainer(src.core.ctx, id);
  const snap = selectSnapshot(c.tree, snapshot);
  // The replica may be under replication.target_base there; the copy goes beside the target's containers, which is
  // only possible in the same pool (a clone stays in its origin's pool).
  const names = replicaNames(c.dataset, src.core.ctx.config.replication.target_base);
  if (poolOf(c.dataset) !== names.pool) {
    throw new RefusedError(
      `cannot bring ${ref} up on ${to}: its replica there is under ${names.root} (replication.target_base), not in pool ${poolOf(c.dataset)} where the copy goes, and a clone stays in its snapshot's pool`,
      `set replication.target_base to a dataset in pool ${poolOf(c.dataset)} (or remove it), then retry`,
    );
  }
  const [replica, view] = await Promise.all([readReplica(target, names.pool), cluster.refresh()]);
  const there = replica.records.find((r) => r.type === 'snapshot' && r.guid === snap.id);
  const replicate = there ? undefined : planFrom(c, replica, target, names);
  // Ids in use anywhere in the cluster, and every dataset name under the target's base (replicas included).
  const taken = new Set(view.containers.map((x) => x.summary.id));
  // Proxmox's own list of every guest id in the cluster (VMs too, and nodes that did not answer).
  for (const vmid of parseVmlist(await src.core.ctx.fs.readFile(`${src.core.ctx.config.pve.members.replace(/\/[^/]*$/, '')}/.vmlist`))) taken.add(vmid);
  const base = dst.core.ctx.config.zfs.base_dataset;
  for (const r of replica.filesystems) if (r.name.startsWith(`${base}/`)) taken.add(r.name.slice(base.length + 1));
  const newId = opts.as ?? freeId(id, taken);
  const dataset = copyDataset(c.dataset, id, newId);
  if (taken.has(newId) || replica.get(dataset)) {
    throw new RefusedError(
      `id ${newId} is taken (a container or dataset of that name exists)`,
      'name a free one with --as, or leave --as out for the next free id',
    );
  }
  const kind = c.container.sources[0]!;
  const path = configPath(src.core.ctx, kind, id, src.spec.name);
  const text = path ? await src.core.ctx.fs.readFile(path) : undefined;
  const mount = c.inventory.get(c.dataset)?.mountpoint;
  const config = copyConfig(dst.core.ctx, kind, text, { id, dataset: c.dataset, ...(mount ? { mount } : {}) }, newId, to);
  const copy: RestoreCopyInput = {
    id: newId,
    of: id,
    from: src.spec.name,
    kind,
    sources: [kind],
    // Replicated first: the snapshot will be under the replica's name there.
    origin: there?.name ?? names.toTarget(snap.fullName),
    dataset,
    ...(config ? { config } : {}),
    // With the original's static addresses it would clash with the original on the network: not started.
    start: (opts.start ?? true) && !config?.staticIps?.length,
  };
  return { container: id, ref, snapshot: snap.fullName, from: src.spec.name, to, id: newId, kind, dataset, ...(replicate ? { replicate } : {}), copy };
}

/** Runs the plan: the replication first when needed (journaled on the source), then the copy (journaled on the target). */
export async function restoreOn(cluster: Cluster, plan: RestoreOnPlan, step: OnStep = () => undefined): Promise<RestoreOnResult> {
  const { node: src, id } = await cluster.locate(plan.ref);
  const dst = cluster.node(plan.to);
  if (plan.replicate) await src.core.replicate(id, replicationTarget(cluster, src, dst));
  const steps = await dst.core.restoreCopy(plan.copy, step);
  return { plan, executed: true, steps };
}

/** The guest ids in pmxcfs's `/etc/pve/.vmlist` (`{"ids":{"100":{"node":"pve1","type":"lxc"}}}`); none when absent. */
export function parseVmlist(text: string | undefined): string[] {
  if (!text) return [];
  try {
    const ids = (JSON.parse(text) as { ids?: Record<string, unknown> }).ids;
    return ids && typeof ids === 'object' ? Object.keys(ids) : [];
  } catch {
    return [];
  }
}

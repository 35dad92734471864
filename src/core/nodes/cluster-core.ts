import { Core, type RestoreOptions, type UndoRestoreOptions } from '../core.js';
import { NotFoundError } from '../errors.js';
import type { CheckpointOptions } from '../ops/checkpoint.js';
import type { PrunePlan, PrunePolicy } from '../ops/prune.js';
import type { CommandLogEntry } from '../runner/command-log.js';
import { createCoreStore } from '../store.js';
import type { World } from '../world.js';
import type { Cluster, ClusterNode, ClusterView } from './cluster.js';
import { planRestoreOn, restoreOn, type RestoreOnPlan, type RestoreOnResult } from './restore-on.js';
import { replicationTarget } from './transfer.js';
import type { ReplicationResult } from '../ops/replicate.js';
import type { RestoreFileOptions } from '../ops/file-restore.js';

/** The merged world of several nodes: every node's containers (by cluster ref) and pools, and each node's own world. */
export function mergeWorlds(view: ClusterView, now: number): World | undefined {
  const first = [...view.worlds.values()][0];
  if (!first) return undefined;
  return {
    capabilities: first.capabilities,
    base: first.base,
    inventory: first.inventory,
    pools: [...view.worlds].flatMap(([node, w]) => w.pools.map((p) => ({ ...p, name: `${node}:${p.name}` }))),
    containers: view.containers.map((c) => ({ ...c.summary, id: c.ref, node: c.node, nodeId: c.summary.id })),
    refreshedAt: now,
    nodes: view.nodes.map((s) => ({
      name: s.name,
      local: s.local,
      ...(s.online !== undefined ? { online: s.online } : {}),
      ...(s.reachable !== undefined ? { reachable: s.reachable } : {}),
      ...(s.flavour ? { flavour: s.flavour } : {}),
      ...(s.version ? { version: s.version } : {}),
      ...(s.error ? { error: s.error } : {}),
      ...(view.worlds.get(s.name) ? { world: view.worlds.get(s.name)! } : {}),
    })),
    cluster: { ...(view.name ? { name: view.name } : {}), ...(view.quorate !== undefined ? { quorate: view.quorate } : {}) },
  };
}

/** A plan as the console keeps it: naming its container by cluster ref (and back by the node's id when run). */
function named<T>(plan: T, container: string): T {
  return plan && typeof plan === 'object' && 'container' in plan ? { ...plan, container } : plan;
}

/**
 * The console's core for a cluster of several nodes: the same API as one node's Core, each call routed to the node
 * its container ref names (`<id>` unique cluster-wide, `<node>:<id>`), and one store that merges every node's world,
 * busy counters, current operation and command log (remote commands prefixed with their node).
 */
export class ClusterCore extends Core {
  constructor(readonly cluster: Cluster) {
    const first = cluster.nodes.find((n) => n.local) ?? cluster.nodes[0]!;
    super({ ...first.core.ctx, store: createCoreStore() });
    for (const n of cluster.nodes) n.core.store.subscribe(() => this.mergeActivity());
  }

  private mergeActivity(): void {
    const states = this.cluster.nodes.map((n) => ({ n, s: n.core.store.getState() }));
    const commandLog: CommandLogEntry[] = states
      .flatMap(({ n, s }, i) => s.commandLog.map((e) => ({ ...e, seq: i * 1_000_000_000 + e.seq, argv: n.local ? e.argv : [`${n.spec.name}:`, ...e.argv] })))
      .sort((a, b) => a.at - b.at)
      .slice(-500);
    this.store.setState({
      busy: states.reduce((t, { s }) => t + s.busy, 0),
      mutating: states.reduce((t, { s }) => t + s.mutating, 0),
      operation: states.find(({ s }) => s.operation)?.s.operation,
      commandLog,
    });
  }

  override cancel(): void {
    for (const n of this.cluster.nodes) n.core.cancel();
  }

  private async on(ref: string): Promise<{ node: ClusterNode; id: string }> {
    return this.cluster.locate(ref);
  }

  override async refresh(): Promise<World> {
    const view = await this.cluster.refresh();
    const world = mergeWorlds(view, Date.now());
    if (!world) {
      const reasons = view.nodes.map((n) => `${n.name}: ${n.error ?? 'no answer'}`).join('; ');
      throw new NotFoundError(`no node answered (${reasons})`, 'check the nodes and that `ssh <node>` works without a password');
    }
    this.store.setState({ world });
    return world;
  }

  override async tree(ref: string) {
    const { node, id } = await this.on(ref);
    return { ...(await node.core.tree(id)), container: ref };
  }

  override async checkpoint(refs: readonly string[], opts: CheckpointOptions & { dataset?: string } = {}) {
    const located = await Promise.all(refs.map((r) => this.on(r)));
    const nodes = [...new Set(located.map((l) => l.node))];
    if (nodes.length > 1) {
      // One group checkpoint per node (atomic within each node, never across the cluster).
      const results = await Promise.all(
        nodes.map((n) =>
          n.core.checkpoint(
            located.filter((l) => l.node === n).map((l) => l.id),
            opts,
          ),
        ),
      );
      return { ...results[0]!, checkpoints: results.flatMap((r) => r.checkpoints), atomic: false, note: 'one checkpoint per node: atomic within a node only' };
    }
    return nodes[0]!.core.checkpoint(
      located.map((l) => l.id),
      opts,
    );
  }

  override async checkpointStateful(ref: string, opts: { label?: string } = {}) {
    const { node, id } = await this.on(ref);
    return node.core.checkpointStateful(id, opts);
  }

  override async planRestoreChoices(ref: string, snapshot: string) {
    const { node, id } = await this.on(ref);
    const r = await node.core.planRestoreChoices(id, snapshot);
    return { ...r, branch: named(r.branch, ref), ...(r.rollback ? { rollback: named(r.rollback, ref) } : {}) };
  }

  override async restore(ref: string, opts: RestoreOptions = {}) {
    const { node, id } = await this.on(ref);
    return node.core.restore(id, { ...opts, ...(opts.plan ? { plan: named(opts.plan, id) } : {}) });
  }

  // A container's files are read and restored on its own node (diff, one file's text, the file browser, restore-file).
  override async diff(ref: string, from: string, to?: string, opts: { content?: boolean } = {}) {
    const { node, id } = await this.on(ref);
    return { ...(await node.core.diff(id, from, to, opts)), container: ref };
  }

  override async diffFile(ref: string, from: string, to: string | undefined, path: string, opts: { toPath?: string } = {}) {
    const { node, id } = await this.on(ref);
    return { ...(await node.core.diffFile(id, from, to, path, opts)), container: ref };
  }

  override async files(ref: string, checkpoint: string, path?: string) {
    const { node, id } = await this.on(ref);
    return { ...(await node.core.files(id, checkpoint, path)), container: ref };
  }

  override async planRestoreFile(ref: string, checkpoint: string, path: string, opts: RestoreFileOptions = {}) {
    const { node, id } = await this.on(ref);
    return { ...(await node.core.planRestoreFile(id, checkpoint, path, opts)), container: ref };
  }

  override async restoreFile(ref: string, checkpoint: string, path: string, opts: RestoreFileOptions & { confirmed?: boolean } = {}) {
    const { node, id } = await this.on(ref);
    return { ...(await node.core.restoreFile(id, checkpoint, path, opts)), container: ref };
  }

  override async planUndoRestore(ref: string, opts: UndoRestoreOptions = {}) {
    const { node, id } = await this.on(ref);
    return named(await node.core.planUndoRestore(id, opts), ref);
  }

  override async undoRestore(ref: string, opts: Parameters<Core['undoRestore']>[1] = {}) {
    const { node, id } = await this.on(ref);
    return node.core.undoRestore(id, { ...opts, ...(opts.plan ? { plan: named(opts.plan, id) } : {}) });
  }

  override async planDelete(ref: string, snapshot: string, subtree = false) {
    const { node, id } = await this.on(ref);
    return named(await node.core.planDelete(id, snapshot, subtree), ref);
  }

  override async delete(ref: string, snapshot: string, opts: { subtree?: boolean; confirmed?: boolean } = {}) {
    const { node, id } = await this.on(ref);
    return node.core.delete(id, snapshot, opts);
  }

  override async planDeleteBranch(ref: string, dataset: string) {
    const { node, id } = await this.on(ref);
    return named(await node.core.planDeleteBranch(id, dataset), ref);
  }

  override async deleteBranch(ref: string, dataset: string, opts: { confirmed?: boolean } = {}) {
    const { node, id } = await this.on(ref);
    return node.core.deleteBranch(id, dataset, opts);
  }

  override async planDeleteSet(ref: string, snapshots: readonly string[]) {
    const { node, id } = await this.on(ref);
    return named(await node.core.planDeleteSet(id, snapshots), ref);
  }

  override async deleteSet(ref: string, snapshots: readonly string[], opts: Parameters<Core['deleteSet']>[2] = {}) {
    const { node, id } = await this.on(ref);
    return node.core.deleteSet(id, snapshots, { ...opts, ...(opts.plan ? { plan: named(opts.plan, id) } : {}) });
  }

  /** Plans name their container by cluster ref, so `prune` sends each back to its node. */
  override async planPrune(refs: readonly string[], policy: Partial<PrunePolicy> = {}): Promise<PrunePlan[]> {
    const plans: PrunePlan[] = [];
    for (const ref of refs) {
      const { node, id } = await this.on(ref);
      for (const p of await node.core.planPrune([id], policy)) plans.push({ ...p, container: ref });
    }
    return plans;
  }

  override async prune(plans: readonly PrunePlan[], confirmed: boolean) {
    const byNode = new Map<ClusterNode, PrunePlan[]>();
    for (const p of plans) {
      const { node, id } = await this.on(p.container);
      byNode.set(node, [...(byNode.get(node) ?? []), { ...p, container: id }]);
    }
    return (await Promise.all([...byNode].map(([node, list]) => node.core.prune(list, confirmed)))).flat();
  }

  /** Replicates the container's checkpoint tree to another node (`dryRun`: the plan only). */
  async replicateTo(ref: string, to: string, opts: { dryRun?: boolean } = {}): Promise<ReplicationResult> {
    const { node, id } = await this.on(ref);
    const r = await node.core.replicate(id, replicationTarget(this.cluster, node, this.cluster.node(to)), opts);
    return { ...r, container: ref };
  }

  /** What bringing a checkpoint up on another node as a new container would do (reads only). */
  planRestoreOn(ref: string, snapshot: string, to: string): Promise<RestoreOnPlan> {
    return planRestoreOn(this.cluster, ref, snapshot, to);
  }

  /** Brings the checkpoint up there as the plan says: replicated first when the node lacks it, the original untouched. */
  restoreOn(plan: RestoreOnPlan): Promise<RestoreOnResult> {
    return restoreOn(this.cluster, plan);
  }

  /** Moves the container to another node with its checkpoint tree (`dryRun`: the plan and pre-flight only). */
  async moveTo(ref: string, to: string, opts: { dryRun?: boolean; keepSource?: boolean } = {}) {
    const { node, id } = await this.on(ref);
    const r = await node.core.move(id, replicationTarget(this.cluster, node, this.cluster.node(to)), opts);
    return { ...r, plan: { ...r.plan, container: ref } };
  }

  override async poolStatus() {
    const all = await this.cluster.eachNode((core) => core.poolStatus(), { batched: false });
    return this.cluster.nodes.flatMap((n) => (all.get(n.spec.name) ?? []).map((s) => ({ ...s, pool: `${n.spec.name}:${s.pool}` })));
  }

  override async interrupted() {
    const all = await this.cluster.eachNode((core) => core.interrupted(), { batched: false });
    return this.cluster.nodes.flatMap((n) => all.get(n.spec.name) ?? []);
  }

  override async recover(entryId: string, mode: Parameters<Core['recover']>[1]) {
    for (const n of this.cluster.nodes) {
      if (this.cluster.status.get(n.spec.name)?.reachable === false) continue;
      if ((await n.core.interrupted()).some((e) => e.id === entryId)) return n.core.recover(entryId, mode);
    }
    throw new NotFoundError(`no interrupted operation ${entryId} on a reachable node`, 'list them with `lxcri-console recover --node NAME`');
  }
}

import { NotFoundError, UsageError } from '../errors.js';
import type { Core } from '../core.js';
import type { Command, PipeResult, Runner } from '../runner/command.js';
import type { ContainerSummary, NodeInfo, World } from '../world.js';
import type { BatchingRunner } from './read-batch.js';
import { splitContainerRef, type NodeSpec } from './node-spec.js';
import { NodeUnreachableError, type SshRunner } from './ssh-runner.js';

/** One node: its spec and the core that drives it (over its own runner and files). */
export interface ClusterNode {
  spec: NodeSpec;
  core: Core;
  local: boolean;
  /** A node over ssh: its reads batched into one round trip per refresh. */
  batch?: BatchingRunner;
  /** A node over ssh: how a command of its is run from here (one side of a pipe between nodes). */
  ssh?: SshRunner;
  /** Called after each refresh that reached the node (keeps what it learned for the next process). */
  afterRefresh?: () => void;
}

/** A node's state: what the faces show, and when to try it again. */
export interface NodeStatus extends NodeInfo {
  /** Consecutive failed refreshes; the next try waits longer each time (backoff). */
  failures: number;
  retryAt?: number;
  refreshedAt?: number;
  /** How long its last refresh took. */
  ms?: number;
}

/** A container somewhere in the cluster: `ref` is its id when unique cluster-wide, `<node>:<id>` otherwise. */
export interface ClusterContainer {
  node: string;
  ref: string;
  summary: ContainerSummary;
}

export interface ClusterView {
  name?: string;
  quorate?: boolean;
  nodes: NodeStatus[];
  worlds: Map<string, World>;
  containers: ClusterContainer[];
}

/** A send on one node into a receive on another, run by whatever carries streams between this cluster's nodes. */
export type NodeStream = (from: ClusterNode, send: Command, to: ClusterNode, receive: Command, onBytes?: (n: number) => void) => Promise<PipeResult>;

export interface ClusterOptions {
  /** This machine's runner: what pipes a send on one node into a receive on another. */
  local?: Runner;
  /** Carries the streams between nodes instead (the demo's simulated nodes hand them over in memory). */
  stream?: NodeStream;
  /** A node's refresh not finished by then is reported unreachable (the others go on). */
  timeoutMs: number;
  now?: () => number;
  name?: string;
  quorate?: boolean;
}

const BACKOFF_MS = [5_000, 10_000, 30_000, 60_000];

/** `<id>` where no other node has that id (Proxmox vmids are unique cluster-wide), `<node>:<id>` where one does. */
export function containerRefs(entries: ReadonlyArray<{ node: string; id: string }>, qualifyAll = false): string[] {
  const count = new Map<string, number>();
  for (const e of entries) count.set(e.id, (count.get(e.id) ?? 0) + 1);
  return entries.map((e) => (qualifyAll || count.get(e.id)! > 1 ? `${e.node}:${e.id}` : e.id));
}

function withTimeout<T>(task: Promise<T>, ms: number, what: string, onTimeout?: (error: Error) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`no answer within ${Math.round(ms / 1000)} s (${what})`);
      onTimeout?.(error);
      reject(error);
    }, ms);
  });
  return Promise.race([task, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Every node of the cluster, refreshed in parallel (one round trip each over ssh): a node that does not answer in
 * time is shown unreachable with the reason and retried with backoff, never holding up the others.
 */
export class Cluster {
  readonly status = new Map<string, NodeStatus>();
  private readonly now: () => number;

  constructor(
    readonly nodes: readonly ClusterNode[],
    private readonly options: ClusterOptions,
  ) {
    this.now = options.now ?? Date.now;
    for (const n of nodes) {
      this.status.set(n.spec.name, { name: n.spec.name, local: n.local, failures: 0, ...(n.spec.online !== undefined ? { online: n.spec.online } : {}) });
    }
  }

  /** A cluster of just this core's node (tests, and faces given one core). */
  static ofCore(core: Core, name = 'localhost'): Cluster {
    return new Cluster([{ spec: { name, ssh: 'local' }, core, local: true }], { timeoutMs: core.ctx.config.runner.timeout_seconds * 1000 });
  }

  /** This machine's runner (pipes between nodes go through it). */
  get local(): Runner | undefined {
    return this.options.local;
  }

  get stream(): NodeStream | undefined {
    return this.options.stream;
  }

  /** One node and nothing else: the console and CLI work exactly as on a single host. */
  get single(): boolean {
    return this.nodes.length === 1;
  }

  node(name: string): ClusterNode {
    const n = this.nodes.find((x) => x.spec.name === name);
    if (!n) throw new UsageError(`unknown node '${name}'`, `nodes: ${this.nodes.map((x) => x.spec.name).join(', ')}`);
    return n;
  }

  /** Refreshes every node at once; with `force`, nodes waiting out their backoff are tried too. */
  async refresh(opts: { force?: boolean } = {}): Promise<ClusterView> {
    await this.eachNode((core) => core.refresh(), opts);
    return this.view();
  }

  /**
   * Runs a read on every node at once (one batched round trip each over ssh), each within the timeout; a node that
   * fails is marked unreachable with the reason and left out of the answer, the others are not held up.
   */
  async eachNode<T>(task: (core: Core) => Promise<T>, opts: { force?: boolean; batched?: boolean } = {}): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    await Promise.all(
      this.nodes.map(async (n) => {
        const r = await this.runOnNode(n, task, opts.force ?? false, opts.batched ?? true);
        if (r.ok) out.set(n.spec.name, r.value);
      }),
    );
    return out;
  }

  /**
   * `batched`: the task is a refresh (its reads learned and run in one round trip next time); a read of another kind
   * (the journal, pool status) runs on its own, so it neither uses nor replaces what the refreshes learned.
   */
  private async runOnNode<T>(
    n: ClusterNode,
    task: (core: Core) => Promise<T>,
    force: boolean,
    batched: boolean,
  ): Promise<{ ok: true; value: T } | { ok: false }> {
    const batch = batched ? n.batch : undefined;
    const s = this.status.get(n.spec.name)!;
    if (s.online === false) {
      this.status.set(n.spec.name, { ...s, reachable: false, error: 'offline (the cluster says so: /etc/pve/.members)' });
      return { ok: false };
    }
    if (!force && s.retryAt !== undefined && this.now() < s.retryAt) return { ok: false };
    const started = this.now();
    try {
      const value = await withTimeout(
        (async () => {
          let generation: number | undefined;
          let completed = false;
          try {
            const begun = batch?.begin({ timeoutMs: this.options.timeoutMs });
            // Known before begin's round trip: a begin that fails late closes its own window, never a newer one.
            generation = batch?.currentGeneration;
            await begun;
            const value = batch ? await batch.within(() => task(n.core)) : await task(n.core);
            completed = true;
            return value;
          } finally {
            batch?.end(generation, completed);
          }
        })(),
        this.options.timeoutMs,
        n.spec.ssh,
        // What is still running of the node's refresh stops now, rather than going on in the background.
        (error) => batch?.abort(error),
      );
      const world = n.core.store.getState().world;
      this.status.set(n.spec.name, {
        ...s,
        reachable: true,
        ...(world ? { flavour: world.capabilities.flavour, version: world.capabilities.version, refreshedAt: world.refreshedAt } : {}),
        failures: 0,
        ms: this.now() - started,
        error: undefined,
        retryAt: undefined,
      });
      n.afterRefresh?.();
      return { ok: true, value };
    } catch (error) {
      const failures = s.failures + 1;
      const reason = error instanceof NodeUnreachableError ? error.reason : (error as Error).message;
      this.status.set(n.spec.name, {
        ...s,
        reachable: false,
        error: reason,
        failures,
        retryAt: this.now() + BACKOFF_MS[Math.min(failures, BACKOFF_MS.length) - 1]!,
        ms: this.now() - started,
      });
      return { ok: false };
    }
  }

  /** What the faces show: the nodes, each reachable node's world, and every container with its cluster ref. */
  view(): ClusterView {
    const worlds = new Map<string, World>();
    const entries: Array<{ node: string; summary: ContainerSummary }> = [];
    for (const n of this.nodes) {
      const world = n.core.store.getState().world;
      if (!world || !this.status.get(n.spec.name)?.reachable) continue;
      worlds.set(n.spec.name, world);
      for (const summary of world.containers) entries.push({ node: n.spec.name, summary });
    }
    const refs = containerRefs(entries.map((e) => ({ node: e.node, id: e.summary.id })));
    return {
      ...(this.options.name ? { name: this.options.name } : {}),
      ...(this.options.quorate !== undefined ? { quorate: this.options.quorate } : {}),
      nodes: this.nodes.map((n) => this.status.get(n.spec.name)!),
      worlds,
      containers: entries.map((e, i) => ({ node: e.node, ref: refs[i]!, summary: e.summary })),
    };
  }

  /** The nodes that did not answer, for a warning line. */
  unreachable(): NodeStatus[] {
    return [...this.status.values()].filter((s) => s.reachable === false);
  }

  /**
   * Which node a container ref names: `<node>:<id>` directly; a bare id by looking in every node's listing (the
   * cluster is refreshed when it has not been yet). A single node needs no lookup.
   */
  async locate(ref: string): Promise<{ node: ClusterNode; id: string }> {
    const { node, id } = splitContainerRef(ref);
    if (node) return { node: this.node(node), id };
    if (this.single) return { node: this.nodes[0]!, id };
    if ([...this.status.values()].every((s) => s.reachable === undefined)) await this.refresh();
    const found = this.view().containers.filter((c) => c.summary.id === id);
    if (found.length > 1) {
      throw new UsageError(
        `container ${id} exists on several nodes (${found.map((c) => c.node).join(', ')})`,
        `name one: ${found.map((c) => `${c.node}:${id}`).join(' or ')}`,
      );
    }
    if (found.length === 1) return { node: this.node(found[0]!.node), id };
    const missing = this.unreachable().map((s) => s.name);
    throw new NotFoundError(
      `container ${id} not found on ${missing.length ? 'the reachable nodes' : 'any node'}${missing.length ? ` (unreachable: ${missing.join(', ')})` : ''}`,
      missing.length ? `name its node if it is on one of those: <node>:${id}` : 'lxcri-console list shows every container',
    );
  }
}

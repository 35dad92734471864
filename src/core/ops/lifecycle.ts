import type { CoreContext } from '../context.js';
import { LxcriError, RefusedError } from '../errors.js';
import type { Container, ContainerStatus } from '../containers/types.js';
import { ToolMissingError } from '../runner/errors.js';
import { requireLocalImageStore } from '../criu/store.js';
import { criuRestore } from './stateful.js';
import type { Step } from './steps.js';

/** Proxmox's `lock:` means another task owns the container: refuse, naming the lock. */
export function refuseIfPveLocked(c: Container): void {
  if (c.lock) {
    throw new RefusedError(
      `container ${c.id} is locked by Proxmox (${c.lock})`,
      `wait for the ${c.lock} task to finish; if it is stuck, clear it with \`pct unlock ${c.id}\``,
    );
  }
}

/** The container's state now: LXC's view (Proxmox containers are LXC containers too), else the LXCRI state. */
export async function liveStatus(ctx: CoreContext, c: Container): Promise<ContainerStatus> {
  if (c.sources.includes('lxc') || c.sources.includes('pct')) {
    try {
      const s = (await ctx.lxc.state(c.id)).toLowerCase();
      return s === 'running' || s === 'stopped' || s === 'frozen' ? s : 'unknown';
    } catch (error) {
      if (error instanceof ToolMissingError) return c.status;
      return c.sources.includes('pct') ? 'stopped' : c.status;
    }
  }
  return c.status;
}

/** What a restore needs to stop and start a container, kept in its journal so recovery can do the same. */
export interface Lifecycle {
  id: string;
  sources: Container['sources'];
  /** Running (or frozen) when the restore was planned: it is shut down first. */
  wasRunning: boolean;
  /** Start it again afterwards (false with --no-start). */
  start: boolean;
  /** A stateful checkpoint's CRIU image: its processes are brought back instead of a cold start. */
  image?: string;
  coldFallback?: boolean;
}

/** What an operation does to the service, for its preview: running or not now, and how long it may take to shut down. */
export interface ServicePreview {
  name: string;
  status: ContainerStatus;
  running: boolean;
  /** A graceful shutdown waits this long, then the container is stopped hard. */
  shutdownSeconds: number;
}

export async function servicePreview(ctx: CoreContext, c: Container): Promise<ServicePreview> {
  const status = await liveStatus(ctx, c);
  return { name: c.name, status, running: status === 'running' || status === 'frozen', shutdownSeconds: ctx.config.container.shutdown_timeout_seconds };
}

/** Refuses, before anything runs, a running container this tool cannot stop. */
export async function planLifecycle(ctx: CoreContext, c: Container, opts: { noStart?: boolean; image?: string; coldFallback?: boolean }): Promise<Lifecycle> {
  // A stateful checkpoint's processes come back from this machine's image store only: on a remote node refused here,
  // before anything runs, unless a cold start will do (--cold-fallback).
  if (opts.image && !opts.noStart && !opts.coldFallback) requireLocalImageStore(ctx);
  const status = await liveStatus(ctx, c);
  const wasRunning = status === 'running' || status === 'frozen';
  if (wasRunning && !c.sources.includes('pct') && !c.sources.includes('lxc')) {
    throw new RefusedError(
      `container ${c.id} is ${status} and lxcri-console cannot stop it (${c.sources.join(', ')})`,
      'stop it with its runtime first, then restore',
    );
  }
  return {
    id: c.id,
    sources: c.sources,
    wasRunning,
    start: !opts.noStart,
    ...(opts.image ? { image: opts.image } : {}),
    ...(opts.coldFallback ? { coldFallback: true } : {}),
  };
}

function statusOf(ctx: CoreContext, lc: Lifecycle): Promise<ContainerStatus> {
  return liveStatus(ctx, { id: lc.id, name: lc.id, status: 'unknown', sources: lc.sources, mounts: [] });
}

/**
 * A graceful shutdown that waits `container.shutdown_timeout_seconds`, then a hard stop; a container already
 * stopped (a step run again after a crash) is left as it is.
 */
export async function stopContainer(ctx: CoreContext, lc: Lifecycle): Promise<void> {
  // Only a container known to be stopped is left alone: an unknown state (lxc-info failing) still gets the stop.
  if ((await statusOf(ctx, lc)) === 'stopped') return;
  const timeout = ctx.config.container.shutdown_timeout_seconds;
  if (lc.sources.includes('pct')) {
    try {
      await ctx.pct.shutdown(lc.id, timeout);
    } catch (error) {
      if (error instanceof LxcriError && error.code === 'locked') throw error;
      await ctx.pct.stop(lc.id);
    }
  } else {
    await ctx.lxc.stop(lc.id, timeout);
  }
}

export async function startContainer(ctx: CoreContext, lc: Lifecycle): Promise<void> {
  const status = await statusOf(ctx, lc);
  if (status === 'running' || status === 'frozen') return;
  if (lc.sources.includes('pct')) await ctx.pct.start(lc.id);
  else await ctx.lxc.start(lc.id);
}

/**
 * The steps around a restore: shut down (undone by a start, so an interrupted or failed restore brings the
 * container back) before, and start, or a CRIU restore for a stateful checkpoint, after (undone by a stop). A
 * failed start keeps the restore: the error says the container is stopped.
 */
export function lifecycleSteps(ctx: CoreContext, lc: Lifecycle | undefined, out?: Record<string, unknown>): { before: Step[]; after: Step[] } {
  if (!lc) return { before: [], after: [] };
  const timeout = ctx.config.container.shutdown_timeout_seconds;
  const before: Step[] = lc.wasRunning
    ? [{ title: `shut down ${lc.id} (up to ${timeout} s, then stop)`, run: () => stopContainer(ctx, lc), undo: () => startContainer(ctx, lc) }]
    : [];
  const after: Step[] = [];
  if (lc.image && lc.start) {
    after.push({
      title: `bring ${lc.id}'s processes back (CRIU restore)`,
      run: async () => {
        if (out) out.state = await criuRestore(ctx, lc.id, lc.image!, lc.coldFallback ?? false);
        else await criuRestore(ctx, lc.id, lc.image!, lc.coldFallback ?? false);
      },
      // Undone (recover --undo after a kill here) by stopping it again, so the swap can be reversed under it.
      undo: () => stopContainer(ctx, lc),
      onFailure: 'stop',
    });
  } else if (lc.wasRunning && lc.start) {
    after.push({ title: `start ${lc.id}`, run: () => startContainer(ctx, lc), undo: () => stopContainer(ctx, lc), onFailure: 'stop' });
  }
  return { before, after };
}

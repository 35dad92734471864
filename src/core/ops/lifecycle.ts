import type { CoreContext } from '../context.js';
import { LxcriError, RefusedError } from '../errors.js';
import type { Container, ContainerStatus } from '../containers/types.js';
import { ToolMissingError } from '../runner/errors.js';

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

/**
 * Stops a running container for a restore: a graceful shutdown that waits `container.shutdown_timeout_seconds`,
 * then a hard stop. Returns whether it was running, so it can be started again.
 */
export async function stopForRestore(ctx: CoreContext, c: Container, onStep?: (t: string) => void): Promise<boolean> {
  const status = await liveStatus(ctx, c);
  if (status !== 'running' && status !== 'frozen') return false;
  const timeout = ctx.config.container.shutdown_timeout_seconds;
  onStep?.(`shut down ${c.id} (up to ${timeout} s, then stop)`);
  if (c.sources.includes('pct')) {
    try {
      await ctx.pct.shutdown(c.id, timeout);
    } catch (error) {
      if (error instanceof LxcriError && error.code === 'locked') throw error;
      await ctx.pct.stop(c.id);
    }
  } else if (c.sources.includes('lxc')) {
    await ctx.lxc.stop(c.id, timeout);
  } else {
    throw new RefusedError(`container ${c.id} is ${status} and lxcri-console cannot stop it (${c.sources.join(', ')})`, 'stop it with its runtime first, then restore');
  }
  return true;
}

export async function startAfterRestore(ctx: CoreContext, c: Container, onStep?: (t: string) => void): Promise<void> {
  onStep?.(`start ${c.id}`);
  if (c.sources.includes('pct')) await ctx.pct.start(c.id);
  else await ctx.lxc.start(c.id);
}

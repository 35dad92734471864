import { LxcriError } from '../errors.js';
import { cmd, type Runner } from '../runner/command.js';
import { ToolFailedError, ToolMissingError } from '../runner/errors.js';
import { parsePctConfig, parsePctList, type PctListRow } from '../containers/sources/pct-parse.js';

/** Proxmox's pct: a failed pct prints the bare error on stderr and exits 255. */
export class Pct {
  /** Set once `pct` turned out to be missing (not a Proxmox host): later calls fail without spawning. */
  private missing?: ToolMissingError;

  constructor(private readonly runner: Runner) {}

  async list(): Promise<PctListRow[]> {
    return parsePctList((await this.run(['list'])).stdout);
  }

  async config(vmid: string): Promise<Record<string, string>> {
    return parsePctConfig((await this.run(['config', vmid])).stdout);
  }

  async shutdown(vmid: string, timeoutSeconds: number): Promise<void> {
    await this.run(['shutdown', vmid, '--timeout', String(timeoutSeconds)], true, (timeoutSeconds + 30) * 1000);
  }

  async stop(vmid: string): Promise<void> {
    await this.run(['stop', vmid], true, 120_000);
  }

  async start(vmid: string): Promise<void> {
    await this.run(['start', vmid], true, 120_000);
  }

  private async run(args: string[], mutates = false, timeoutMs?: number) {
    if (this.missing) throw this.missing;
    // Not a Proxmox host: say so without spawning (a refresh then costs no process for pct).
    if (this.runner.has && !this.runner.has('pct')) throw (this.missing = new ToolMissingError(cmd('pct', args)));
    try {
      return await this.runner.run(cmd('pct', args, mutates, { lockKey: `ct:${args[1] ?? ''}`, ...(timeoutMs ? { timeoutMs } : {}) }));
    } catch (error) {
      if (error instanceof ToolMissingError) this.missing = error;
      if (error instanceof ToolFailedError) {
        const m = /CT is locked \(([^)]+)\)/.exec(error.stderr);
        if (m)
          throw new LxcriError(
            'locked',
            `container ${args[1]} is locked by Proxmox (${m[1]})`,
            `wait for the ${m[1]} task to finish, or clear a stuck lock with \`pct unlock ${args[1]}\``,
          );
      }
      throw error;
    }
  }
}

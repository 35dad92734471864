import { cmd, type Runner } from '../runner/command.js';
import { LXC_LS_FIELDS, parseLxcLs, type LxcLsRow } from '../containers/sources/lxc-parse.js';

/** The lxc-* tools. Every call names the container with -n and, when configured, the lxcpath with -P. */
export class Lxc {
  constructor(
    private readonly runner: Runner,
    private readonly lxcpath: string,
  ) {}

  private path(): string[] {
    return ['-P', this.lxcpath];
  }

  async list(): Promise<LxcLsRow[]> {
    const r = await this.runner.run(cmd('lxc-ls', [...this.path(), '-f', '-F', LXC_LS_FIELDS.join(',')]));
    return parseLxcLs(r.stdout);
  }

  /** `lxc-info -H -s`: RUNNING, STOPPED, FROZEN… */
  async state(name: string): Promise<string> {
    const r = await this.runner.run(cmd('lxc-info', [...this.path(), '-n', name, '-H', '-s']));
    return r.stdout.trim();
  }

  /** Asks the container to shut down, waiting `timeoutSeconds`, then kills it (lxc-stop's own -t semantics). */
  async stop(name: string, timeoutSeconds: number): Promise<void> {
    await this.runner.run(
      cmd('lxc-stop', [...this.path(), '-n', name, '-t', String(timeoutSeconds)], true, { timeoutMs: (timeoutSeconds + 30) * 1000, lockKey: `ct:${name}` }),
    );
  }

  async start(name: string): Promise<void> {
    await this.runner.run(cmd('lxc-start', [...this.path(), '-n', name, '-d'], true, { timeoutMs: 60_000, lockKey: `ct:${name}` }));
  }

  /** CRIU dump through LXC, leaving the container running (`-s` would stop it). */
  async checkpoint(name: string, dir: string): Promise<void> {
    await this.runner.run(cmd('lxc-checkpoint', [...this.path(), '-n', name, '-D', dir], true, { timeoutMs: 600_000, lockKey: `ct:${name}` }));
  }

  /** CRIU restore through LXC; the container comes back running. */
  async restore(name: string, dir: string): Promise<void> {
    await this.runner.run(cmd('lxc-checkpoint', [...this.path(), '-n', name, '-r', '-D', dir], true, { timeoutMs: 600_000, lockKey: `ct:${name}` }));
  }
}

import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { LxcriError } from '../errors.js';
import type { Command, CommandResult, RunOptions, Runner } from '../runner/command.js';
import { ToolAbortedError, ToolFailedError, ToolMissingError, ToolTimeoutError } from '../runner/errors.js';
import { shellCommand } from './shell-quote.js';

/** How this machine reaches one node with ssh: the form Proxmox itself uses (pvesr, pct migrate, pvesh's proxy). */
export interface SshTarget {
  node: string;
  /** Validated by validateSshDestination before it gets here. */
  destination: string;
  /** `ssh -F FILE` */
  sshConfig?: string;
  /** The node's own known_hosts (Proxmox: /etc/pve/nodes/<node>/ssh_known_hosts), checked under the alias. */
  knownHosts?: string;
  connectTimeoutSeconds: number;
  controlPersistSeconds: number;
  /** Where the shared connections' sockets live (the user's runtime dir). */
  controlDir: string;
  /** The local runner's timeout for a command that sets none (config runner.timeout_seconds): the watchdog's clock. */
  commandTimeoutMs?: number;
}

/** The node did not answer (ssh's own failure, exit 255): the reason is ssh's last line. */
export class NodeUnreachableError extends LxcriError {
  constructor(
    readonly node: string,
    readonly reason: string,
  ) {
    super('unreachable', `node ${node} is unreachable: ${reason}`, `check that ${node} is up and that \`ssh ${node}\` works without a password`, 1);
    this.name = 'NodeUnreachableError';
  }
}

export function defaultControlDir(): string {
  const base = process.env.XDG_RUNTIME_DIR || (process.getuid?.() === 0 ? '/run' : '/tmp');
  return `${base}/lxcri-console-ssh-${process.getuid?.() ?? 'user'}`;
}

/**
 * A Unix socket path holds at most 107 bytes (sun_path), and a master binds `<ControlPath>.<16 random chars>` before
 * renaming it into place: a longer path makes every ssh fail (exit 255, "too long for Unix domain socket").
 */
const SOCKET_PATH_MAX = 107 - 17;
/** How long after its timeout (or abort) a command may still hold on before its shared connection is closed. */
const STUCK_GRACE_MS = 1_000;
/** `%C`: ssh's 40 hex digit hash of the local host, remote host, port, user (and jump host). */
const PERCENT_C_LENGTH = 40;

/**
 * Where the node's shared connection lives: `<dir>/%C` when it fits in a socket path; under a long runtime dir, a
 * shorter name of our own (a hash of everything that picks the connection); when even that does not fit, none (each
 * ssh connects on its own: slower, never broken). `%` in the dir is doubled (ssh expands `%` tokens).
 */
export function controlPath(t: SshTarget): string | undefined {
  // No directory of our own (privateDir refused it): no shared connection, each command connects anew.
  if (!t.controlDir || /\s|"/.test(t.controlDir)) return undefined;
  const dir = t.controlDir.replace(/%/g, '%%');
  const bytes = Buffer.byteLength(t.controlDir);
  if (bytes + 1 + PERCENT_C_LENGTH <= SOCKET_PATH_MAX) return `${dir}/%C`;
  const name = createHash('sha256')
    .update([t.node, t.destination, t.sshConfig ?? '', t.knownHosts ?? ''].join('\0'))
    .digest('hex')
    .slice(0, 12);
  if (bytes + 1 + name.length <= SOCKET_PATH_MAX) return `${dir}/${name}`;
  return undefined;
}

/** ssh's argv for one remote command string; every option fixed here, the destination last before `--`'s command. */
export function sshArgv(t: SshTarget, remote: string): string[] {
  const control = controlPath(t);
  return [
    ...(t.sshConfig ? ['-F', t.sshConfig] : []),
    '-e',
    'none',
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${t.connectTimeoutSeconds}`,
    ...(control
      ? // ControlPersist=0 would keep the connection forever: 0 means none kept once idle.
        ['-o', 'ControlMaster=auto', '-o', `ControlPath=${control}`, '-o', `ControlPersist=${t.controlPersistSeconds > 0 ? t.controlPersistSeconds : 'no'}`]
      : ['-o', 'ControlMaster=no', '-o', 'ControlPath=none']),
    // Proxmox's per-node known_hosts lists each node's key under its name: checked by that name (as pvesr does).
    // Otherwise the admin's own known_hosts and ssh_config decide (a key recorded under the address is found).
    ...(t.knownHosts ? ['-o', `HostKeyAlias=${t.node}`, '-o', `UserKnownHostsFile=${t.knownHosts}`, '-o', 'GlobalKnownHostsFile=none'] : []),
    '--',
    t.destination,
    remote,
  ];
}

/** The remote command: the argv quoted for the node's shell, in the C locale (tool output is parsed). */
export function remoteCommand(command: Command): string {
  return shellCommand(['env', 'LC_ALL=C', 'LANG=C', command.tool, ...command.args]);
}

/**
 * The remote tool is not installed: the remote `env` exits 127 ("env: 'pct': No such file or directory"), or the
 * shell does ("pct: not found").
 */
export function missingTool(exitCode: number, stderr: string): boolean {
  return exitCode === 127 && /not found|No such file/.test(stderr);
}

/** ssh's own complaint: its last non-empty stderr line (the remote command's output never ends in one of these). */
export function sshReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1) ?? 'ssh exited 255 without a message';
}

/**
 * A Runner for another node: each command runs there through ssh, and comes back as if it had run here (the same
 * result and errors, naming the command the core built, not ssh). Processes are spawned by the local runner it wraps.
 */
export class SshRunner implements Runner {
  private controlDirReady = false;
  /** Changes running over the shared connection (it is not closed under them). */
  private changesRunning = 0;

  constructor(
    readonly target: SshTarget,
    private readonly local: Runner,
  ) {}

  async run(command: Command, options: RunOptions = {}): Promise<CommandResult> {
    return this.runRemote(command, remoteCommand(command), options);
  }

  /** Runs a remote command string built by the core itself from constants and quoted arguments (batched reads). */
  async runRemote(command: Command, remote: string, options: RunOptions = {}): Promise<CommandResult> {
    const ssh = this.wrap(command, remote);
    let result: CommandResult;
    if (command.mutates) this.changesRunning++;
    try {
      result = await this.unstuck(this.local.run(ssh, options), command.timeoutMs ?? this.target.commandTimeoutMs, options.signal);
    } catch (error) {
      throw this.remoteError(error, command);
    } finally {
      if (command.mutates) this.changesRunning--;
    }
    return { ...result, command };
  }

  /** The local ssh command that runs `command` on the node (one side of a pipe between nodes). */
  wrap(command: Command, remote = remoteCommand(command)): Command {
    this.prepareControlDir();
    return {
      tool: 'ssh',
      args: sshArgv(this.target, remote),
      mutates: command.mutates,
      ...(command.timeoutMs !== undefined ? { timeoutMs: command.timeoutMs } : {}),
      ...(command.lockKey !== undefined ? { lockKey: `${this.target.node}:${command.lockKey}` } : {}),
      ...(command.input !== undefined ? { input: command.input } : {}),
    };
  }

  /** A failure of the local ssh, told as the core's command's own (or the node's being unreachable). */
  remoteError(error: unknown, command: Command): unknown {
    if (error instanceof ToolFailedError) {
      const r = { ...error.result, command };
      if (r.exitCode === 255) return new NodeUnreachableError(this.target.node, sshReason(r.stderr));
      if (missingTool(r.exitCode, r.stderr)) return new ToolMissingError(command);
      return new ToolFailedError(r);
    }
    if (error instanceof ToolTimeoutError) return new ToolTimeoutError(command, error.timeoutMs);
    if (error instanceof ToolAbortedError) return new ToolAbortedError(command);
    if (error instanceof ToolMissingError) {
      return new LxcriError('tool-missing', `ssh not found: cannot reach node ${this.target.node}`, 'install openssh-client', 1);
    }
    return error;
  }

  /**
   * A command past its timeout (or aborted) is killed by the local runner, but over a shared connection that does
   * not end it: ssh hands its stdout and stderr to the master, which keeps them while the remote command runs, so the
   * runner goes on waiting for the end of an output that never comes (a hung node kept even the CLI from exiting).
   * Shortly after the kill, the node's master is told to exit: its sessions end, the pipes close, and the runner
   * reports the timeout. Other commands over that connection fail with it; the next command connects again.
   */
  private async unstuck<T>(task: Promise<T>, timeoutMs: number | undefined, signal: AbortSignal | undefined): Promise<T> {
    if (controlPath(this.target) === undefined) return task;
    let timer: NodeJS.Timeout | undefined;
    const close = (afterMs: number) => {
      clearTimeout(timer);
      // Never while a change runs over the same connection: closing it would cut that change off half-way.
      timer = setTimeout(() => void (this.changesRunning === 0 ? this.closeMaster() : undefined), afterMs);
    };
    const onAbort = () => close(STUCK_GRACE_MS);
    if (timeoutMs !== undefined) close(timeoutMs + STUCK_GRACE_MS);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await task;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** `ssh -O exit`: the node's shared connection ends, and every session over it. */
  async closeMaster(): Promise<void> {
    const control = controlPath(this.target);
    if (control === undefined) return;
    const args = [...(this.target.sshConfig ? ['-F', this.target.sshConfig] : []), '-o', `ControlPath=${control}`, '-O', 'exit', '--', this.target.destination];
    await this.local.run({ tool: 'ssh', args, mutates: false, timeoutMs: 5_000 }).catch(() => undefined);
  }

  private prepareControlDir(): void {
    if (this.controlDirReady || !this.target.controlDir) return;
    mkdirSync(this.target.controlDir, { recursive: true, mode: 0o700 });
    this.controlDirReady = true;
  }
}

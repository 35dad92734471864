import { LxcriError } from '../errors.js';
import { formatCommand, type Command, type CommandResult } from './command.js';

const INSTALL_HINT: Record<string, string> = {
  zfs: 'install zfsutils-linux (or zfs-fuse) and make sure the ZFS module or daemon is running',
  zpool: 'install zfsutils-linux (or zfs-fuse) and make sure the ZFS module or daemon is running',
  pct: 'pct exists only on Proxmox VE hosts',
  criu: 'install criu',
};

function toolLabel(tool: string): string {
  if (tool === 'zfs' || tool === 'zpool') return 'ZFS not available';
  if (tool.startsWith('lxc-')) return 'LXC not available';
  return `${tool} not available`;
}

export class ToolMissingError extends LxcriError {
  constructor(readonly command: Command) {
    const hint = INSTALL_HINT[command.tool] ?? (command.tool.startsWith('lxc-') ? 'install lxc' : `install ${command.tool}`);
    super('tool-missing', `${toolLabel(command.tool)}: \`${command.tool}\` not found; ${hint}`, hint, 1);
    this.name = 'ToolMissingError';
  }
}

export class ToolFailedError extends LxcriError {
  constructor(
    readonly result: CommandResult,
    message?: string,
    hint?: string,
  ) {
    const own = firstLines(result.stderr || result.stdout) || '(no output)';
    super(
      'tool-failed',
      message ?? `${formatCommand(result.command)} failed (exit ${result.exitCode}): ${own}`,
      hint ?? 'see the tool message above; run with --debug for the full output',
      1,
    );
    this.name = 'ToolFailedError';
  }
  get stderr(): string {
    return this.result.stderr;
  }
}

export class ToolTimeoutError extends LxcriError {
  constructor(
    readonly command: Command,
    readonly timeoutMs: number,
  ) {
    super(
      'tool-timeout',
      `${formatCommand(command)} timed out after ${(timeoutMs / 1000).toFixed(1)} s`,
      (command.tool === 'zfs' || command.tool === 'zpool'
        ? 'ZFS is not answering: check that the pool is healthy and the ZFS daemon or module is running (zfs-fuse: `pgrep zfs-fuse`)'
        : `check that ${command.tool} is not hanging; raise runner.timeout_seconds if it is just slow`) +
        (command.mutates ? '; the change may still take effect when it answers again, so look before retrying' : ''),
      1,
    );
    this.name = 'ToolTimeoutError';
  }
}

export class ToolAbortedError extends LxcriError {
  constructor(readonly command: Command) {
    super('tool-aborted', `${formatCommand(command)} was cancelled`, 'the operation was cancelled before it finished', 1);
    this.name = 'ToolAbortedError';
  }
}

/** The first meaningful line(s) of a tool's message, joined into one line. */
export function firstLines(text: string, max = 2): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, max)
    .join(' / ');
}

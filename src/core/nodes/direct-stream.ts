import { cmd, type Command } from '../runner/command.js';
import { shellCommand } from './shell-quote.js';
import { remoteCommand, sshArgv, type SshTarget } from './ssh-runner.js';

/**
 * ssh from one node to another as the nodes themselves do it (Proxmox's form: the same destination, known_hosts and
 * alias): no shared connection, since this console's sockets are not on that node.
 */
function nodeToNode(to: SshTarget, remote: string): string[] {
  return ['ssh', ...sshArgv({ ...to, controlDir: '' }, remote)];
}

/** Run on the source node: can it reach the target by itself (cluster keys)? `true` there, nothing else. */
export function reachProbe(to: SshTarget): Command {
  const [tool, ...args] = nodeToNode(to, 'true');
  return cmd(tool!, args, false, { timeoutMs: (to.connectTimeoutSeconds + 5) * 1000 });
}

/**
 * Run on the source node: its send piped straight into the target's receive over ssh, so the stream crosses the
 * network once instead of twice through this machine. bash for pipefail: a failed send fails the pipe even when the
 * receive exits 0 on a cut stream. Every argument is quoted for the shell it reaches (this bash, then the target's).
 */
export function directStream(send: Command, to: SshTarget, receive: Command): Command {
  // ssh's own failure (255) is the inner ssh's here, to the target: said so, and not passed on as 255, which the
  // console's ssh to the source would take for the source being unreachable.
  const script = [
    `set -o pipefail; ${shellCommand([send.tool, ...send.args])} | ${shellCommand(nodeToNode(to, remoteCommand(receive)))}`,
    `rc=$?; if [ "$rc" = 255 ]; then echo ${shellCommand([`lxcri: the ssh from this node to ${to.node} failed`])} >&2; exit 254; fi; exit "$rc"`,
  ].join('\n');
  return cmd('bash', ['-c', script], true, { ...(receive.timeoutMs !== undefined ? { timeoutMs: receive.timeoutMs } : {}) });
}

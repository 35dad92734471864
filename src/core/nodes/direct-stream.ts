import { cmd, type Command } from '../runner/command.js';
import { shellCommand } from './shell-quote.js';
import { remoteCommand, sshArgv, type SshTarget } from './ssh-runner.js';

/**
 * Where the source node keeps its shared connection to its peers (root's only; /run is per machine, and the node's
 * name in it keeps the harness's nodes, which share this machine's /run, apart).
 */
const PEER_CONTROL_ROOT = '/run/lxcri-console';
export const peerControlDir = (from: string, root = PEER_CONTROL_ROOT) => `${root}/peers-${from}`;

/**
 * ssh from one node to another as the nodes themselves do it (Proxmox's form: the same destination, known_hosts and
 * alias), over a connection the source node keeps for `controlPersistSeconds` (as this console keeps its own): the
 * reach probe opens it, the stream after it and the next ones (a move's pre-copy and last increment, the downtime)
 * skip ssh's handshake. Its arguments after `ssh $NOMUX` (controlDirLine sets NOMUX).
 */
function nodeToNode(from: string, to: SshTarget, remote: string, root: string): string[] {
  // A target gone while the connection is kept is found within 15 s (a stream through it would otherwise wait for
  // TCP to give up): the connection ends, its streams fail, the next one connects anew.
  return ['-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=3', ...sshArgv({ ...to, controlDir: peerControlDir(from, root) }, remote)];
}

/**
 * The shell line before the ssh: makes the control directory, and when it cannot be ours (mkdir refused, a node user
 * who is not root, someone else's directory), sets NOMUX to options that come first and so win over the sharing
 * ones: ssh with ControlMaster=auto exits 255 when it cannot make its socket, rather than connecting on its own.
 */
const controlDirLine = (from: string, root: string) =>
  `d=${shellCommand([peerControlDir(from, root)])}; NOMUX=; mkdir -p -m 0700 -- "$d" 2>/dev/null && [ -O "$d" ] && [ -w "$d" ] || NOMUX='-o ControlMaster=no -o ControlPath=none'`;

/** Run on the source node `from`: can it reach the target by itself (cluster keys)? `true` there, nothing else. */
export function reachProbe(from: string, to: SshTarget, root = PEER_CONTROL_ROOT): Command {
  // NOMUX unquoted on purpose: empty, or the two fixed options.
  return cmd('sh', ['-c', `${controlDirLine(from, root)}; exec ssh $NOMUX "$@"`, 'sh', ...nodeToNode(from, to, 'true', root)], false, {
    timeoutMs: (to.connectTimeoutSeconds + 5) * 1000,
  });
}

/**
 * Run on the source node `from`: its send piped straight into the target's receive over ssh, so the stream crosses the
 * network once instead of twice through this machine. bash for pipefail: a failed send fails the pipe even when the
 * receive exits 0 on a cut stream. Every argument is quoted for the shell it reaches (this bash, then the target's).
 */
export function directStream(send: Command, from: string, to: SshTarget, receive: Command, root = PEER_CONTROL_ROOT): Command {
  // ssh's own failure (255) is the inner ssh's here, to the target: said so, and not passed on as 255, which the
  // console's ssh to the source would take for the source being unreachable.
  const script = [
    controlDirLine(from, root),
    `set -o pipefail; ${shellCommand([send.tool, ...send.args])} | ssh $NOMUX ${shellCommand(nodeToNode(from, to, remoteCommand(receive), root))}`,
    `rc=$?; if [ "$rc" = 255 ]; then echo ${shellCommand([`lxcri: the ssh from this node to ${to.node} failed`])} >&2; exit 254; fi; exit "$rc"`,
  ].join('\n');
  return cmd('bash', ['-c', script], true, { ...(receive.timeoutMs !== undefined ? { timeoutMs: receive.timeoutMs } : {}) });
}

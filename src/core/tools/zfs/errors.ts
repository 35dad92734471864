import { LxcriError, NotFoundError } from '../../errors.js';
import { firstLines, ToolFailedError } from '../../runner/errors.js';

/** Rewrites the messages ZFS tools print into errors that say what to do. Other errors pass unchanged. */
export function translateZfsError(error: unknown, subject?: string): unknown {
  if (!(error instanceof ToolFailedError)) return error;
  const text = error.result.stderr + error.result.stdout;
  const tool = error.result.command.tool;
  let m: RegExpExecArray | null;
  if (/zfs-fuse daemon is running|connect: Connection refused|connect: No such file or directory|Unable to open \/dev\/zfs/i.test(text)) {
    return new LxcriError(
      'zfs-unavailable',
      'ZFS not available: the ZFS daemon or kernel module is not answering',
      tool === 'zpool' || tool === 'zfs' ? 'start it (zfs-fuse: run `zfs-fuse`; OpenZFS: `modprobe zfs`) and retry' : 'start ZFS and retry',
    );
  }
  if ((m = /cannot open '([^']+)': dataset does not exist/.exec(text)) || (m = /cannot open '([^']+)': no such pool/.exec(text))) {
    const name = m[1] ?? subject ?? '?';
    return new NotFoundError(
      `Dataset does not exist: ${name}`,
      name.includes('@')
        ? 'list checkpoints with `lxcri-console tree <container>`'
        : `create it (zfs create -p ${name}) or check zfs.base_dataset in the config`,
    );
  }
  if (/out of space|No space left on device|quota exceeded/i.test(text)) {
    return new LxcriError(
      'out-of-space',
      `Out of space: ${firstLines(text)}`,
      'free space in the pool or prune old checkpoints (`lxcri-console prune --dry-run`), then retry',
    );
  }
  if (/dataset is busy|pool or dataset is busy|target is busy|device busy/i.test(text)) {
    return new LxcriError('busy', `Dataset busy: ${firstLines(text)}`, 'stop the container (or whatever uses the mountpoint) and retry');
  }
  if (/not currently mounted|not mounted/.test(text)) {
    return new LxcriError('not-mounted', `Not mounted: ${firstLines(text)}`, 'mount it with `zfs mount <dataset>`');
  }
  if (/already mounted/.test(text)) {
    return new LxcriError('already-mounted', `Already mounted: ${firstLines(text)}`, 'nothing to do');
  }
  if (/dataset already exists/.test(text)) {
    return new LxcriError('exists', `Already exists: ${firstLines(text)}`, 'choose another name');
  }
  return error;
}

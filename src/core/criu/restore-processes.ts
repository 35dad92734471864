import type { CoreContext } from '../context.js';
import { LxcriError } from '../errors.js';
import { ToolFailedError } from '../runner/errors.js';
import { criuFailure } from './criu-log.js';

/** Where the images to restore come from: unpacked into a directory that is removed afterwards. */
export interface ImageSource {
  /** Shown while it is checked: the store entry or the directory given. */
  name: string;
  /** Verifies and unpacks; returns the directory of CRIU images and what to remove when done. */
  unpack: () => Promise<{ images: string; cleanup: string }>;
}

/**
 * Brings a stopped container's processes back with `lxc-checkpoint -r` from an image source. With `coldFallback`,
 * a failed check or CRIU restore starts the container cold instead; without it the error says so and the container
 * stays stopped.
 */
export async function restoreProcesses(
  ctx: CoreContext,
  id: string,
  source: ImageSource,
  coldFallback: boolean,
  onStep?: (t: string) => void,
): Promise<'criu' | 'cold'> {
  onStep?.(`verify ${source.name}`);
  let unpacked: { images: string; cleanup: string } | undefined;
  try {
    unpacked = await source.unpack();
    onStep?.(`CRIU restore of ${id} from ${source.name}`);
    await ctx.lxc.restore(id, unpacked.images);
    return 'criu';
  } catch (error) {
    const log = unpacked ? ((await ctx.fs.readFile(`${unpacked.images}/restore.log`)) ?? '') : '';
    const reason = error instanceof ToolFailedError ? criuFailure(log, error.stderr) : (error as Error).message;
    if (coldFallback) {
      onStep?.(`CRIU restore failed (${reason}); starting ${id} cold`);
      await ctx.lxc.start(id);
      return 'cold';
    }
    throw new LxcriError(
      'criu-restore-failed',
      `CRIU restore of ${id} failed: ${reason}; its filesystem is restored and it is stopped`,
      `start it cold with \`lxc-start -n ${id}\`, or restore again with --cold-fallback`,
    );
  } finally {
    if (unpacked) await ctx.fs.remove(unpacked.cleanup);
  }
}

import { isAbsolute, resolve } from 'node:path';
import type { CoreContext } from '../context.js';
import { RefusedError, UsageError } from '../errors.js';
import { restoreProcesses } from './restore-processes.js';
import type { ImageManifest } from './manifest.js';
import { imageStore, requireLocalImageStore } from './store.js';

/**
 * Checks an image directory given by path (`restore --image-path`, possibly outside the store) before anything
 * changes: an absolute path to an existing directory, not being written, with a complete manifest, `.checkpoint-complete`
 * and an archive whose sha256 matches; made from `container` when one is given. Returns its manifest.
 */
export async function validateImageDir(ctx: CoreContext, dir: string, container?: string): Promise<ImageManifest> {
  if (typeof dir !== 'string' || dir === '')
    throw new UsageError('--image-path is empty', 'pass the absolute path of a CRIU image directory (the one holding manifest.json)');
  if (!isAbsolute(dir)) throw new UsageError(`--image-path must be an absolute path, got ${JSON.stringify(dir)}`, `pass it as ${JSON.stringify(resolve(dir))}`);
  // Verified with sha256 streamed from this machine's disk.
  requireLocalImageStore(ctx);
  const manifest = await imageStore(ctx.config, ctx.runner, ctx.now).verify(resolve(dir));
  if (container !== undefined && manifest.container !== container) {
    throw new RefusedError(
      `CRIU image ${resolve(dir)} is of container ${manifest.container}, not ${container}`,
      `its processes belong to ${manifest.container}'s filesystem; restore it into ${manifest.container}`,
    );
  }
  return manifest;
}

/**
 * What `criuRestore` does, for an image directory given by path: validates it (above), unpacks it into a scratch
 * directory of the store marked `.inprogress` (the image directory itself may be read-only or shared), and has
 * `lxc-checkpoint -r` restore it. With `coldFallback`, a failed validation or CRIU restore starts the container cold
 * instead; without it the error says so and the container stays stopped.
 */
export async function criuRestoreFromDir(
  ctx: CoreContext,
  id: string,
  imageDir: string,
  opts: { coldFallback?: boolean } = {},
  onStep?: (t: string) => void,
): Promise<'criu' | 'cold'> {
  const store = imageStore(ctx.config, ctx.runner, ctx.now);
  return restoreProcesses(
    ctx,
    id,
    {
      name: imageDir,
      unpack: async () => {
        const manifest = await validateImageDir(ctx, imageDir, id);
        const scratch = await store.scratch(id, `restore-${manifest.checkpoint_id}`);
        await store.extract(resolve(imageDir), `${scratch}/images`).catch(async (error: unknown) => {
          await ctx.fs.remove(scratch);
          throw error;
        });
        return { images: `${scratch}/images`, cleanup: scratch };
      },
    },
    opts.coldFallback ?? false,
    onStep,
  );
}

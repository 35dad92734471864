import { readFile, rm } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { CoreContext } from '../context.js';
import { LxcriError, RefusedError, UsageError } from '../errors.js';
import { ToolFailedError } from '../runner/errors.js';
import { criuFailure } from './criu-log.js';
import type { ImageManifest } from './manifest.js';
import { imageStore } from './store.js';

/**
 * Checks an image directory given by path (`restore --image-path`, possibly outside the store) before anything
 * changes: an absolute path to an existing directory, not being written, with a complete manifest, `.checkpoint-complete`
 * and an archive whose sha256 matches; made from `container` when one is given. Returns its manifest.
 */
export async function validateImageDir(ctx: CoreContext, dir: string, container?: string): Promise<ImageManifest> {
  if (typeof dir !== 'string' || dir === '')
    throw new UsageError('--image-path is empty', 'pass the absolute path of a CRIU image directory (the one holding manifest.json)');
  if (!isAbsolute(dir)) throw new UsageError(`--image-path must be an absolute path, got ${JSON.stringify(dir)}`, `pass it as ${JSON.stringify(resolve(dir))}`);
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
  onStep?.(`verify ${imageDir}`);
  let scratch: string | undefined;
  let images: string | undefined;
  try {
    const manifest = await validateImageDir(ctx, imageDir, id);
    scratch = await store.scratch(id, `restore-${manifest.checkpoint_id}`);
    images = `${scratch}/images`;
    await store.extract(resolve(imageDir), images);
    onStep?.(`CRIU restore of ${id} from ${imageDir}`);
    await ctx.lxc.restore(id, images);
    return 'criu';
  } catch (error) {
    const log = images ? await readFile(`${images}/restore.log`, 'utf8').catch(() => '') : '';
    const reason = error instanceof ToolFailedError ? criuFailure(log, error.stderr) : (error as Error).message;
    if (opts.coldFallback) {
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
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

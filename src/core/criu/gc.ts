import { lstat, readdir } from 'node:fs/promises';
import type { CoreContext } from '../context.js';
import { UsageError } from '../errors.js';
import type { ImageArtifact } from './manifest.js';
import { describeWriter, writerState, type Marker } from './marker.js';
import { imageStore, manifestArtifacts, requireLocalImageStore, type StoreEntry } from './store.js';

/** How long an image whose snapshot is gone, or a directory still marked in progress, is kept by default. */
export const DEFAULT_RETENTION_HOURS = 24;
const HOUR = 3_600_000;

export interface GcItem {
  container: string;
  dir: string;
  why: string;
  /** Bytes on disk (for a kept item: what removing it would free). */
  bytes: number;
  /** The image's artifacts with their shared:// URIs, when it is a published image. */
  artifacts?: ImageArtifact[];
}

export interface GcResult {
  retentionHours: number;
  removed: GcItem[];
  kept: GcItem[];
}

export function validateRetentionHours(hours: unknown): number {
  if (typeof hours !== 'number' || !Number.isSafeInteger(hours) || hours < 0) {
    throw new UsageError(
      `--retention-hours must be an integer >= 0, got '${String(hours)}'`,
      `pass --retention-hours N with N >= 0 (default ${DEFAULT_RETENTION_HOURS})`,
    );
  }
  return hours;
}

export function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h`;
}

/** Bytes on disk under `path`, from lstat: this machine's store only (gc refuses on a remote node). */
async function dirBytes(path: string): Promise<number> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let sum = 0;
  for (const name of await readdir(path).catch(() => [] as string[])) sum += await dirBytes(`${path}/${name}`);
  return sum;
}

/** When an in-progress directory's writer started: its marker's time, else (unreadable marker) the directory's mtime. */
async function startedAt(dir: string, marker: Marker): Promise<number> {
  if (marker !== 'unreadable') return Date.parse(marker.started);
  return (await lstat(dir).catch(() => undefined))?.mtimeMs ?? 0;
}

type Verdict = { remove: boolean; why: string; artifacts?: ImageArtifact[] } | undefined;

/**
 * Cleans the image store. Removed: directories that never finished (no `.inprogress`, no complete image); directories
 * marked in progress whose writer is certainly dead (this host, pid gone) or that are older than the retention; images
 * whose snapshot (matched by guid, which promote does not change) is gone, once older than the retention (by the
 * manifest's `created`). Younger ones, and live writers' directories, are reported as kept. Containers with an
 * operation running (`busy`) are not looked at.
 */
export async function collectGarbage(
  ctx: CoreContext,
  liveGuids: ReadonlySet<string>,
  busy: ReadonlySet<string>,
  opts: { retentionHours?: number } = {},
): Promise<GcResult> {
  // The store is scanned, sized and judged on this machine (ImageStore, lstat, pids of this host).
  requireLocalImageStore(ctx);
  const retentionHours = validateRetentionHours(opts.retentionHours ?? DEFAULT_RETENTION_HOURS);
  const retentionMs = retentionHours * HOUR;
  const store = imageStore(ctx.config, ctx.runner, ctx.now);
  const now = ctx.now();
  const result: GcResult = { retentionHours, removed: [], kept: [] };
  const busyReported = new Set<string>();
  const verdict = async (e: StoreEntry): Promise<Verdict> => {
    if (e.state === 'in-progress') {
      const marker = e.marker!;
      const age = now - (await startedAt(e.dir, marker));
      const writer = writerState(marker);
      if (writer === 'dead') return { remove: true, why: `in progress, but its writer is gone (${describeWriter(marker)})` };
      if (age >= retentionMs)
        return { remove: true, why: `in progress for ${formatAge(age)} (${describeWriter(marker)}), beyond the ${retentionHours} h retention` };
      return { remove: false, why: `being written (${describeWriter(marker)}, writer ${writer}); removed after ${retentionHours} h unless it finishes` };
    }
    if (e.state === 'incomplete') return { remove: true, why: 'incomplete (the dump never finished)' };
    const manifest = (await store.manifest(e.dir))!;
    if (!manifest.zfs_guid || liveGuids.has(manifest.zfs_guid)) return undefined;
    const age = now - Date.parse(manifest.created);
    const artifacts = manifestArtifacts(manifest);
    const gone = `its snapshot ${manifest.zfs_snapshot ?? `(guid ${manifest.zfs_guid})`} is gone`;
    if (age >= retentionMs) return { remove: true, why: `${gone}; image ${formatAge(age)} old, beyond the ${retentionHours} h retention`, artifacts };
    return { remove: false, why: `${gone}; image ${formatAge(age)} old, removed after ${retentionHours} h`, artifacts };
  };
  for (const e of await store.scan()) {
    if (busy.has(e.container)) {
      if (!busyReported.has(e.container)) {
        busyReported.add(e.container);
        result.kept.push({
          container: e.container,
          dir: `${store.root}/${e.container}`,
          why: `an operation on ${e.container} is running; not examined`,
          bytes: 0,
        });
      }
      continue;
    }
    const v = await verdict(e);
    if (!v) continue;
    const item: GcItem = { container: e.container, dir: e.dir, why: v.why, bytes: await dirBytes(e.dir), ...(v.artifacts ? { artifacts: v.artifacts } : {}) };
    if (v.remove) await ctx.fs.remove(e.dir);
    (v.remove ? result.removed : result.kept).push(item);
  }
  return result;
}

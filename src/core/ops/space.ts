import type { CoreContext } from '../context.js';
import { listContainers } from '../containers/registry.js';
import { imageStore, localImageStore } from '../criu/store.js';
import { LxcriError, NotFoundError, UsageError } from '../errors.js';
import { checkpointSpace, spaceReport, type CheckpointSpace, type SpaceReport } from '../model/space.js';
import { ToolAbortedError } from '../runner/errors.js';
import { validateContainerId } from '../tools/zfs/names.js';
import { summarizeContainer, summarizeContainers, type ContainerSummary } from '../world.js';
import { readInventory, resolveContainer, type ContainerRef, type LoadedContainer } from './container.js';
import { selectSnapshot, validateSnapshotArgument } from './select-snapshot.js';

/**
 * The space explainer's read: one listing, the pools, the containers (or only `ids`), and the CRIU image store read
 * once. Ids are checked before anything runs; an id whose dataset is not in the listing is refused.
 */
export async function readSpace(ctx: CoreContext, ids: readonly string[] = []): Promise<SpaceReport> {
  for (const id of ids) validateContainerId(id);
  const dupe = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dupe) throw new UsageError(`container ${dupe} is named twice`, 'name each container once');
  const refs: ContainerRef[] = [];
  for (const id of ids) refs.push(await resolveContainer(ctx, id));
  const { caps, inventory } = await readInventory(ctx);
  const [pools, images, listed] = await Promise.all([
    ctx.zpool.list(caps),
    // Sized with lstat on this machine: on a remote node the CRIU images are not counted (yet).
    localImageStore(ctx) ? imageStore(ctx.config, ctx.runner).bytesByContainer() : new Map<string, number>(),
    refs.length ? Promise.resolve(undefined) : listContainers(ctx, inventory),
  ]);
  let containers: ContainerSummary[];
  if (listed) containers = summarizeContainers(listed, inventory);
  else {
    containers = refs.map((r) => {
      if (!inventory.get(r.dataset)) {
        throw new NotFoundError(
          `no container ${r.id}: its dataset ${r.dataset} does not exist`,
          'see `lxcri-console list` for the containers, or check zfs.base_dataset in the config',
        );
      }
      return { ...summarizeContainer(r.container, inventory), id: r.id };
    });
  }
  const report = spaceReport(inventory, containers, pools, images);
  // Asked for some containers: only the pools that hold them.
  return refs.length ? { pools: report.pools.filter((p) => p.containers.length) } : report;
}

/** Splits `A..B`; both names are checked like any snapshot argument, before anything runs. */
export function parseRange(text: string): [string, string] {
  const at = text.indexOf('..');
  const from = at < 0 ? '' : text.slice(0, at);
  const to = at < 0 ? '' : text.slice(at + 2);
  if (!from || !to || to.startsWith('.')) {
    throw new UsageError(`a range is <A>..<B>, got '${text}'`, 'name two checkpoints of one line, e.g. --range checkpoint-1763890000..checkpoint-1763893600');
  }
  validateSnapshotArgument(from);
  validateSnapshotArgument(to);
  return [from, to];
}

export interface RangeBlocker {
  snapshot: string;
  rule: 'held' | 'clone-origin';
  /** The holds' count, or the clones' names. */
  detail: string;
}

/** What destroying the checkpoints from one to another of a line would free. */
export interface SpaceRange {
  container: string;
  dataset: string;
  /** Full names, the older first. */
  from: string;
  to: string;
  /** Every snapshot of the range (by createtxg, inclusive), oldest first. */
  snapshots: CheckpointSpace[];
  bytes: number;
  /**
   * exact: `zfs destroy -nvp ds@A%B` (OpenZFS). lower-bound: the sum of each snapshot's `used`; blocks shared only by
   * snapshots inside the range are freed too, and ZFS cannot say how many (zfs-fuse, or the dry run refused).
   */
  accuracy: 'exact' | 'lower-bound';
  /** Sum of the snapshots' `used` (the lower bound). */
  sumOfUsed: number;
  /** Why the exact figure is missing on a ZFS that has it: zfs's own refusal (a clone in the range, say). */
  dryRunError?: string;
  /** Snapshots of the range a real destroy would stop at. */
  blockers: RangeBlocker[];
}

export async function spaceRange(ctx: CoreContext, c: LoadedContainer, a: string, b: string): Promise<SpaceRange> {
  const na = selectSnapshot(c.tree, a);
  const nb = selectSnapshot(c.tree, b);
  if (na.dataset !== nb.dataset) {
    throw new UsageError(
      `${na.fullName} is on ${na.dataset} and ${nb.fullName} on ${nb.dataset}: a range is taken on one line`,
      `name two checkpoints of the same dataset (see \`lxcri-console tree ${c.id}\`)`,
    );
  }
  const line = c.inventory.snapshotsOf(na.dataset);
  const ia = line.findIndex((s) => s.name === na.fullName);
  const ib = line.findIndex((s) => s.name === nb.fullName);
  const range = line.slice(Math.min(ia, ib), Math.max(ia, ib) + 1);
  const blockers: RangeBlocker[] = [];
  for (const s of range) {
    if (s.userrefs > 0) blockers.push({ snapshot: s.name, rule: 'held', detail: `${s.userrefs} hold(s)` });
    const clones = c.inventory.clonesOf(s.name);
    if (clones.length) blockers.push({ snapshot: s.name, rule: 'clone-origin', detail: clones.join(', ') });
  }
  const snapshots = range.map(checkpointSpace);
  const sumOfUsed = snapshots.reduce((n, s) => n + s.used, 0);
  const out: SpaceRange = {
    container: c.id,
    dataset: na.dataset,
    from: snapshots[0]!.fullName,
    to: snapshots.at(-1)!.fullName,
    snapshots,
    bytes: sumOfUsed,
    accuracy: 'lower-bound',
    sumOfUsed,
    blockers,
  };
  if (!c.caps.destroyDryRun) return out;
  try {
    const dry = await ctx.zfs.destroyRangeDryRun(na.dataset, snapshots[0]!.name, snapshots.at(-1)!.name);
    if (dry.reclaimBytes === undefined) return { ...out, dryRunError: 'zfs destroy -nvp printed no reclaim line' };
    return { ...out, bytes: dry.reclaimBytes, accuracy: 'exact' };
  } catch (error) {
    if (!(error instanceof LxcriError) || error instanceof ToolAbortedError) throw error;
    return { ...out, dryRunError: error.message };
  }
}

import type { CoreContext } from '../context.js';
import { mountedNow } from '../model/dataset.js';
import type { FileChange } from '../model/file-diff.js';
import type { CheckpointNode } from '../model/tree.js';
import { argBatches } from '../tools/arg-batches.js';
import { parseStatSizes, statSizes } from '../tools/stat.js';
import type { LoadedContainer } from './container.js';

/*
 * `zfs diff` prints no sizes: they are read afterwards with stat on the node, in one invocation per batch of files
 * (normally one), under `.zfs/snapshot/<name>` for a checkpoint (OpenZFS has it where the dataset is mounted) and the
 * live mountpoint for NOW. A state whose files cannot be reached that way (its dataset not mounted) leaves its sizes out.
 */

/** Where a state's files are on the node without a clone: the live mountpoint, or its `.zfs/snapshot` directory. */
export function directRoot(c: LoadedContainer, n: CheckpointNode): string | undefined {
  const rec = c.inventory.get(n.dataset);
  if (!rec || !mountedNow(rec) || !rec.mountpoint) return undefined;
  if (n.kind === 'now') return rec.mountpoint;
  return c.caps.snapshotDir ? `${rec.mountpoint.replace(/\/+$/, '')}/.zfs/snapshot/${n.name}` : undefined;
}

/** One diff to size: its changes, going from one state to another. */
export interface SizedDiff {
  changes: FileChange[];
  from: CheckpointNode;
  to: CheckpointNode;
}

/** Where a change's size is read: a removed file on the `from` side, anything else (its new path) on the `to` side. */
function hostPathOf(c: FileChange, fromRoot: string | undefined, toRoot: string | undefined): string | undefined {
  if (c.type !== 'file') return undefined;
  const root = c.change === '-' ? fromRoot : toRoot;
  return root === undefined ? undefined : root + (c.change === 'R' ? c.newPath! : c.path);
}

/** The diffs with the sizes of their regular files filled in, read by one batched stat on the node. */
export async function withSizes(ctx: Pick<CoreContext, 'runner'>, c: LoadedContainer, diffs: readonly SizedDiff[]): Promise<FileChange[][]> {
  const located = diffs.map((d) => {
    const fromRoot = directRoot(c, d.from);
    const toRoot = directRoot(c, d.to);
    return d.changes.map((ch) => ({ ch, host: hostPathOf(ch, fromRoot, toRoot) }));
  });
  const wanted = [...new Set(located.flat().flatMap((l) => (l.host === undefined ? [] : [l.host])))];
  const sizes = new Map<string, number>();
  for (const batch of argBatches(wanted)) {
    for (const [path, size] of parseStatSizes((await ctx.runner.run(statSizes(batch))).stdout)) sizes.set(path, size);
  }
  return located.map((list) =>
    list.map(({ ch, host }) => {
      const size = host === undefined ? undefined : sizes.get(host);
      return size === undefined ? ch : { ...ch, size };
    }),
  );
}

import type { CoreContext } from '../context.js';
import type { Inventory } from '../model/inventory.js';
import { parseMountinfo } from './mounts.js';
import type { ContainerSource, SourceEnv } from './source.js';
import { conventionSource } from './sources/convention.js';
import { lxcSource } from './sources/lxc.js';
import { lxcriSource } from './sources/lxcri.js';
import { pctSource } from './sources/pct.js';
import { SOURCE_RANK, type Container } from './types.js';

/** Every container source, best first; a new one is added here. */
export const SOURCES: readonly ContainerSource[] = [pctSource, lxcriSource, lxcSource, conventionSource];

export function sourceEnv(ctx: CoreContext, inventory?: Inventory): SourceEnv {
  let mounts: Promise<ReturnType<typeof parseMountinfo>> | undefined;
  return {
    config: ctx.config,
    pct: ctx.pct,
    lxc: ctx.lxc,
    ...(inventory ? { inventory } : {}),
    mounts: () => (mounts ??= ctx.fs.readFile('/proc/self/mountinfo').then((text) => parseMountinfo(text ?? ''))),
    readFile: (path) => ctx.fs.readFile(path),
    readDir: (path) => ctx.fs.readDir(path),
  };
}

/** Merges what several sources say about one id: the best-ranked source's fields win, gaps are filled from the rest. */
export function mergeContainers(found: readonly Container[]): Container[] {
  const byId = new Map<string, Container[]>();
  for (const c of found) byId.set(c.id, [...(byId.get(c.id) ?? []), c]);
  const merged: Container[] = [];
  for (const [id, list] of byId) {
    list.sort((a, b) => SOURCE_RANK[a.sources[0]!] - SOURCE_RANK[b.sources[0]!]);
    const best = list[0]!;
    const withDataset = list.find((c) => c.dataset);
    const withStatus = list.find((c) => c.status !== 'unknown');
    const lock = list.find((c) => c.lock)?.lock;
    const pid = list.find((c) => c.pid)?.pid;
    const error = list.find((c) => c.error)?.error;
    merged.push({
      ...best,
      id,
      sources: [...new Set(list.flatMap((c) => c.sources))],
      status: withStatus?.status ?? 'unknown',
      mounts: withDataset?.mounts ?? best.mounts,
      ...(withDataset?.dataset ? { dataset: withDataset.dataset } : {}),
      ...(lock ? { lock } : {}),
      ...(pid ? { pid } : {}),
      ...(error ? { error } : {}),
    });
    const m = merged.at(-1)!;
    if (m.dataset) delete m.reason;
    else m.reason = list.find((c) => c.reason)?.reason ?? 'no ZFS dataset found';
  }
  return merged.sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
}

/** All containers from every source present on this host. */
export async function listContainers(ctx: CoreContext, inventory: Inventory): Promise<Container[]> {
  const env = sourceEnv(ctx, inventory);
  const lists = await Promise.all(SOURCES.map((s) => s.list(env)));
  return mergeContainers(lists.flatMap((l) => l ?? []));
}

/** One container by id, from files only (no process): the first source that knows it, merged with the rest. */
export async function describeContainer(ctx: CoreContext, id: string): Promise<Container> {
  const env = sourceEnv(ctx);
  const found = await Promise.all(SOURCES.map((s) => s.describe(env, id)));
  const known = found.filter((c): c is Container => c !== undefined);
  const specific = known.filter((c) => c.sources[0] !== 'zfs');
  return mergeContainers(specific.length ? specific : known)[0]!;
}

import { LxcriError } from '../errors.js';
import type { Inventory } from '../model/inventory.js';

/**
 * `<prefix>-<unix seconds>`, with `-2`, `-3`... when that name is taken on any of the datasets, so two
 * checkpoints in the same second get distinct names.
 */
export function freeSnapshotName(
  prefix: string,
  seconds: number,
  datasets: readonly string[],
  inventory: Inventory | undefined,
  taken: ReadonlySet<string> = new Set(),
): string {
  for (let n = 1; n < 1000; n++) {
    const name = n === 1 ? `${prefix}-${seconds}` : `${prefix}-${seconds}-${n}`;
    if (!taken.has(name) && datasets.every((ds) => !inventory?.get(`${ds}@${name}`))) return name;
  }
  throw new Error(`no free snapshot name for ${prefix}-${seconds}`);
}

/** The snapshot names (after @) that `known` full names already use on any of `datasets`. */
export function namesTakenOn(known: Iterable<string>, datasets: readonly string[]): Set<string> {
  const taken = new Set<string>();
  for (const full of known) {
    const at = full.indexOf('@');
    if (datasets.includes(full.slice(0, at))) taken.add(full.slice(at + 1));
  }
  return taken;
}

/**
 * Creates a snapshot under a fresh name (without a listing, the first try is the plain name), retrying with the next suffix when another process took the name
 * between our listing and our call ("dataset already exists").
 */
export async function createWithFreshName(
  prefix: string,
  seconds: number,
  datasets: readonly string[],
  inventory: Inventory | undefined,
  create: (name: string) => Promise<void>,
  /** Full snapshot names known to exist already (made earlier by this process); created ones are added. */
  known: Set<string> = new Set(),
): Promise<string> {
  const taken = namesTakenOn(known, datasets);
  for (let attempt = 0; attempt < 20; attempt++) {
    const name = freeSnapshotName(prefix, seconds, datasets, inventory, taken);
    try {
      await create(name);
      for (const ds of datasets) known.add(`${ds}@${name}`);
      return name;
    } catch (error) {
      if (!(error instanceof LxcriError && error.code === 'exists')) throw error;
      taken.add(name);
    }
  }
  throw new LxcriError('exists', `could not find a free name for ${prefix}-${seconds}`, 'retry in a second');
}

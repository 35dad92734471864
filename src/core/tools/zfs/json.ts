import type { DatasetRecord } from '../../model/dataset.js';
import { isJsonObject, jsonNumber, jsonOutput, jsonText, type JsonObject } from './json-output.js';
import { assignProperty, emptyRecord } from './parse.js';

/** The argv options of the JSON listing: exact numbers as strings (`-p`), see parseZfsListJson on `--json-int`. */
export const ZFS_LIST_JSON_FLAGS = ['-j', '-p'] as const;

/** The types the listing asks for: `-t all` would add bookmarks, which the inventory does not hold. */
export const ZFS_LIST_JSON_TYPES = 'filesystem,snapshot,volume';

interface Entry {
  record: DatasetRecord;
  createtxg: number;
}

/**
 * Parses `zfs list -j -p -r -t filesystem,snapshot,volume -o <columns>` (OpenZFS >= 2.3) into the records
 * parseZfsList gives for the `-Hp` form of the same listing, in the same order.
 *
 * The JSON is `{"output_version": {...}, "datasets": {"<name>": {"name", "type": "FILESYSTEM", "pool", "createtxg",
 * ["dataset", "snapshot_name",] "properties": {"<column>": {"value": "...", "source": {"type", "data"}}}}}}`
 * (zfs-list(8) example 2; fill_dataset_info and collect_dataset in cmd/zfs/zfs_main.c). Each value is the text the
 * `-Hp` form prints in that column (`-` when unset), so one assignment serves both forms.
 *
 * `-p`, not `--json-int`: with `--json-int` every all-digit value is printed as a bare JSON integer, so guids (64-bit)
 * lose digits in JSON.parse and user properties such as "007" lose their zeros. Integers still parse here, and one
 * too large to be exact throws.
 */
export function parseZfsListJson(stdout: string, columns: readonly string[]): DatasetRecord[] {
  const entries: Entry[] = [];
  for (const [key, dataset] of Object.entries(jsonOutput(stdout, 'zfs list', 'datasets'))) {
    const name = jsonText(dataset.name, 'a dataset name') ?? key;
    const type = jsonText(dataset.type, `the type of ${name}`)?.toLowerCase();
    if (type === 'bookmark') continue;
    const record = emptyRecord(name);
    if (type === 'filesystem' || type === 'volume' || type === 'snapshot') record.type = type;
    const properties = isJsonObject(dataset.properties) ? dataset.properties : {};
    for (const column of columns) assignProperty(record, column, propertyText(properties, column, name));
    entries.push({ record, createtxg: jsonNumber(dataset.createtxg) ?? record.createtxg });
  }
  return entries.sort(listingOrder).map((e) => e.record);
}

function propertyText(properties: JsonObject, column: string, dataset: string): string {
  const property = properties[column];
  return (isJsonObject(property) ? jsonText(property.value, `${column} of ${dataset}`) : undefined) ?? '-';
}

/**
 * The order of `zfs list` without `-s` (zfs_compare in cmd/zfs/zfs_iter.c; zfs-list(8) on -s): by the dataset part
 * of the name, a dataset before its snapshots, a dataset's snapshots by createtxg (by name when both have none).
 * Dataset names are ASCII, so comparing UTF-16 units is strcmp's byte order.
 */
function listingOrder(a: Entry, b: Entry): number {
  const [aDataset, aSnap] = splitSnapshot(a.record.name);
  const [bDataset, bSnap] = splitSnapshot(b.record.name);
  if (aDataset !== bDataset) return aDataset < bDataset ? -1 : 1;
  if (aSnap === undefined || bSnap === undefined) return aSnap === bSnap ? 0 : aSnap === undefined ? -1 : 1;
  if (a.createtxg !== b.createtxg) return a.createtxg - b.createtxg;
  return aSnap < bSnap ? -1 : aSnap > bSnap ? 1 : 0;
}

function splitSnapshot(name: string): [string, string | undefined] {
  const at = name.indexOf('@');
  return at < 0 ? [name, undefined] : [name.slice(0, at), name.slice(at + 1)];
}

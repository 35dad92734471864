import { LxcriError } from '../../errors.js';

/** One JSON object of OpenZFS output (a dataset, a pool, a vdev, a property). */
export type JsonObject = Record<string, unknown>;

/** The output_version major this parser reads (OpenZFS 2.3 and 2.4 print 0). */
const KNOWN_MAJOR = 0;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unreadable(command: string, what: string): LxcriError {
  return new LxcriError(
    'unreadable-output',
    `\`${command} -j\` printed ${what}`,
    'this OpenZFS prints JSON this version does not read; report it with the output of the command',
  );
}

/**
 * Reads the JSON every OpenZFS >= 2.3 command prints with `-j`: `{"output_version": {"command": "zfs list",
 * "vers_major": 0, "vers_minor": 1}, "<key>": {...}}` (zfs_json_schema, zpool_json_schema), and returns the object
 * under `key` ("datasets", "pools"): one entry per dataset or pool, keyed by its name.
 */
export function jsonOutput(stdout: string, command: string, key: string): Record<string, JsonObject> {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch (error) {
    throw unreadable(command, `no JSON (${(error as Error).message})`);
  }
  const version = isJsonObject(doc) ? doc.output_version : undefined;
  if (!isJsonObject(version) || version.command !== command) throw unreadable(command, 'no output_version for it');
  if (version.vers_major !== KNOWN_MAJOR) throw unreadable(command, `output version ${String(version.vers_major)}.${String(version.vers_minor)}`);
  const entries = (doc as JsonObject)[key];
  if (!isJsonObject(entries)) throw unreadable(command, `no "${key}" object`);
  const out: Record<string, JsonObject> = {};
  for (const [name, entry] of Object.entries(entries)) if (isJsonObject(entry)) out[name] = entry;
  return out;
}

/**
 * A JSON scalar as the text the `-H` form prints: strings as they are, numbers (`--json-int`) in decimal. A number
 * beyond 2^53 (a guid printed bare by `--json-int`) has lost digits in JSON.parse: that throws rather than mislead.
 */
export function jsonText(value: unknown, what: string): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw new LxcriError('unreadable-output', `${what} is the number ${value}, too large to read exactly from JSON`, 'list without --json-int (-p)');
    }
    return String(value);
  }
  return undefined;
}

/** A JSON number or decimal string as a number; undefined when it is neither. */
export function jsonNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

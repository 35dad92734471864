import { UsageError } from '../../errors.js';

/** ZFS_MAX_DATASET_NAME_LEN is 256 including the terminating NUL. */
export const MAX_NAME_LENGTH = 255;
const COMPONENT = /^[A-Za-z0-9_.:\- ]+$/;
const POOL_RESERVED = /^(mirror|raidz|draid|spare|log|cache|special|dedup)/;

function invalid(kind: string, name: string, why: string): UsageError {
  return new UsageError(
    `invalid ${kind} name '${name}': ${why}`,
    'ZFS names use letters, digits and _ - . : (components separated by /, a snapshot after @), at most 255 characters',
  );
}

function checkComponent(kind: string, full: string, part: string): void {
  if (part === '') throw invalid(kind, full, 'empty component');
  if (part === '.' || part === '..') throw invalid(kind, full, `component '${part}' is not allowed`);
  if (!COMPONENT.test(part)) {
    const bad = [...part].find((c) => !/[A-Za-z0-9_.:\- ]/.test(c));
    throw invalid(kind, full, `character '${bad}' is not allowed`);
  }
}

export function validateDatasetName(name: string): string {
  if (name.length === 0) throw invalid('dataset', name, 'it is empty');
  if (name.length > MAX_NAME_LENGTH) throw invalid('dataset', name, `longer than ${MAX_NAME_LENGTH} characters`);
  if (name.includes('@')) throw invalid('dataset', name, "'@' belongs to snapshot names");
  if (name.includes('#')) throw invalid('dataset', name, "'#' belongs to bookmark names");
  if (name.startsWith('/') || name.endsWith('/')) throw invalid('dataset', name, 'leading or trailing /');
  const parts = name.split('/');
  const pool = parts[0] ?? '';
  if (!/^[A-Za-z]/.test(pool)) throw invalid('dataset', name, 'the pool name must begin with a letter');
  if (POOL_RESERVED.test(pool)) throw invalid('dataset', name, `pool name '${pool}' begins with a reserved word`);
  for (const part of parts) checkComponent('dataset', name, part);
  return name;
}

/** The part after @ on its own. */
export function validateSnapshotShortName(short: string): string {
  if (short.length === 0) throw invalid('snapshot', short, 'it is empty');
  if (short.includes('@') || short.includes('/')) throw invalid('snapshot', short, "'@' and '/' are not allowed in a snapshot name");
  checkComponent('snapshot', short, short);
  return short;
}

export function validateSnapshotName(full: string): string {
  const at = full.indexOf('@');
  if (at < 0) throw invalid('snapshot', full, "missing '@'");
  validateDatasetName(full.slice(0, at));
  validateSnapshotShortName(full.slice(at + 1));
  if (full.length > MAX_NAME_LENGTH) throw invalid('snapshot', full, `longer than ${MAX_NAME_LENGTH} characters`);
  return full;
}

/**
 * Container ids become dataset components: Proxmox VMIDs (100..999999999) or LXC/OCI names.
 * Spaces and ':' are legal in ZFS but not in container names, so they are refused here.
 */
export function validateContainerId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(id) || id === '.' || id === '..') {
    throw new UsageError(
      `invalid container id '${id}'`,
      'a container id is a Proxmox VMID (e.g. 101) or a name of letters, digits, _ - . (at most 64, starting with a letter or digit)',
    );
  }
  if (id.startsWith(RESERVED_PREFIX)) {
    throw new UsageError(
      `container id '${id}' uses the reserved prefix '${RESERVED_PREFIX}'`,
      `the '${RESERVED_PREFIX}' prefix is reserved for the datasets lxcri-console keeps for branches; rename the container`,
    );
  }
  return id;
}

/** Datasets lxcri-console creates beside container datasets (branches, restore clones) start with this. */
export const RESERVED_PREFIX = 'lxcri-';

export function splitSnapshotName(full: string): { dataset: string; snapshot: string } {
  const at = full.indexOf('@');
  return { dataset: full.slice(0, at), snapshot: full.slice(at + 1) };
}

/** The pool a dataset or snapshot lives in. */
export function poolOf(name: string): string {
  return name.split(/[/@]/)[0]!;
}

export function parentDataset(name: string): string | undefined {
  const slash = name.lastIndexOf('/');
  return slash < 0 ? undefined : name.slice(0, slash);
}

/** What `manifest.json` says about one archived CRIU image, and the check that it says all of it. */

/** One file of an image, addressable on any node that mounts the store as `shared://<container>/<checkpoint id>/<name>`. */
export interface ImageArtifact {
  name: string;
  uri: string;
  sha256: string;
  size: number;
}

export interface ImageManifest {
  container: string;
  checkpoint_id: string;
  /** Full snapshot name when it was taken, and its guid (names change with promote, guids do not). */
  zfs_snapshot: string | null;
  zfs_guid: string | null;
  created: string;
  criu_version: string;
  sha256: string;
  compressed_size: number;
  tool: string;
  /** Absent in manifests written before artifact URIs existed. */
  artifacts?: ImageArtifact[];
}

const SHA256 = /^[0-9a-f]{64}$/;

const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function artifactProblem(a: unknown, i: number): string | undefined {
  if (typeof a !== 'object' || a === null) return `artifacts[${i}] is not an object`;
  const x = a as Record<string, unknown>;
  for (const k of ['name', 'uri'] as const) if (typeof x[k] !== 'string' || !x[k]) return `artifacts[${i}].${k} is missing`;
  if (typeof x.sha256 !== 'string' || !SHA256.test(x.sha256)) return `artifacts[${i}].sha256 is not a sha256`;
  if (!isSize(x.size)) return `artifacts[${i}].size is not a byte count`;
  return undefined;
}

/** Why a parsed manifest.json is not a complete manifest, or undefined when it is. */
export function manifestProblem(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'it is not a JSON object';
  const m = raw as Record<string, unknown>;
  for (const k of ['container', 'checkpoint_id', 'created', 'criu_version', 'tool'] as const) {
    if (typeof m[k] !== 'string' || !m[k]) return `'${k}' is missing`;
  }
  if (Number.isNaN(Date.parse(m.created as string))) return `'created' is not a date`;
  for (const k of ['zfs_snapshot', 'zfs_guid'] as const) if (m[k] !== null && typeof m[k] !== 'string') return `'${k}' is neither a string nor null`;
  if (typeof m.sha256 !== 'string' || !SHA256.test(m.sha256)) return `'sha256' is not a sha256`;
  if (!isSize(m.compressed_size)) return `'compressed_size' is not a byte count`;
  if (m.artifacts !== undefined) {
    if (!Array.isArray(m.artifacts)) return `'artifacts' is not a list`;
    for (const [i, a] of m.artifacts.entries()) {
      const p = artifactProblem(a, i);
      if (p) return p;
    }
  }
  return undefined;
}

import { isAbsolute, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { validateContainerId, validateSnapshotShortName } from '../tools/zfs/names.js';

/**
 * Artifact URIs name a file of an image independently of where a node mounts the store:
 * `shared://<container>/<checkpoint id>/<name>`, e.g. `shared://101/checkpoint-1732412345/dump.tar.zst`.
 */
export const SCHEME = 'shared://';
const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_URI = 1024;
const HINT = 'an artifact URI is shared://<container>/<checkpoint id>/<file>, e.g. shared://101/checkpoint-1732412345/dump.tar.zst';

export function artifactUri(container: string, checkpointId: string, name: string): string {
  return `${SCHEME}${container}/${checkpointId}/${name}`;
}

function bad(uri: string, why: string): UsageError {
  // The URI is quoted with JSON escapes so a hostile one cannot break the line or the terminal.
  const shown = JSON.stringify(uri.length > 120 ? `${uri.slice(0, 120)}…` : uri);
  return new UsageError(`invalid artifact URI ${shown}: ${why}`, HINT);
}

/** Checks every part of an artifact URI; throws a one-line UsageError naming the first problem. */
export function parseArtifactUri(uri: string): { container: string; checkpointId: string; name: string } {
  if (typeof uri !== 'string' || uri === '') throw bad(String(uri), 'it is empty');
  if (uri.length > MAX_URI) throw bad(uri, `longer than ${MAX_URI} characters`);
  if (!uri.startsWith(SCHEME)) throw bad(uri, `it does not start with ${SCHEME}`);
  // Checked on the raw text: nothing is ever percent-decoded, so an encoded '/' or '..' cannot sneak through.
  const forbidden = [...uri].find((c) => c === '%' || c === '\\' || c === '?' || c === '#' || c <= ' ' || c === '\x7f' || c > '~');
  if (forbidden !== undefined) {
    const what =
      forbidden === '%'
        ? "'%' (percent-encoding is not accepted)"
        : /^[!-~]$/.test(forbidden)
          ? `'${forbidden}'`
          : `U+${forbidden.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw bad(uri, `character ${what} is not allowed`);
  }
  const rest = uri.slice(SCHEME.length);
  if (rest.startsWith('/')) throw bad(uri, 'it names an absolute path; the path is relative to the store');
  const parts = rest.split('/');
  if (parts.length !== 3) throw bad(uri, `it has ${parts.length} path part(s), expected 3 (container, checkpoint id, file)`);
  const [container, checkpointId, name] = parts as [string, string, string];
  for (const [what, part] of [
    ['container id', container],
    ['checkpoint id', checkpointId],
    ['file name', name],
  ] as const) {
    if (part === '') throw bad(uri, `the ${what} is empty`);
    if (part === '.' || part === '..') throw bad(uri, `the ${what} is '${part}'`);
  }
  try {
    validateContainerId(container);
  } catch {
    throw bad(uri, `'${container}' is not a valid container id`);
  }
  try {
    validateSnapshotShortName(checkpointId);
  } catch {
    throw bad(uri, `'${checkpointId}' is not a valid checkpoint id`);
  }
  if (checkpointId.startsWith('.')) throw bad(uri, `checkpoint id '${checkpointId}' starts with '.' (a temporary directory, not an image)`);
  if (!ARTIFACT_NAME.test(name)) throw bad(uri, `'${name}' is not a valid file name (letters, digits, . _ -, starting with a letter or digit)`);
  return { container, checkpointId, name };
}

/** The path of an artifact in the store at `storeRoot`; refuses anything that would lead outside it. */
export function resolveArtifactUri(storeRoot: string, uri: string): string {
  const { container, checkpointId, name } = parseArtifactUri(uri);
  if (!isAbsolute(storeRoot))
    throw new UsageError(`the image store ${JSON.stringify(storeRoot)} is not an absolute path`, 'set criu.store to an absolute path');
  const root = resolve(storeRoot);
  const path = resolve(root, container, checkpointId, name);
  // Defence in depth: the checks above already rule this out.
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) throw bad(uri, 'it leads outside the image store');
  return path;
}

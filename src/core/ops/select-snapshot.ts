import { NotFoundError, UsageError } from '../errors.js';
import type { CheckpointNode, CheckpointTree } from '../model/tree.js';
import { findSnapshot } from '../model/tree.js';
import { validateSnapshotName, validateSnapshotShortName } from '../tools/zfs/names.js';

/** Only the prefix of our names, with no moment after it: a name cut short (an empty shell variable, say). */
const PREFIX_ONLY = /^(?:checkpoint|pre-restore)-?$/;

/**
 * Checks a snapshot name given by a user before anything runs: empty, blank or prefix-only names are refused
 * rather than read as "the latest".
 */
export function validateSnapshotArgument(name: string): string {
  if (name.trim() === '')
    throw new UsageError('snapshot name is empty', 'name a checkpoint (see `lxcri-console tree <container>`), or leave the option out for the latest');
  const short = name.slice(name.indexOf('@') + 1);
  if (PREFIX_ONLY.test(short)) {
    throw new UsageError(`snapshot name '${name}' is only a prefix`, 'give the whole name, e.g. checkpoint-1763890000 (see `lxcri-console tree <container>`)');
  }
  if (name.includes('@')) validateSnapshotName(name);
  else validateSnapshotShortName(name);
  return name;
}

/** Resolves a user-given snapshot name (short `checkpoint-123` or full `ds@checkpoint-123`) within a tree. */
export function selectSnapshot(tree: CheckpointTree, name: string): CheckpointNode {
  validateSnapshotArgument(name);
  const found = findSnapshot(tree, name);
  if (found.length === 0) {
    throw new NotFoundError(
      `Snapshot does not exist: ${name} (container ${tree.container})`,
      `list its checkpoints with \`lxcri-console tree ${tree.container}\``,
    );
  }
  if (found.length > 1) {
    throw new UsageError(
      `snapshot name ${name} is ambiguous in container ${tree.container}: ${found.map((n) => n.fullName).join(', ')}`,
      'give the full name dataset@snapshot',
    );
  }
  return found[0]!;
}

import { NotFoundError, UsageError } from '../errors.js';
import type { CheckpointNode, CheckpointTree } from '../model/tree.js';
import { findSnapshot } from '../model/tree.js';
import { validateSnapshotName, validateSnapshotShortName } from '../tools/zfs/names.js';

/** Resolves a user-given snapshot name (short `checkpoint-123` or full `ds@checkpoint-123`) within a tree. */
export function selectSnapshot(tree: CheckpointTree, name: string): CheckpointNode {
  if (name.includes('@')) validateSnapshotName(name);
  else validateSnapshotShortName(name);
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

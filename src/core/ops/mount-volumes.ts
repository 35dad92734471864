import { LxcriError } from '../errors.js';
import { mountedNow } from '../model/dataset.js';
import type { FileChange } from '../model/file-diff.js';
import type { CheckpointNode } from '../model/tree.js';
import { poolOf } from '../tools/zfs/names.js';
import type { LoadedContainer } from './container.js';

/*
 * A Proxmox container's mount point volumes (`mpN: local-zfs:subvol-101-disk-1,mp=/var/lib/postgresql`) in a diff.
 * lxcri's checkpoints snapshot the root filesystem only; `pct snapshot` snapshots every volume under the same name.
 * So a volume is compared where both states exist on it (a same-named snapshot, or its live state for NOW), its paths
 * prefixed with its mount path, and otherwise named in the result as not compared, with the reason. Volumes have no
 * branches (a branch restore moves the root filesystem only): a three-way view leaves them out, saying so.
 */

/** Why a mount point was not compared. */
export type VolumeSkip = 'not-in-checkpoint' | 'across-branches' | 'not-mounted' | 'bind-mount' | 'other-pool';

export interface VolumeNote {
  /** `mp0`… */
  mount: string;
  /** Where the container sees it. */
  path: string;
  /** The ZFS dataset behind it (absent for a bind mount of a host directory). */
  dataset?: string;
  compared: boolean;
  reason?: VolumeSkip;
  /** With `not-in-checkpoint`: the checkpoint the volume has no snapshot of. */
  checkpoint?: string;
}

/** A volume to compare: its two states as tree nodes of its own dataset. */
export interface VolumeDiff {
  note: VolumeNote;
  from: CheckpointNode;
  to: CheckpointNode;
}

/** The volume's state matching a state of the root filesystem: its live state for NOW, its same-named snapshot. */
function volumeState(c: LoadedContainer, dataset: string, n: CheckpointNode): CheckpointNode | undefined {
  const fullName = n.kind === 'now' ? dataset : `${dataset}@${n.name}`;
  if (!c.inventory.get(fullName)) return undefined;
  return { ...n, id: `volume:${fullName}`, dataset, fullName, clones: [], foreignClones: [], active: false };
}

/**
 * The container's mount points for a diff between `from` and `to`: those to compare, and a note for each (compared or
 * why not). Empty for a container without mpN (LXC, LXCRI, a Proxmox container with its rootfs only).
 */
export function mountVolumes(c: LoadedContainer, from: CheckpointNode, to: CheckpointNode, threeWay: boolean): { diffs: VolumeDiff[]; notes: VolumeNote[] } {
  const diffs: VolumeDiff[] = [];
  const notes: VolumeNote[] = [];
  for (const m of c.container.mounts) {
    if (m.key === 'rootfs' || !m.path || m.path === '/') continue;
    const note: VolumeNote = { mount: m.key, path: m.path, ...(m.dataset ? { dataset: m.dataset } : {}), compared: false };
    notes.push(note);
    if (!m.dataset) note.reason = 'bind-mount';
    // The listing read is the container's pool's (one consistent read): a volume elsewhere is not in it.
    else if (poolOf(m.dataset) !== poolOf(c.dataset)) note.reason = 'other-pool';
    else if (threeWay) note.reason = 'across-branches';
    else {
      const vf = volumeState(c, m.dataset, from);
      const vt = volumeState(c, m.dataset, to);
      const missing = !vf ? from : !vt ? to : undefined;
      if (missing) Object.assign(note, { reason: 'not-in-checkpoint', checkpoint: missing.kind === 'now' ? 'NOW' : missing.name });
      else if (vt!.kind === 'now' && !mountedNow(c.inventory.get(m.dataset))) note.reason = 'not-mounted';
      else {
        note.compared = true;
        diffs.push({ note, from: vf!, to: vt! });
      }
    }
  }
  return { diffs, notes };
}

/** A volume's changes in the container's paths: `/x` on the volume mounted at `/data` is `/data/x`. */
export function underMount(changes: readonly FileChange[], mountPath: string): FileChange[] {
  const base = mountPath.replace(/\/+$/, '');
  return changes.map((c) => ({ ...c, path: base + c.path, ...(c.newPath !== undefined ? { newPath: base + c.newPath } : {}) }));
}

/**
 * Refuses a path on one of the container's mount points (at or below its mount path): `files` and `restore-file`
 * read and write the root filesystem, where that path is only the directory the volume is mounted over (a restore
 * there would be hidden from the container).
 */
export function refuseOnMountPoint(c: LoadedContainer, path: string, what: string, tool?: string): void {
  for (const m of c.container.mounts) {
    if (m.key === 'rootfs' || !m.path || m.path === '/') continue;
    const mp = m.path.replace(/\/+$/, '');
    if (path !== mp && !path.startsWith(`${mp}/`)) continue;
    const source = m.dataset ? `volume ${m.dataset}` : `host directory ${m.volume}`;
    throw new LxcriError(
      'on-mount-point',
      `${what} ${path} is on mount point ${m.key} of ${c.id} (${mp}, ${source}), not in its root filesystem, which is all ${tool ?? `${what === '--to' ? 'restore-file' : 'files and restore-file'} reach`}`,
      m.dataset ? `read it from the volume's own snapshots (zfs list -t snapshot ${m.dataset})` : 'it is a host directory: no checkpoint holds it',
    );
  }
}

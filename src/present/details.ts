import type { CheckpointNode } from '../core/model/tree.js';
import type { ContainerSummary } from '../core/world.js';
import { formatBytes, formatTime } from './units.js';

/** A value cut into pieces of `width` characters (at least one piece). */
function chunks(value: string, width: number): string[] {
  const chars = [...value];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''));
  return out.length ? out : [''];
}

/** This container's own branches cloned from a checkpoint (other owners' clones are listed apart). */
function ownClones(n: CheckpointNode): string[] {
  return n.clones.filter((c) => !n.foreignClones.some((f) => f.dataset === c));
}

/** The details of a tree node as label/value rows, wrapped to `width` (the label column is 14): the pane draws them, the console scrolls them. */
export function detailRows(n: CheckpointNode | undefined, c: ContainerSummary | undefined, width: number): Array<[string, string]> {
  const lines: Array<[string, string]> = !n
    ? []
    : n.kind === 'now'
      ? [
          ['live state of', n.dataset],
          ['referenced', formatBytes(n.referenced)],
          ['active', n.active ? 'yes (you are here)' : 'no (a branch)'],
          ...(n.active && c?.unmounted ? [['mounted', `no: the container cannot start (zfs mount ${n.dataset})`] as [string, string]] : []),
        ]
      : [
          // Most useful first: at 80x24 the pane shows five rows (the rest scroll: focus it, j/k).
          ['checkpoint', n.name],
          ['label', n.label ?? '-'],
          ['created', formatTime(n.creation)],
          ['used', formatBytes(n.used)],
          ['kind', n.class + (n.foreignSource ? ` (${n.foreignSource})` : '')],
          ['referenced', formatBytes(n.referenced)],
          ...(n.written !== undefined ? [['written', formatBytes(n.written)] as [string, string]] : []),
          ['by', `${n.createdBy ?? '-'}@${n.host ?? '-'}`],
          ['holds', String(n.holds)],
          ['CRIU image', n.image ?? 'none'],
          ['depends on it', ownClones(n).length ? ownClones(n).join(', ') : n.children.length ? `${n.children.length} later node(s)` : 'nothing'],
          ...(n.foreignClones.length ? [['clone used by', n.foreignClones.map((f) => `${f.owner} (${f.dataset})`).join(', ')] as [string, string]] : []),
          ['snapshot', n.fullName],
        ];
  // Long values (a snapshot name, the clones depending on it) wrap onto further rows instead of being cut.
  const room = Math.max(1, width - 2 - 14);
  const rows = lines.flatMap(([k, v]) => chunks(v, room).map((part, i) => [i ? '' : k, part] as [string, string]));
  return rows;
}

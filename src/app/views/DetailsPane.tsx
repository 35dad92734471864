import { Panel } from '../../../components/Panel.js';
import type { CheckpointNode } from '../../core/model/tree.js';
import { useLook } from '../../../components/theme-context.js';
import { formatBytes, formatTime } from '../../present/units.js';
import { useApp } from '../app-context.js';
import { useUi } from './hooks.js';
import { Text } from '../../../components/Text.js';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';

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

export function DetailsPane({ width, height }: { width: number; height: number }) {
  const app = useApp();
  const { theme } = useLook();
  useUi((s) => s.treeCursor);
  useUi((s) => s.tree);
  const focused = useUi((s) => s.focus === 'details');
  const scroll = useUi((s) => s.detailsScroll);
  const n = app.cursorRow()?.node;
  const c = app.selectedContainer();
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
  const visible = Math.max(1, height - 3);
  const start = Math.max(0, Math.min(scroll, rows.length - visible));
  const w = windowRows(rows.length, visible, start, false);
  return (
    <Panel title="Details" focused={focused} width={width} height={height}>
      <ScrollHint direction="up" count={w.above} />
      {rows.slice(w.start, w.end).map(([k, v], i) => (
        <Text key={w.start + i} wrap="truncate">
          <Text color={theme.color('text.dim')}>{`${k.padEnd(14)}`}</Text>
          {v}
        </Text>
      ))}
      <ScrollHint direction="down" count={w.below} />
    </Panel>
  );
}

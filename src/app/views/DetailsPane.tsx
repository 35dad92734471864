import { Panel } from '../../../components/Panel.js';
import type { CheckpointNode } from '../../core/model/tree.js';
import { useLook } from '../../../components/theme-context.js';
import { formatBytes, formatTime } from '../../present/units.js';
import { useApp } from '../app-context.js';
import { useUi } from './hooks.js';
import { Text } from '../../../components/Text.js';

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
  const n = app.cursorRow()?.node;
  const lines: Array<[string, string]> = !n
    ? []
    : n.kind === 'now'
      ? [
          ['live state of', n.dataset],
          ['referenced', formatBytes(n.referenced)],
          ['active', n.active ? 'yes (you are here)' : 'no (a branch)'],
        ]
      : [
          ['snapshot', n.fullName],
          ['kind', n.class + (n.foreignSource ? ` (${n.foreignSource})` : '')],
          ['created', formatTime(n.creation)],
          ['by', `${n.createdBy ?? '-'}@${n.host ?? '-'}`],
          ['label', n.label ?? '-'],
          ['used', formatBytes(n.used)],
          ['referenced', formatBytes(n.referenced)],
          ...(n.written !== undefined ? [['written', formatBytes(n.written)] as [string, string]] : []),
          ['holds', String(n.holds)],
          ['CRIU image', n.image ?? 'none'],
          ['depends on it', ownClones(n).length ? ownClones(n).join(', ') : n.children.length ? `${n.children.length} later node(s)` : 'nothing'],
          ...(n.foreignClones.length ? [['clone used by', n.foreignClones.map((f) => `${f.owner} (${f.dataset})`).join(', ')] as [string, string]] : []),
        ];
  return (
    <Panel title="Details" focused={focused} width={width} height={height}>
      {lines.slice(0, Math.max(0, height - 3)).map(([k, v]) => (
        <Text key={k} wrap="truncate">
          <Text color={theme.color('text.dim')}>{`${k.padEnd(14)}`}</Text>
          {v}
        </Text>
      ))}
    </Panel>
  );
}

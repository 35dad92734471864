import { Box } from 'ink';
import { CursorRow } from '../../../components/CursorRow.js';
import { Panel } from '../../../components/Panel.js';
import { useLook } from '../../../components/theme-context.js';
import { guidePrefix, nodeGlyph } from '../../present/glyphs.js';
import { formatAge, formatBytes } from '../../present/units.js';
import { useApp } from '../app-context.js';
import { useMinuteClock } from './clock.js';
import { useUi } from './hooks.js';
import { Text } from '../../../components/Text.js';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';
import { treeMatches } from '../search.js';
import { TextFieldView } from './TextFieldView.js';
import type { Token } from '../../../themes/index.js';

/** A branch's NOW: when a restore set the line aside (its dataset name is in the details), else the dataset's leaf. */
function branchNote(branchedAt: number | undefined, dataset: string, now: number): string {
  return branchedAt !== undefined ? `(a branch: the line set aside ${formatAge(branchedAt, now, true)} ago)` : `(branch ${dataset.split('/').pop()})`;
}

/** The checkpoint tree of the selected container, windowed: only the rows that fit are rendered. */
export function TreePane({ width, height }: { width: number; height: number }) {
  const app = useApp();
  const { theme, glyphs } = useLook();
  const tree = useUi((s) => s.tree);
  const cursor = useUi((s) => s.treeCursor);
  const focused = useUi((s) => s.focus === 'tree');
  const c = app.selectedContainer();
  const rows = app.treeRows();
  const search = useUi((s) => s.search);
  const searching = useUi((s) => s.mode === 'search');
  const searchCursor = useUi((s) => s.searchCursor);
  const matches = new Set(treeMatches(rows, search));
  const visible = Math.max(1, height - 3 - (searching || search ? 1 : 0));
  const w = windowRows(rows.length, visible, cursor);
  const now = useMinuteClock();
  const empty = c?.reason ? `no ZFS dataset: ${c.reason}` : c ? 'reading the tree' : 'no container selected';
  return (
    <Panel
      title={c ? `Checkpoints of ${c.id} ${c.name}${tree ? ` (${tree.branches.length} line${tree.branches.length > 1 ? 's' : ''})` : ''}` : 'Checkpoints'}
      focused={focused}
      width={width}
      height={height}
    >
      {searching || search ? (
        <Text color={theme.color('text.accent')} wrap="truncate">
          {'search: '}
          {searching ? <TextFieldView text={search} cursor={searchCursor} /> : search}
          {`  ${matches.size} match${matches.size === 1 ? '' : 'es'}${searching ? '' : '  n/N next/previous'}`}
        </Text>
      ) : null}
      {!tree ? <Text color={theme.color('text.dim')}>{empty}</Text> : null}
      <ScrollHint direction="up" count={w.above} />
      {rows.slice(w.start, w.end).map((r, i) => {
        const n = r.node;
        const sel = w.start + i === cursor;
        const prefix = guidePrefix(r.guides, glyphs);
        const text =
          n.kind === 'now'
            ? `NOW ${n.active ? '<- you are here' : branchNote(tree?.branches.find((b) => b.dataset === n.dataset)?.branchedAt, n.dataset, now)}`
            : // Age and space first, then the label an admin recognises, then the name: at 80 columns the end is cut.
              `${formatAge(n.creation, now, true).padStart(3)} ${formatBytes(n.used).padStart(6)}  ${n.label ? `"${n.label}"  ` : ''}${n.name}${n.image ? '  [stateful]' : ''}${n.holds ? '  [held]' : ''}`;
        const color: Token =
          n.kind === 'now'
            ? n.active
              ? 'tree.current'
              : 'tree.branch'
            : matches.has(w.start + i)
              ? 'text.accent'
              : n.class === 'foreign'
                ? 'tree.foreign'
                : n.class === 'safety'
                  ? 'tree.safety'
                  : 'text';
        return (
          <Box key={r.id}>
            <CursorRow cursor={sel} focused={focused} color={color} dim={n.class === 'foreign'}>{`${prefix}${nodeGlyph(n, glyphs)} ${text}`}</CursorRow>
          </Box>
        );
      })}
      <ScrollHint direction="down" count={w.below} />
    </Panel>
  );
}

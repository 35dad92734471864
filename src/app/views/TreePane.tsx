import { Box } from 'ink';
import { CursorRow } from '../../../components/CursorRow.js';
import { Panel } from '../../../components/Panel.js';
import { useLook } from '../../../components/theme-context.js';
import { treeTable } from '../../present/tree-columns.js';
import { marksSummary } from '../../present/delete-plans.js';
import { keyOf, NORMAL_BINDINGS } from '../bindings.js';
import { keyName } from '../key-names.js';
import { useApp } from '../app-context.js';
import { alsoOnRows, markedNodes } from '../derive.js';
import { useMinuteClock } from './clock.js';
import { useCore, useUi } from './hooks.js';
import { Text } from '../../../components/Text.js';
import { windowRows } from '../../../components/ScrollHint.js';
import { treeMatches } from '../search.js';
import { TextFieldView } from './TextFieldView.js';
import { listRows, treeLinesAbove } from '../layout.js';
import type { Token } from '../../../themes/index.js';

/**
 * The checkpoint tree of the selected container as an aligned table under a header, windowed: only the rows that
 * fit are rendered. "You are here" is always on screen: when its row is scrolled away, the scroll hint on that side
 * says where it is.
 */
export function TreePane({ width, height }: { width: number; height: number }) {
  const app = useApp();
  const { theme, glyphs, ascii } = useLook();
  const tree = useUi((s) => s.tree);
  const cursor = useUi((s) => s.treeCursor);
  const focused = useUi((s) => s.focus === 'tree');
  useUi((s) => s.treeNewestFirst);
  useUi((s) => s.treeCollapsed);
  const marks = useUi((s) => s.treeMarks);
  const marked = markedNodes({ ...app.ui.getState(), tree, treeMarks: marks });
  const c = app.selectedContainer();
  const rows = app.treeRows();
  const search = useUi((s) => s.search);
  const searching = useUi((s) => s.mode === 'search');
  const searchCursor = useUi((s) => s.searchCursor);
  const matches = new Set(treeMatches(rows, search));
  // The controller pages by the same count (layout.ts), so PgDn moves by what is on screen.
  const visible = listRows(height, treeLinesAbove({ searching, search, marked: marked.length, tree: !!tree }));
  const w = windowRows(rows.length, visible, cursor);
  const now = useMinuteClock();
  const empty = c?.reason ? `no ZFS dataset: ${c.reason}` : c ? 'reading the tree' : 'no container selected';
  const markedIds = new Set(marks);
  // Inside the border, after the cursor column.
  // Where else each checkpoint is (replicated to another node): from every node's listing in memory.
  const world = useCore((s) => s.world);
  const alsoOn = alsoOnRows(world, c?.node);
  const table = tree ? treeTable(tree, rows, { width: width - 3, nowSeconds: now, glyphs, marked: markedIds, from: w.start, to: w.end, alsoOn }) : undefined;
  const here = rows.findIndex((r) => r.node.active);
  const hint = (direction: 'up' | 'down', count: number) => {
    if (count <= 0) return null;
    const arrow = direction === 'up' ? (ascii ? '^' : '↑') : ascii ? 'v' : '↓';
    const pinned = here >= 0 && (direction === 'up' ? here < w.start : here >= w.end);
    return (
      <Text color={theme.color(pinned ? 'tree.current' : 'text.dim')} wrap="truncate">
        {`${arrow} ${count} more${pinned ? `  ${glyphs.nowActive} you are here` : ''}`}
      </Text>
    );
  };
  const lines = tree ? `${tree.branches.length} line${tree.branches.length > 1 ? 's' : ''}` : '';
  return (
    <Panel title={c ? `Checkpoints of ${c.id} ${c.name}${tree ? ` (${lines})` : ''}` : 'Checkpoints'} focused={focused} width={width} height={height}>
      {searching || search ? (
        <Text color={theme.color('text.accent')} wrap="truncate">
          {'search: '}
          {searching ? <TextFieldView text={search} cursor={searchCursor} /> : search}
          {`  ${matches.size} match${matches.size === 1 ? '' : 'es'}${searching ? '' : '  n/N next/previous'}`}
        </Text>
      ) : null}
      {marked.length ? (
        <Text
          color={theme.color('text.accent')}
          wrap="truncate"
        >{`${marksSummary(marked)}  ${keyName(keyOf('delete-marked', NORMAL_BINDINGS, 'tree'))} delete  ${keyName(keyOf('close', NORMAL_BINDINGS, 'tree'))} unmark`}</Text>
      ) : null}
      {!tree ? <Text color={theme.color('text.dim')}>{empty}</Text> : null}
      {table ? (
        <Text color={theme.color('text.dim')} wrap="truncate">
          {` ${table.header}`}
        </Text>
      ) : null}
      {hint('up', w.above)}
      {table?.lines.map((text, i) => {
        const r = rows[w.start + i]!;
        const n = r.node;
        const sel = w.start + i === cursor;
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
            <CursorRow cursor={sel} focused={focused} color={color} dim={n.class === 'foreign'}>
              {text}
            </CursorRow>
          </Box>
        );
      })}
      {hint('down', w.below)}
    </Panel>
  );
}

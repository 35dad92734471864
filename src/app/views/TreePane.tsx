import { Box } from 'ink';
import { CursorRow } from '../../../components/CursorRow.js';
import { Panel } from '../../../components/Panel.js';
import { useLook } from '../../../components/theme-context.js';
import { guidePrefix, nodeGlyph } from '../../present/glyphs.js';
import { treeRowText } from '../../present/tree-row.js';
import { useApp } from '../app-context.js';
import { useMinuteClock } from './clock.js';
import { useUi } from './hooks.js';
import { Text } from '../../../components/Text.js';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';
import { treeMatches } from '../search.js';
import { TextFieldView } from './TextFieldView.js';
import type { Token } from '../../../themes/index.js';

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
        const text = treeRowText(n, tree, now);
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

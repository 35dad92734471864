import { Box } from 'ink';
import { CursorRow } from '../../../components/CursorRow.js';
import { Panel } from '../../../components/Panel.js';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';
import { useLook } from '../../../components/theme-context.js';
import { Text } from '../../../components/Text.js';
import type { Token } from '../../../themes/index.js';
import type { WorldNode } from '../../core/world.js';
import { containerColumns, containerHeader, containerLine, liveStatus } from '../../present/container-row.js';
import { useApp } from '../app-context.js';
import { useCore, useUi } from './hooks.js';
import { TextFieldView } from './TextFieldView.js';
import { useMinuteClock } from './clock.js';
import { containerLinesAbove, listRows } from '../layout.js';

export function ContainersPane({ width, height }: { width: number; height: number }) {
  const app = useApp();
  const { theme } = useLook();
  useCore((s) => s.world);
  const runtime = useCore((s) => s.runtimeStates);
  const selected = useUi((s) => s.selected);
  const focused = useUi((s) => s.focus === 'containers');
  const filter = useUi((s) => s.filter);
  const filtering = useUi((s) => s.mode === 'filter');
  const filterCursor = useUi((s) => s.filterCursor);
  const marks = useUi((s) => s.marks);
  const nodeFilter = useUi((s) => s.nodeFilter);
  const node = useCore((s) => s.world?.nodes?.find((n) => n.name === nodeFilter));
  const list = app.visibleContainers();
  // Ages tick once a minute (the shared clock): an idle screen stays unchanged.
  const now = useMinuteClock();
  const cols = containerColumns(list, width - 2);
  const rows = listRows(height, containerLinesAbove(filtering));
  const index = Math.max(
    0,
    list.findIndex((c) => c.id === selected),
  );
  const w = windowRows(list.length, rows, index);
  return (
    <Panel title={`Containers (${list.length})${filter ? ` /${filter}` : ''}`} focused={focused} width={width} height={height}>
      {filtering ? (
        <Text color={theme.color('text.accent')} wrap="truncate">
          {'filter: '}
          <TextFieldView text={filter} cursor={filterCursor} />
        </Text>
      ) : null}
      <Text color={theme.color('text.dim')} wrap="truncate">
        {containerHeader(cols)}
      </Text>
      <ScrollHint direction="up" count={w.above} />
      {list.slice(w.start, w.end).map((c) => {
        const status = liveStatus(c, runtime[c.id]);
        const token: Token = c.reason
          ? 'text.dim'
          : c.unmounted
            ? 'status.warning'
            : status === 'running'
              ? 'status.ok'
              : status === 'stopped'
                ? 'text.dim'
                : 'status.warning';
        return (
          <Box key={c.id}>
            <CursorRow cursor={c.id === selected} focused={focused} color={token}>
              {containerLine(c, cols, runtime[c.id], now, marks.includes(c.id))}
            </CursorRow>
          </Box>
        );
      })}
      <ScrollHint direction="down" count={w.below} />
      {!list.length ? (
        <Text color={theme.color('text.dim')} wrap="wrap">
          {filter ? `no container matches /${filter} (Esc clears)` : nodeFilter ? emptyNode(nodeFilter, node) : 'no containers'}
        </Text>
      ) : null}
    </Panel>
  );
}

/** Why a node shows no containers: it did not answer (ssh's reason), or it has none. */
function emptyNode(name: string, node: WorldNode | undefined): string {
  if (node?.reachable === false) return `${name} is unreachable: ${node.error ?? 'no answer'} (retried with backoff; N: next node)`;
  return `no containers on ${name} (N: next node)`;
}

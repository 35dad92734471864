import { Box } from 'ink';
import { CursorRow } from '../../../components/CursorRow.js';
import { Panel } from '../../../components/Panel.js';
import { useLook } from '../../../components/theme-context.js';
import { formatBytes } from '../../present/units.js';
import { useApp } from '../app-context.js';
import { useCore, useUi } from './hooks.js';
import { TextFieldView } from './TextFieldView.js';
import { Text } from '../../../components/Text.js';
import type { Token } from '../../../themes/index.js';

export function ContainersPane({ width, height }: { width: number; height: number }) {
  const app = useApp();
  const { theme } = useLook();
  useCore((s) => s.world);
  const selected = useUi((s) => s.selected);
  const focused = useUi((s) => s.focus === 'containers');
  const filter = useUi((s) => s.filter);
  const filtering = useUi((s) => s.mode === 'filter');
  const filterCursor = useUi((s) => s.filterCursor);
  const list = app.visibleContainers();
  const rows = Math.max(1, height - 4);
  const index = Math.max(
    0,
    list.findIndex((c) => c.id === selected),
  );
  const start = Math.max(0, Math.min(index - Math.floor(rows / 2), list.length - rows));
  return (
    <Panel title={`Containers (${list.length})${filter ? ` /${filter}` : ''}`} focused={focused} width={width} height={height}>
      {filtering ? (
        <Text color={theme.color('text.accent')} wrap="truncate">
          {'filter: '}
          <TextFieldView text={filter} cursor={filterCursor} />
        </Text>
      ) : null}
      {list.slice(start, start + rows).map((c) => {
        const sel = c.id === selected;
        const status: Token = c.status === 'running' ? 'status.ok' : c.status === 'stopped' ? 'text.dim' : 'status.warning';
        // The cursor gutter, id, name (what is left), status, lock, checkpoints, space held by snapshots: fitted to the pane.
        const nameWidth = Math.max(4, width - 2 - (1 + 5 + 1 + 1 + 7 + 1 + 8 + 1 + 3 + 1 + 6));
        const line = `${c.id.slice(0, 5).padEnd(5)} ${c.name.slice(0, nameWidth).padEnd(nameWidth)} ${c.status.slice(0, 7).padEnd(7)} ${(c.lock ?? '').slice(0, 8).padEnd(8)} ${String(c.checkpoints).padStart(3)} ${formatBytes(c.usedBySnapshots).padStart(6)}`;
        return (
          <Box key={c.id}>
            <CursorRow cursor={sel} focused={focused} color={c.reason ? 'text.dim' : status}>
              {line}
            </CursorRow>
          </Box>
        );
      })}
      {!list.length ? <Text color={theme.color('text.dim')}>no containers</Text> : null}
    </Panel>
  );
}

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { BreakdownBar, PartLegend, PartMark } from '../../../components/BreakdownBar.js';
import { CapacityBar, capacityCells } from '../../../components/CapacityBar.js';
import { CursorRow } from '../../../components/CursorRow.js';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';
import { Text } from '../../../components/Text.js';
import { useLook } from '../../../components/theme-context.js';
import { poolLevel } from '../../core/ops/pools.js';
import {
  barCells,
  barText,
  breakdownLines,
  CHECKPOINT_NOTE,
  checkpointCells,
  containerParts,
  forecastShort,
  forecastText,
  healthLines,
  legendItems,
  lineName,
  lineParts,
  pathText,
  poolUsed,
} from '../../present/space-view.js';
import { formatBytes } from '../../present/units.js';
import { spaceListRows } from '../layout.js';
import { spaceData, spaceLevel, validNav, type SpaceData, type SpaceLevel } from '../space-view.js';
import { useCore, useUi } from './hooks.js';

type Bar = { kind: 'space'; cells: number[]; width: number } | { kind: 'capacity'; percent: number; width: number };

/** One row: text, a bar, text. */
interface Row {
  key: string;
  left: string;
  bar?: Bar;
  right: string;
}

/** Cut to `w` columns with the cut mark, padded (or, right-aligned, padded on the left). */
function fit(text: string, w: number, ascii: boolean, right = false): string {
  const cut = [...text].length > w ? `${[...text].slice(0, Math.max(0, w - 1)).join('')}${ascii ? '~' : '…'}` : text;
  return right ? cut.padStart(w) : cut.padEnd(w);
}

const widest = (values: readonly string[], min: number, max: number) => Math.max(min, Math.min(max, Math.max(0, ...values.map((v) => [...v].length))));

/** The column header and the rows of a level. */
function levelRows(data: SpaceData, level: SpaceLevel, columns: number, ascii: boolean, now: number): { header: string; rows: Row[] } {
  const barWidth = Math.max(12, Math.min(40, columns - 60));
  const countText = (n: number) => String(n);
  if (level.depth === 0) {
    const pools = level.items.map((p) => ({ p, rec: data.pools.get(p.name), use: poolUsed(p), forecast: data.forecasts.get(p.name) }));
    const nw = widest(
      pools.map((x) => x.p.name),
      4,
      16,
    );
    const uw = widest(
      pools.map((x) => x.use.used),
      9,
      20,
    );
    const fw = widest(
      pools.map((x) => x.use.free),
      4,
      14,
    );
    const header = `${fit('pool', nw, ascii)}  ${fit('health', 8, ascii)}  ${fit('capacity', 14, ascii)}  ${fit('used/size', uw, ascii)}  ${fit('free', fw, ascii)}  forecast`;
    return {
      header,
      rows: pools.map(({ p, rec, use, forecast }) => {
        const percent = rec?.capacity ?? (p.size > 0 ? Math.floor((p.allocated * 100) / p.size) : 0);
        return {
          key: p.name,
          left: `${fit(p.name, nw, ascii)}  ${fit(rec?.health ?? 'UNKNOWN', 8, ascii)}  `,
          bar: { kind: 'capacity', percent, width: 10 },
          right: `${' '.repeat(Math.max(0, 3 - String(percent).length))}  ${fit(use.used, uw, ascii)}  ${fit(use.free, fw, ascii)}  ${forecast ? forecastShort(forecast) : ''}`,
        };
      }),
    };
  }
  if (level.depth === 1) {
    const iw = widest(
      level.items.map((c) => c.id),
      2,
      8,
    );
    const nw = widest(
      level.items.map((c) => data.names.get(c.id) ?? ''),
      4,
      Math.max(14, Math.min(32, columns - (iw + 2 + 2 + 7 + 2 + barWidth + 2 + 11) - 2)),
    );
    const scale = Math.max(0, ...level.items.map((c) => c.total));
    return {
      header: `${fit('id', iw, ascii)}  ${fit('name', nw, ascii)}  ${fit('total', 7, ascii, true)}  ${fit('where it is', barWidth, ascii)}    snapshots`,
      rows: level.items.map((c) => ({
        key: c.id,
        left: `${fit(c.id, iw, ascii)}  ${fit(data.names.get(c.id) ?? '', nw, ascii)}  ${fit(formatBytes(c.total), 7, ascii, true)}  `,
        bar: { kind: 'space', cells: barCells(containerParts(c), scale, barWidth), width: barWidth },
        right: `  ${fit(countText(c.checkpoints.length), 11, ascii, true)}`,
      })),
    };
  }
  if (level.depth === 2) {
    // The dataset's name takes what the other columns leave (branch names are long).
    const nw = widest(level.items.map(lineName), 4, Math.max(12, columns - (6 + 2 + 2 + 7 + 2 + barWidth + 2 + 11) - 2));
    const scale = Math.max(0, ...level.items.map((l) => l.used));
    return {
      header: `${fit('line', 6, ascii)}  ${fit('dataset', nw, ascii)}  ${fit('used', 7, ascii, true)}  ${fit('where it is', barWidth, ascii)}    snapshots`,
      rows: level.items.map((l) => ({
        key: l.dataset,
        left: `${fit(l.active ? 'live' : 'branch', 6, ascii)}  ${fit(lineName(l), nw, ascii)}  ${fit(formatBytes(l.used), 7, ascii, true)}  `,
        bar: { kind: 'space', cells: barCells(lineParts(l), scale, barWidth), width: barWidth },
        right: `  ${fit(countText(l.checkpoints.length), 11, ascii, true)}`,
      })),
    };
  }
  return {
    header: `${fit('date', 16, ascii)}  ${fit('age', 4, ascii, true)}  ${fit('used', 7, ascii, true)}  ${fit('written', 7, ascii, true)}  checkpoint`,
    rows: level.items.map((c) => {
      const x = checkpointCells(c, now);
      return {
        key: c.fullName,
        left: `${x.date}  ${fit(x.age, 4, ascii, true)}  ${fit(x.used, 7, ascii, true)}  ${fit(x.written, 7, ascii, true)}  ${x.name}`,
        right: '',
      };
    }),
  };
}

function SpaceRow({ row, cursor }: { row: Row; cursor: boolean }) {
  const { theme, ascii } = useLook();
  const bar = row.bar;
  if (cursor) {
    let text = '';
    if (bar?.kind === 'space') text = barText(bar.cells, bar.width, ascii);
    else if (bar) {
      const c = capacityCells(bar.percent, bar.width, ascii);
      text = `${c.full}${c.empty} ${bar.percent}%`;
    }
    return (
      <CursorRow cursor focused color="text">
        {`${row.left}${text}${row.right}`}
      </CursorRow>
    );
  }
  return (
    <Text wrap="truncate" color={theme.color('text')}>
      {` ${row.left}`}
      {bar?.kind === 'space' ? <BreakdownBar cells={bar.cells} width={bar.width} /> : bar ? <CapacityBar percent={bar.percent} width={bar.width} /> : null}
      {row.right}
    </Text>
  );
}

/** The lines under the list: what the row under the cursor (or the level) holds, in words. */
function Details({ data, level, cursor, columns }: { data: SpaceData; level: SpaceLevel; cursor: number; columns: number }) {
  const { theme } = useLook();
  const status = useUi((s) => s.poolStatus);
  const lines: ReactNode[] = [<Text key="gap"> </Text>];
  if (level.depth === 0) {
    const p = level.items[cursor];
    const rec = p && data.pools.get(p.name);
    if (p && rec) {
      const health = healthLines(
        rec,
        status?.read.find((s) => s.pool === p.name),
        !status,
        status?.error,
      );
      const level = poolLevel(rec);
      health.forEach((text, i) =>
        lines.push(
          <Text key={`h${i}`} wrap="truncate" color={theme.color(i === 0 && level !== 'ok' ? 'status.warning' : 'text')}>
            {text}
          </Text>,
        ),
      );
      const f = data.forecasts.get(p.name);
      if (f)
        lines.push(
          <Text key="forecast" wrap="truncate" color={theme.color(f.kind === 'growing' && f.daysToFull < 30 ? 'status.warning' : 'text')}>
            {forecastText(f)}
          </Text>,
        );
    }
  } else if (level.depth === 1) {
    const c = level.items[cursor];
    if (c) {
      const branches = c.lines.length - 1;
      lines.push(
        <Text key="sum" wrap="truncate" color={theme.color('text.accent')}>
          {`${c.id} ${data.names.get(c.id) ?? ''}: ${formatBytes(c.total)} in ${c.checkpoints.length} snapshots${branches ? `, ${branches} branch${branches === 1 ? '' : 'es'}` : ''}`}
        </Text>,
        <PartLegend key="legend" items={legendItems(containerParts(c))} />,
      );
    }
  } else if (level.depth === 2) {
    const c = level.container;
    const width = Math.max(20, Math.min(120, columns - 2));
    lines.push(<BreakdownBar key="bar" cells={barCells(containerParts(c), c.total, width)} width={width} />);
    for (const [i, l] of breakdownLines(c).entries()) {
      lines.push(
        <Text key={`b${i}`} wrap="truncate" color={theme.color('text')}>
          {l.part ? <PartMark part={l.part} /> : ' '}
          {` ${l.text}`}
        </Text>,
      );
    }
  } else {
    lines.push(
      <PartLegend key="legend" items={legendItems(lineParts(level.line)).slice(0, 3)} />,
      <Text key="note" wrap="truncate" color={theme.color('text.dim')}>
        {CHECKPOINT_NOTE}
      </Text>,
    );
  }
  return <>{lines}</>;
}

/**
 * The space view (`P`), ncdu-style: pools -> containers of a pool -> lines of a container -> checkpoints of a line,
 * sorted by space, with where each container's space is (live data, checkpoints' own, shared, branches, CRIU images).
 * Derived from the listing in memory (space-view.ts); every row one terminal line, the list windowed to the body.
 */
export function SpaceView({ height }: { height: number }) {
  const { theme, ascii } = useLook();
  const world = useCore((s) => s.world);
  const events = useCore((s) => s.events);
  const nav = useUi((s) => s.space);
  const columns = useUi((s) => s.size.columns);
  if (!world) return <Text>{ascii ? 'reading...' : 'reading…'}</Text>;
  const data = spaceData(world, events);
  const v = validNav(data, nav);
  const level = spaceLevel(data, v);
  const now = Math.floor(world.refreshedAt / 1000);
  const { header, rows } = levelRows(data, level, columns, ascii, now);
  const room = spaceListRows(height, level.depth);
  const w = windowRows(rows.length, room, v.cursor);
  const names = [
    ...v.path.slice(0, 1),
    ...(level.depth === 2 || level.depth === 3 ? [`${level.container.id} ${data.names.get(level.container.id) ?? ''}`.trim()] : []),
    ...(level.depth === 3 ? [lineName(level.line)] : []),
  ];
  const empty = ['no ZFS pool found: `zpool list` shows none', 'no container on this pool', 'no line', 'no checkpoint on this line'][level.depth]!;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text wrap="truncate" bold color={theme.color('title')}>
        {pathText(names, v.sort, ascii)}
      </Text>
      <Text wrap="truncate" bold color={theme.color('text.accent')}>
        {` ${header}`}
      </Text>
      <Box flexDirection="column" height={room}>
        {!rows.length ? <Text color={theme.color('text.dim')}>{` ${empty}`}</Text> : null}
        <ScrollHint direction="up" count={w.above} />
        {rows.slice(w.start, w.end).map((r, i) => (
          <SpaceRow key={r.key} row={r} cursor={w.start + i === v.cursor} />
        ))}
        <ScrollHint direction="down" count={w.below} />
      </Box>
      <Details data={data} level={level} cursor={v.cursor} columns={columns} />
    </Box>
  );
}

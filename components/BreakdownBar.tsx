import { PART_FILL, SPACE_PARTS, type SpacePart } from '../src/present/space-view.js';
import type { Token } from '../themes/index.js';
import { useLook } from './theme-context.js';
import { Text } from './Text.js';

const TOKEN: Record<SpacePart, Token> = {
  live: 'space.live',
  own: 'space.own',
  shared: 'space.shared',
  branches: 'space.branches',
  images: 'space.images',
};

/** One part's fill character in its colour (the legend's key). */
export function PartMark({ part }: { part: SpacePart }) {
  const { theme, ascii } = useLook();
  return <Text color={theme.color(TOKEN[part])}>{PART_FILL[ascii ? 'ascii' : 'unicode'][part]}</Text>;
}

/**
 * Where a container's space is, as one bar: `cells` per part (present/space-view.ts barCells) in SPACE_PARTS order,
 * each part in its theme colour and its own fill character (so the parts read apart without colour), padded to `width`.
 */
export function BreakdownBar({ cells, width }: { cells: readonly number[]; width: number }) {
  const { theme, ascii } = useLook();
  const fill = PART_FILL[ascii ? 'ascii' : 'unicode'];
  const drawn = cells.reduce((n, c) => n + c, 0);
  return (
    <Text>
      {SPACE_PARTS.map((p, i) =>
        cells[i] ? (
          <Text key={p.key} color={theme.color(TOKEN[p.key])}>
            {fill[p.key].repeat(cells[i])}
          </Text>
        ) : null,
      )}
      {' '.repeat(Math.max(0, width - drawn))}
    </Text>
  );
}

/** "█ live 3.1G  ▓ own 120M …": each part's mark in its colour, then its words. */
export function PartLegend({ items }: { items: ReadonlyArray<{ part: SpacePart; text: string }> }) {
  return (
    <Text wrap="truncate">
      {items.map((it, i) => (
        <Text key={it.part}>
          {i ? '  ' : ''}
          <PartMark part={it.part} />
          {` ${it.text}`}
        </Text>
      ))}
    </Text>
  );
}

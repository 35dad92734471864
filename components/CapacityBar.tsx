import { capacityLevel } from '../src/core/ops/pools.js';
import { useLook } from './theme-context.js';
import { Text } from './Text.js';

/** The bar's fill and empty cells at `percent` (the cursor row of a list draws them uncoloured). */
export function capacityCells(percent: number, width: number, ascii: boolean): { full: string; empty: string } {
  const filled = Math.round((Math.min(100, percent) / 100) * width);
  const [full, empty] = ascii ? ['#', '-'] : ['█', '░'];
  return { full: full.repeat(filled), empty: empty.repeat(width - filled) };
}

/** `[#######---] 79%` coloured ok / warning (from 80 %) / critical (from 95 %): the core's capacityLevel, as the CLI. */
export function CapacityBar({ percent, width = 10 }: { percent: number; width?: number }) {
  const { theme, ascii } = useLook();
  const level = `bar.${capacityLevel(percent)}` as const;
  const { full, empty } = capacityCells(percent, width, ascii);
  return (
    <Text>
      <Text color={theme.color(level)}>{full}</Text>
      <Text color={theme.color('bar.empty')}>{empty}</Text>
      <Text color={theme.color(level)}>{` ${percent}%`}</Text>
    </Text>
  );
}

import { capacityLevel } from '../src/core/ops/pools.js';
import { useLook } from './theme-context.js';
import { Text } from './Text.js';

/** `[#######---] 79%` coloured ok / warning (from 80 %) / critical (from 95 %): the core's capacityLevel, as the CLI. */
export function CapacityBar({ percent, width = 10 }: { percent: number; width?: number }) {
  const { theme, ascii } = useLook();
  const filled = Math.round((Math.min(100, percent) / 100) * width);
  const level = `bar.${capacityLevel(percent)}` as const;
  const [full, empty] = ascii ? ['#', '-'] : ['█', '░'];
  return (
    <Text>
      <Text color={theme.color(level)}>{full.repeat(filled)}</Text>
      <Text color={theme.color('bar.empty')}>{empty.repeat(width - filled)}</Text>
      <Text color={theme.color(level)}>{` ${percent}%`}</Text>
    </Text>
  );
}

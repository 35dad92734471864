import { useLook } from './theme-context.js';
import { Text } from './Text.js';

/** The footer: `key action` pairs, already cut to the width by the caller. */
export function KeyLegend({ items }: { items: string[] }) {
  const { theme } = useLook();
  return (
    <Text wrap="truncate">
      {items.map((item, i) => {
        const [key, ...rest] = item.split(' ');
        return (
          <Text key={item}>
            {i ? '  ' : ''}
            <Text color={theme.color('key')} bold>
              {key}
            </Text>
            <Text color={theme.color('text.dim')}>{` ${rest.join(' ')}`}</Text>
          </Text>
        );
      })}
    </Text>
  );
}

import { Box } from 'ink';
import { useLook } from '../../../components/theme-context.js';
import { activeBindings, type Binding } from '../bindings.js';
import { useUi } from './hooks.js';
import { Text } from '../../../components/Text.js';

/** Every key of the session; in two columns when one would be taller than the screen (80x24). */
export function HelpOverlay({ height }: { height: number }) {
  const { theme } = useLook();
  const readOnly = useUi((s) => s.readOnly);
  const bindings = activeBindings(readOnly);
  const perColumn = bindings.length <= height - 3 ? bindings.length : Math.ceil(bindings.length / 2);
  const columns = [bindings.slice(0, perColumn), bindings.slice(perColumn)].filter((c) => c.length);
  const row = (b: Binding) => (
    <Text key={b.id} wrap="truncate">
      <Text color={theme.color('key')} bold>
        {b.keys
          .map((k) => (k === 'return' ? 'Enter' : k === 'escape' ? 'Esc' : k))
          .join(' / ')
          .padEnd(columns.length > 1 ? 14 : 16)}
      </Text>
      {b.description}
      {b.dangerous ? <Text color={theme.color('status.warning')}> (asks first)</Text> : null}
    </Text>
  );
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle="round" borderColor={theme.color('border.focus')} paddingX={1}>
      <Text bold color={theme.color('title')}>{`Keys${readOnly ? ' (read-only: changes hidden)' : ''}  — Esc or ? closes`}</Text>
      <Box>
        {columns.map((c, i) => (
          <Box key={i} flexDirection="column" flexBasis={0} flexGrow={1} marginRight={i < columns.length - 1 ? 2 : 0}>
            {c.map(row)}
          </Box>
        ))}
      </Box>
    </Box>
  );
}

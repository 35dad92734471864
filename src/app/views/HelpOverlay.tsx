import { Box } from 'ink';
import { useLook } from '../../../components/theme-context.js';
import { activeBindings } from '../bindings.js';
import { useUi } from './hooks.js';
import { Text } from '../../../components/Text.js';

export function HelpOverlay() {
  const { theme } = useLook();
  const readOnly = useUi((s) => s.readOnly);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.color('border.focus')} paddingX={1}>
      <Text bold color={theme.color('title')}>{`Keys${readOnly ? ' (read-only: dangerous actions hidden)' : ''}  — Esc or ? closes`}</Text>
      {activeBindings(readOnly).map((b) => (
        <Text key={b.id} wrap="truncate">
          <Text color={theme.color('key')} bold>{b.keys.map((k) => (k === 'return' ? 'Enter' : k === 'escape' ? 'Esc' : k)).join(' / ').padEnd(16)}</Text>
          {b.description}
          {b.dangerous ? <Text color={theme.color('status.warning')}> (asks first)</Text> : null}
        </Text>
      ))}
    </Box>
  );
}

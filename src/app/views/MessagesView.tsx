import { Box } from 'ink';
import { ScrollHint } from '../../../components/ScrollHint.js';
import { useLook } from '../../../components/theme-context.js';
import { Text } from '../../../components/Text.js';
import { useUi } from './hooks.js';

/** Every message of the session in full (errors with their hints and every line), newest last: `!`. */
export function MessagesView({ height }: { height: number }) {
  const { theme, ascii } = useLook();
  const messages = useUi((s) => s.messages);
  const scroll = useUi((s) => s.overlayScroll);
  const room = Math.max(1, height - 5);
  const start = Math.max(0, Math.min(scroll, messages.length - room));
  const shown = messages.slice(start, start + room);
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle={ascii ? 'classic' : 'round'} borderColor={theme.color('border.focus')} paddingX={1}>
      <Text bold color={theme.color('title')} wrap="truncate">{`Messages (${messages.length}), newest last  -  Esc, q or ! closes`}</Text>
      {!messages.length ? <Text color={theme.color('text.dim')}>no messages in this session</Text> : null}
      <ScrollHint direction="up" count={start} />
      {shown.map((m, i) => (
        // Every line, wrapped, never cut: this is where the whole text of an error is read.
        <Box key={start + i} flexDirection="column">
          {m.text.split('\n').map((line, j) => (
            <Text key={j} wrap="wrap" color={theme.color(m.level === 'error' ? 'status.error' : 'text')}>
              {`${j ? '         ' : `${new Date(m.at).toTimeString().slice(0, 8)} `}${line}`}
            </Text>
          ))}
        </Box>
      ))}
      <ScrollHint direction="down" count={messages.length - start - shown.length} />
    </Box>
  );
}

import { Box } from 'ink';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';
import { useLook } from '../../../components/theme-context.js';
import { Text } from '../../../components/Text.js';
import { useUi } from './hooks.js';

/** Every message of the session in full (errors with their hints and every line), newest last: `!`. */
export function MessagesView({ height }: { height: number }) {
  const { theme, ascii } = useLook();
  const messages = useUi((s) => s.messages);
  const scroll = useUi((s) => s.overlayScroll);
  // Inside the border and the title; the hints take a row only when rows are hidden that way.
  const w = windowRows(messages.length, Math.max(1, height - 3), Math.max(0, Math.min(scroll, messages.length - 1)), false);
  const shown = messages.slice(w.start, w.end);
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle={ascii ? 'classic' : 'round'} borderColor={theme.color('border.focus')} paddingX={1}>
      <Text bold color={theme.color('title')} wrap="truncate">{`Messages (${messages.length}), newest last  -  Esc, q or ! closes`}</Text>
      {!messages.length ? <Text color={theme.color('text.dim')}>no messages in this session</Text> : null}
      <ScrollHint direction="up" count={w.above} />
      {shown.map((m, i) => (
        // Every line, wrapped, never cut: this is where the whole text of an error is read.
        <Box key={w.start + i} flexDirection="column">
          {m.text.split('\n').map((line, j) => (
            <Text key={j} wrap="wrap" color={theme.color(m.level === 'error' ? 'status.error' : 'text')}>
              {`${j ? '         ' : `${new Date(m.at).toTimeString().slice(0, 8)} `}${line}`}
            </Text>
          ))}
        </Box>
      ))}
      <ScrollHint direction="down" count={w.below} />
    </Box>
  );
}

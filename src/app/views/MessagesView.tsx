import { Box, useStdout } from 'ink';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';
import { useLook } from '../../../components/theme-context.js';
import { Text } from '../../../components/Text.js';
import { messageRows } from '../../present/message-rows.js';
import { overlayTextWidth } from '../layout.js';
import { useUi } from './hooks.js';

/** Every message of the session in full (errors with their hints and every line, wrapped), newest last: `!`. */
export function MessagesView({ height }: { height: number }) {
  const { theme, ascii } = useLook();
  const { stdout } = useStdout();
  const messages = useUi((s) => s.messages);
  const scroll = useUi((s) => s.overlayScroll);
  const rows = messageRows(messages, overlayTextWidth(stdout.columns || 80));
  // Inside the border and the title; the hints take a row only when rows are hidden that way.
  const w = windowRows(rows.length, Math.max(1, height - 3), Math.max(0, Math.min(scroll, rows.length - 1)), false);
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle={ascii ? 'classic' : 'round'} borderColor={theme.color('border.focus')} paddingX={1}>
      <Text bold color={theme.color('title')} wrap="truncate">{`Messages (${messages.length}), newest last  -  Esc, q or ! closes`}</Text>
      {!messages.length ? <Text color={theme.color('text.dim')}>no messages in this session</Text> : null}
      <ScrollHint direction="up" count={w.above} />
      {rows.slice(w.start, w.end).map((r, i) => (
        <Text key={w.start + i} wrap="truncate" color={theme.color(r.level === 'error' ? 'status.error' : 'text')}>
          {r.text}
        </Text>
      ))}
      <ScrollHint direction="down" count={w.below} />
    </Box>
  );
}

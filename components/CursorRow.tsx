import type { Token } from '../themes/index.js';
import { useLook } from './theme-context.js';
import { Text } from './Text.js';

/**
 * One row of a list with a cursor (containers, checkpoint tree), one line, cut to the pane's width. The row starts
 * with a one-column gutter holding the cursor marker, so the cursor shows without any colour (TERM=dumb, NO_COLOR):
 * - the cursor of the focused pane: `selection.fg` on `selection.bg` (inverse video in the no-colour theme);
 * - the cursor of an unfocused pane: `selection.unfocused.fg` on `selection.unfocused.bg`, underlined (underlined
 *   and bold in the no-colour theme): quieter, never invisible and never a foreground colour alone;
 * - any other row: its own token (dimmed when asked).
 */
export function CursorRow({ cursor, focused, color, dim, children }: { cursor: boolean; focused: boolean; color: Token; dim?: boolean; children: string }) {
  const { theme, ascii } = useLook();
  const marker = cursor ? (ascii ? '>' : '▸') : ' ';
  const line = `${marker}${children}`;
  if (!cursor) {
    return (
      <Text wrap="truncate" color={theme.color(color)} dimColor={dim}>
        {line}
      </Text>
    );
  }
  if (theme.monochrome) {
    return (
      <Text wrap="truncate" inverse={focused} underline={!focused} bold={!focused}>
        {line}
      </Text>
    );
  }
  return (
    <Text
      wrap="truncate"
      color={theme.color(focused ? 'selection.fg' : 'selection.unfocused.fg')}
      backgroundColor={theme.color(focused ? 'selection.bg' : 'selection.unfocused.bg')}
      underline={!focused}
    >
      {line}
    </Text>
  );
}

import { Box } from 'ink';
import { ScrollHint, windowRows } from '../../../components/ScrollHint.js';
import { useLook } from '../../../components/theme-context.js';
import { Text } from '../../../components/Text.js';
import { helpSections } from '../help.js';
import { useUi } from './hooks.js';

/** Every key of the session, from the bindings tables, by section; scrolls (j/k, PgUp/PgDn) when taller than the screen. */
export function HelpOverlay({ height }: { height: number }) {
  const { theme, ascii } = useLook();
  const readOnly = useUi((s) => s.readOnly);
  const scroll = useUi((s) => s.overlayScroll);
  const lines = helpSections(readOnly, ascii).flatMap((s) => [
    <Text key={s.title} bold color={theme.color('text.accent')}>
      {s.title}
    </Text>,
    ...s.rows.map((r, i) => (
      <Text key={`${s.title}:${i}`} wrap="truncate">
        <Text color={theme.color('key')} bold>
          {`  ${r.keys.padEnd(22)}`}
        </Text>
        {r.description}
        {r.dangerous ? <Text color={theme.color('status.warning')}> (asks first)</Text> : null}
      </Text>
    )),
  ]);
  // Inside the border and the title; the hints take a row only when rows are hidden that way.
  const w = windowRows(lines.length, Math.max(1, height - 3), Math.max(0, Math.min(scroll, lines.length - 1)), false);
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle={ascii ? 'classic' : 'round'} borderColor={theme.color('border.focus')} paddingX={1}>
      <Text
        bold
        color={theme.color('title')}
        wrap="truncate"
      >{`Keys${readOnly ? ' (read-only: changes hidden)' : ''}${ascii ? ' - ' : ' — '}Esc, q or ? closes`}</Text>
      <ScrollHint direction="up" count={w.above} />
      {lines.slice(w.start, w.end)}
      <ScrollHint direction="down" count={w.below} />
    </Box>
  );
}

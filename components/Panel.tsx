import { Box } from 'ink';
import type { ReactNode } from 'react';
import { useLook } from './theme-context.js';
import { Text } from './Text.js';

/** A bordered pane with a title; the focused one gets the focus border. */
export function Panel({
  title,
  focused,
  width,
  height,
  children,
}: {
  title: string;
  focused: boolean;
  width?: number | string;
  height?: number;
  children: ReactNode;
}) {
  const { theme, ascii } = useLook();
  return (
    <Box
      flexDirection="column"
      borderStyle={ascii ? 'classic' : 'round'}
      borderColor={theme.color(focused ? 'border.focus' : 'border')}
      width={width}
      height={height}
      overflow="hidden"
    >
      <Text color={theme.color('title')} bold={focused} inverse={theme.monochrome && focused}>{` ${title} `}</Text>
      {children}
    </Box>
  );
}

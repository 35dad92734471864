import { Text as InkText, type TextProps } from 'ink';
import { Children, createElement, useContext } from 'react';
import { safeText } from '../src/present/safe-text.js';
import { LookContext } from './theme-context.js';

/** Ink cuts a truncated line with `…`; ASCII mode shows `~` instead (Ink has no option for the mark). */
const asciiCut = (line: string) => line.replaceAll('…', '~');

/**
 * Ink's Text with its string children made safe for the terminal: every view draws text through this one, so a
 * label, name or message holding control characters shows them escaped on one line (Ink passes escape sequences
 * through untouched). Nested Texts escape their own children; colours are added by Ink afterwards. In ASCII mode a
 * line cut short ends in `~`, not `…`.
 */
export function Text({ children, ...props }: TextProps) {
  const ascii = useContext(LookContext)?.ascii ?? false;
  const text = <InkText {...props}>{Children.map(children, (child) => (typeof child === 'string' ? safeText(child) : child))}</InkText>;
  if (!ascii || !props.wrap?.startsWith('truncate')) return text;
  // Ink's own Transform, plus the line's truncation (Transform's text node would wrap instead of cutting).
  return createElement(
    'ink-text' as never,
    { style: { flexGrow: 0, flexShrink: 1, flexDirection: 'row', textWrap: props.wrap }, internal_transform: asciiCut } as never,
    text,
  );
}

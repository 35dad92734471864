import { Text as InkText, type TextProps } from 'ink';
import { Children } from 'react';
import { safeText } from '../src/present/safe-text.js';

/**
 * Ink's Text with its string children made safe for the terminal: every view draws text through this one, so a
 * label, name or message holding control characters shows them escaped on one line (Ink passes escape sequences
 * through untouched). Nested Texts escape their own children; colours are added by Ink afterwards.
 */
export function Text({ children, ...props }: TextProps) {
  return <InkText {...props}>{Children.map(children, (child) => (typeof child === 'string' ? safeText(child) : child))}</InkText>;
}

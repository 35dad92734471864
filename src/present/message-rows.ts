import { wrapLine } from './wrap.js';

export interface MessageRow {
  text: string;
  level: 'info' | 'error';
}

const time = (ms: number) => new Date(ms).toTimeString().slice(0, 8);

/**
 * The messages view's rows: every message's every line, wrapped to `width` (never cut), its first row stamped with
 * the time. The view windows these rows and the console scrolls by them, so both count the same.
 */
export function messageRows(messages: ReadonlyArray<{ at: number; text: string; level: 'info' | 'error' }>, width: number): MessageRow[] {
  return messages.flatMap((m) =>
    m.text.split('\n').flatMap((line, j) => wrapLine(`${j ? ' '.repeat(9) : `${time(m.at)} `}${line}`, width).map((text) => ({ text, level: m.level }))),
  );
}

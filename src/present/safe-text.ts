/**
 * Text from outside (labels, dataset and snapshot names, ids, events.log, state.json, error messages echoing them)
 * made safe for a terminal. A terminal acts on C0 controls (ESC starts sequences that retitle or clear it, BEL, BS,
 * CR), DEL and C1 controls (U+009B is a one-character CSI) instead of showing them, so they are escaped visibly, as a
 * JavaScript string literal would spell them: an admin sees that something odd is there. Backslashes are left alone
 * so escaping twice changes nothing.
 */

const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;
const CONTROL_BUT_NEWLINE = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(c: string): string {
  return NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** One line of text, every control character (newline included) escaped: `a\x1b[2Jb`, `a\nb`. */
export function safeText(text: string): string {
  return text.replace(CONTROL, escapeControl);
}

/** Several lines: the newlines between them stay, every other control character is escaped. */
export function safeLines(text: string): string {
  return text.replace(CONTROL_BUT_NEWLINE, escapeControl);
}

/**
 * JSON text safe for a terminal, with the raw values kept: JSON.stringify escapes C0 inside strings but leaves DEL
 * and C1 raw. Outside strings JSON text holds no control characters but the newlines of indentation, so replacing
 * every other one by its \u escape keeps the document exactly as parsed.
 */
export function safeJsonText(json: string): string {
  return json.replace(CONTROL_BUT_NEWLINE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

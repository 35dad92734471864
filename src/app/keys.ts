/**
 * One read from the terminal -> the keys in it, in order. Pure; the dispatcher (controller.ts) routes each name.
 *
 * A read holds as many keys as arrived together: type-ahead, key repeat and pastes over SSH put several characters in
 * one read, and tmux's `send-keys -l` does too. Ink 6 hands such a run of plain characters to `useInput` as one
 * `input` string ("jjj"), and an Esc followed by a character in the same read as that character with `key.meta` (an
 * Alt-key). Here every character is a key, every escape sequence is one key, and Esc followed by anything is Esc and
 * then that thing: nobody means Alt in this console, and a lost Esc is a dialog left open.
 *
 * Names: a printable character is itself ('j', 'C', '/', ' ', 'é'); the others are the names the bindings table uses
 * ('up', 'down', 'left', 'right', 'home', 'end', 'pageup', 'pagedown', 'insert', 'delete', 'return', 'escape', 'tab',
 * 'shift-tab', 'backspace', 'ctrl-c', 'ctrl-<letter>', 'f1'..'f12'), with 'shift-', 'alt-', 'ctrl-' in front for a
 * modified special key ('ctrl-up'). A sequence this module does not know becomes 'unknown': one key that is bound to
 * nothing, never its bytes typed as text.
 */

const ESC = '\x1b';

/** Final byte (after ESC [ or ESC O, no number) -> key. */
const LETTER_KEYS: Record<string, string> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  E: 'clear',
  F: 'end',
  H: 'home',
  P: 'f1',
  Q: 'f2',
  R: 'f3',
  S: 'f4',
  Z: 'shift-tab',
  // rxvt: shift-arrows as lower-case finals.
  a: 'shift-up',
  b: 'shift-down',
  c: 'shift-right',
  d: 'shift-left',
};

/** ESC [ number ~ -> key (xterm, rxvt, the Linux console). */
const TILDE_KEYS: Record<string, string> = {
  '1': 'home',
  '2': 'insert',
  '3': 'delete',
  '4': 'end',
  '5': 'pageup',
  '6': 'pagedown',
  '7': 'home',
  '8': 'end',
  '11': 'f1',
  '12': 'f2',
  '13': 'f3',
  '14': 'f4',
  '15': 'f5',
  '17': 'f6',
  '18': 'f7',
  '19': 'f8',
  '20': 'f9',
  '21': 'f10',
  '23': 'f11',
  '24': 'f12',
};

/** Control characters (C0 and DEL) -> key. The rest of C0 is ctrl-<letter>. */
const CONTROL_KEYS: Record<string, string> = {
  '\r': 'return',
  '\n': 'return',
  '\t': 'tab',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\x00': 'ctrl-space',
};

/** xterm's modifier parameter (1 + shift 1, alt 2, ctrl 4, meta 8) as a name prefix. */
function modifiers(param: string | undefined): string {
  const m = Number(param ?? '1') - 1;
  if (!Number.isInteger(m) || m <= 0) return '';
  return `${m & 4 ? 'ctrl-' : ''}${m & 2 || m & 8 ? 'alt-' : ''}${m & 1 ? 'shift-' : ''}`;
}

/** One CSI sequence's parameters and final byte -> key. */
function csiKey(params: string, final: string): string {
  // Legacy function keys: ESC [ [ A (Linux console F1..F5), ESC [ [ 5 ~ (PuTTY PageUp).
  if (params.startsWith('[')) {
    if (final === '~') return TILDE_KEYS[params.slice(1)] ?? 'unknown';
    return ({ A: 'f1', B: 'f2', C: 'f3', D: 'f4', E: 'f5' } as Record<string, string>)[final] ?? 'unknown';
  }
  const [first, mod] = params.split(';');
  if (final === '~') {
    const base = TILDE_KEYS[first ?? ''];
    return base ? modifiers(mod) + base : 'unknown';
  }
  // rxvt: $ is shift, ^ is ctrl on the number keys.
  if (final === '$' || final === '^') {
    const base = TILDE_KEYS[first ?? ''];
    return base ? (final === '$' ? 'shift-' : 'ctrl-') + base : 'unknown';
  }
  const base = LETTER_KEYS[final];
  if (!base || (first && first !== '1' && !mod)) return 'unknown';
  return modifiers(mod) + base;
}

function controlKey(ch: string): string {
  const named = CONTROL_KEYS[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  // 0x01..0x1a: ctrl-a..ctrl-z (ctrl-c among them); 0x1c..0x1f have no letter.
  if (code >= 1 && code <= 26) return `ctrl-${String.fromCharCode(code + 96)}`;
  return 'unknown';
}

const isControl = (ch: string) => {
  const code = ch.codePointAt(0)!;
  return code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0);
};

/** Where the escape sequence starting at `i` (an ESC) ends, and its key; a lone or unfinished ESC is 'escape'. */
function escapeSequence(chunk: string, i: number): { key: string; next: number } {
  const kind = chunk[i + 1];
  if (kind === '[') {
    // CSI: parameter bytes 0x30-0x3f, intermediate bytes 0x20-0x2f, one final byte 0x40-0x7e. A second '[' right
    // after the first is the legacy function-key form.
    let j = i + 2;
    if (chunk[j] === '[') j++;
    // '$' (rxvt's shift) ends a sequence here though it is an intermediate byte in the standard.
    while (j < chunk.length && /[\x20-\x23\x25-\x3f]/.test(chunk[j]!)) j++;
    const final = chunk[j];
    if (final !== undefined && /[\x40-\x7e$^]/.test(final)) {
      const params = chunk.slice(i + 2, j);
      return { key: csiKey(params, final), next: j + 1 };
    }
    // Unfinished or broken: Esc, then the rest as keys ('[' typed after Esc).
    return { key: 'escape', next: i + 1 };
  }
  if (kind === 'O') {
    // SS3 (application cursor keys, F1-F4): only a key it names. Otherwise Esc then the letter O typed together
    // with the next key (Esc closing a dialog, O opening another), not one unknown key swallowing all three.
    const base = LETTER_KEYS[chunk[i + 2] ?? ''];
    return base ? { key: base, next: i + 3 } : { key: 'escape', next: i + 1 };
  }
  // ESC alone, ESC ESC, or ESC + a character (what Ink reads as Alt-key): Esc, and the next key starts after it.
  return { key: 'escape', next: i + 1 };
}

/** Every key in one read, in order: the chunk "jjj" is three 'j', "\x1bj" is 'escape' then 'j'. */
export function splitKeys(chunk: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < chunk.length) {
    const ch = String.fromCodePoint(chunk.codePointAt(i)!);
    if (ch === ESC) {
      const { key, next } = escapeSequence(chunk, i);
      keys.push(key);
      i = next;
      continue;
    }
    keys.push(isControl(ch) ? controlKey(ch) : ch);
    i += ch.length;
  }
  return keys;
}

/** A key that is text: one printable character, which a text field (the filter, a dialog's field) inserts. */
export function isText(key: string): boolean {
  return [...key].length === 1 && !isControl(key);
}

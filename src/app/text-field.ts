import { isText } from './keys.js';

/**
 * The one-line text field of the console: the filter, the checkpoint label, the typed confirmation of a rollback or a
 * delete. State (text and cursor), its key table and a pure reducer (field + key name -> field), tested without Ink;
 * the controller routes a key here when the mode or dialog has a field, the views draw it with `fieldParts`.
 *
 * The cursor counts characters (code points), 0 = before the first, `length` = after the last.
 */
export interface TextField {
  text: string;
  cursor: number;
}

export type FieldEditId = 'left' | 'right' | 'word-left' | 'word-right' | 'home' | 'end' | 'backspace' | 'delete' | 'kill-start' | 'kill-end' | 'kill-word';

/** One editing key of a text field: the README and the tests read this table; a printable character inserts itself. */
export interface FieldBinding {
  id: FieldEditId;
  keys: string[];
  description: string;
}

export const TEXT_FIELD_BINDINGS: readonly FieldBinding[] = [
  { id: 'left', keys: ['left'], description: 'cursor one character left' },
  { id: 'right', keys: ['right'], description: 'cursor one character right' },
  { id: 'word-left', keys: ['ctrl-left'], description: 'cursor one word left' },
  { id: 'word-right', keys: ['ctrl-right'], description: 'cursor one word right' },
  { id: 'home', keys: ['home', 'ctrl-a'], description: 'cursor to the start' },
  { id: 'end', keys: ['end', 'ctrl-e'], description: 'cursor to the end' },
  { id: 'backspace', keys: ['backspace'], description: 'delete the character before the cursor' },
  { id: 'delete', keys: ['delete', 'ctrl-d'], description: 'delete the character under the cursor' },
  { id: 'kill-start', keys: ['ctrl-u'], description: 'delete everything before the cursor' },
  { id: 'kill-end', keys: ['ctrl-k'], description: 'delete everything from the cursor on' },
  { id: 'kill-word', keys: ['ctrl-w'], description: 'delete the word before the cursor' },
];

/** A field holding `text` with the cursor after it (how a field opens). */
export function fieldOf(text = '', cursor?: number): TextField {
  const n = [...text].length;
  return { text, cursor: Math.max(0, Math.min(n, cursor ?? n)) };
}

/** The editing command of a key, if it is one. */
export function fieldEdit(key: string): FieldEditId | undefined {
  return TEXT_FIELD_BINDINGS.find((b) => b.keys.includes(key))?.id;
}

/** True for a key a text field acts on: an editing key or a printable character. */
export function isFieldKey(key: string): boolean {
  return isText(key) || fieldEdit(key) !== undefined;
}

const isSpace = (ch: string | undefined) => ch !== undefined && /\s/u.test(ch);

/** Where the word before `at` starts: spaces before it skipped, then everything up to the previous space. */
function wordStart(chars: string[], at: number): number {
  let i = at;
  while (i > 0 && isSpace(chars[i - 1])) i--;
  while (i > 0 && !isSpace(chars[i - 1])) i--;
  return i;
}

/** Where the word at or after `at` ends. */
function wordEnd(chars: string[], at: number): number {
  let i = at;
  while (i < chars.length && isSpace(chars[i])) i++;
  while (i < chars.length && !isSpace(chars[i])) i++;
  return i;
}

/**
 * The field after one key (a name from keys.ts `splitKeys`): a printable character is inserted at the cursor, an
 * editing key (TEXT_FIELD_BINDINGS) moves the cursor or deletes, any other key leaves the field as it was (the same
 * object, so a caller can tell).
 */
export function editField(field: TextField, key: string): TextField {
  const chars = [...field.text];
  const at = Math.max(0, Math.min(chars.length, field.cursor));
  const make = (next: string[], cursor: number): TextField => ({ text: next.join(''), cursor });
  if (isText(key)) return make([...chars.slice(0, at), key, ...chars.slice(at)], at + 1);
  switch (fieldEdit(key)) {
    case 'left':
      return { text: field.text, cursor: Math.max(0, at - 1) };
    case 'right':
      return { text: field.text, cursor: Math.min(chars.length, at + 1) };
    case 'word-left':
      return { text: field.text, cursor: wordStart(chars, at) };
    case 'word-right':
      return { text: field.text, cursor: wordEnd(chars, at) };
    case 'home':
      return { text: field.text, cursor: 0 };
    case 'end':
      return { text: field.text, cursor: chars.length };
    case 'backspace':
      return at === 0 ? { text: field.text, cursor: 0 } : make([...chars.slice(0, at - 1), ...chars.slice(at)], at - 1);
    case 'delete':
      return make([...chars.slice(0, at), ...chars.slice(at + 1)], at);
    case 'kill-start':
      return make(chars.slice(at), 0);
    case 'kill-end':
      return make(chars.slice(0, at), at);
    case 'kill-word': {
      const start = wordStart(chars, at);
      return make([...chars.slice(0, start), ...chars.slice(at)], start);
    }
    case undefined:
      return field;
  }
}

/** The field cut at its cursor for drawing: the text before, the character under the cursor (a space at the end), after. */
export function fieldParts(field: TextField): { before: string; at: string; after: string } {
  const chars = [...field.text];
  const at = Math.max(0, Math.min(chars.length, field.cursor));
  return { before: chars.slice(0, at).join(''), at: chars[at] ?? ' ', after: chars.slice(at + 1).join('') };
}

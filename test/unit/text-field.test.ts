import { keyName } from '../../src/app/key-names.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { splitKeys } from '../../src/app/keys.js';
import { editField, fieldOf, fieldParts, isFieldKey, TEXT_FIELD_BINDINGS, type TextField } from '../../src/app/text-field.js';

/** The field after the keys of a terminal read (the names keys.ts gives), from `start`. */
const after = (start: TextField, ...chunks: string[]) => chunks.flatMap((c) => splitKeys(c)).reduce(editField, start);
const show = (f: TextField) => {
  const { before, at, after: rest } = fieldParts(f);
  return `${before}[${at}]${rest}`;
};
const CTRL = { a: '\x01', e: '\x05', k: '\x0b', u: '\x15', w: '\x17', d: '\x04' };
const ARROW = { left: '\x1b[D', right: '\x1b[C', home: '\x1b[H', end: '\x1b[F', ctrlLeft: '\x1b[1;5D', ctrlRight: '\x1b[1;5C' };

test('typing inserts at the cursor; a field opens with the cursor after its text', () => {
  assert.deepEqual(fieldOf('abc'), { text: 'abc', cursor: 3 });
  assert.deepEqual(after(fieldOf(), 'pre deploy'), { text: 'pre deploy', cursor: 10 });
  assert.equal(show(after(fieldOf('predeploy'), ARROW.left.repeat(6), '-')), 'pre-[d]eploy');
});

test('← → move one character and stop at either end; Home/End and Ctrl-A/Ctrl-E jump', () => {
  const f = fieldOf('abc');
  assert.equal(show(after(f, ARROW.left)), 'ab[c]');
  assert.equal(show(after(f, ARROW.left.repeat(5))), '[a]bc');
  assert.equal(show(after(f, ARROW.left.repeat(5), ARROW.right)), 'a[b]c');
  assert.equal(show(after(f, ARROW.right)), 'abc[ ]');
  assert.equal(show(after(f, ARROW.home)), '[a]bc');
  assert.equal(show(after(f, CTRL.a)), '[a]bc');
  assert.equal(show(after(f, CTRL.a, ARROW.end)), 'abc[ ]');
  assert.equal(show(after(f, CTRL.a, CTRL.e)), 'abc[ ]');
  // Home and End as the Linux console and rxvt send them.
  assert.equal(show(after(f, '\x1b[1~')), '[a]bc');
  assert.equal(show(after(f, '\x1b[1~', '\x1b[4~')), 'abc[ ]');
});

test('Backspace deletes the character before the cursor (nothing at the start); Delete the one under it', () => {
  assert.equal(show(after(fieldOf('abc'), '\x7f')), 'ab[ ]');
  assert.equal(show(after(fieldOf('abc'), ARROW.left, '\x7f')), 'a[c]');
  assert.equal(show(after(fieldOf('abc'), ARROW.home, '\x7f')), '[a]bc');
  assert.equal(show(after(fieldOf('abc'), ARROW.home, '\x1b[3~')), '[b]c');
  assert.equal(show(after(fieldOf('abc'), '\x1b[3~')), 'abc[ ]');
  assert.equal(show(after(fieldOf('abc'), ARROW.left, CTRL.d)), 'ab[ ]');
});

test('Ctrl-U deletes to the start, Ctrl-K to the end, from the cursor', () => {
  assert.equal(show(after(fieldOf('hello world'), ARROW.left.repeat(5), CTRL.u)), '[w]orld');
  assert.equal(show(after(fieldOf('hello world'), CTRL.u)), '[ ]');
  assert.equal(show(after(fieldOf('hello world'), ARROW.left.repeat(5), CTRL.k)), 'hello [ ]');
  assert.equal(show(after(fieldOf('hello world'), CTRL.a, CTRL.k)), '[ ]');
});

test('Ctrl-W deletes the word before the cursor, spaces before it included; Ctrl-←/→ move by word', () => {
  assert.equal(show(after(fieldOf('before deploy'), CTRL.w)), 'before [ ]');
  assert.equal(show(after(fieldOf('before deploy  '), CTRL.w)), 'before [ ]');
  assert.equal(show(after(fieldOf('before deploy'), CTRL.w, CTRL.w)), '[ ]');
  assert.equal(show(after(fieldOf('one two three'), ARROW.left.repeat(6), CTRL.w)), 'one [ ]three');
  assert.equal(show(after(fieldOf('one'), CTRL.a, CTRL.w)), '[o]ne');
  assert.equal(show(after(fieldOf('one two three'), ARROW.ctrlLeft)), 'one two [t]hree');
  assert.equal(show(after(fieldOf('one two three'), ARROW.ctrlLeft, ARROW.ctrlLeft)), 'one [t]wo three');
  assert.equal(show(after(fieldOf('one two three'), CTRL.a, ARROW.ctrlRight)), 'one[ ]two three');
});

test('control keys are never letters: Ctrl-W, Ctrl-U and other keys leave no text behind', () => {
  const f = after(fieldOf('abc'), CTRL.w, 'x', CTRL.u, '\x1b[A', '\x1b[B', '\t', '\x1b[5~', '\x07');
  assert.deepEqual(f, { text: '', cursor: 0 });
  assert.ok(isFieldKey('ctrl-w') && isFieldKey('left') && isFieldKey('é'));
  assert.ok(!isFieldKey('up') && !isFieldKey('return') && !isFieldKey('escape') && !isFieldKey('ctrl-g'));
  const same = fieldOf('abc');
  assert.equal(editField(same, 'up'), same, 'a key the field does not use returns the field itself');
});

test('the cursor counts characters, not UTF-16 units', () => {
  const f = after(fieldOf('a😀b'), ARROW.left, ARROW.left);
  assert.equal(show(f), 'a[😀]b');
  assert.equal(show(after(f, '\x7f')), '[😀]b');
  assert.equal(show(after(f, ARROW.right, '\x7f')), 'a[b]');
  assert.equal(show(after(f, 'é')), 'aé[😀]b');
});

test('the README keys section names every text-field key', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const keys = readme.slice(readme.indexOf('| key | action |'), readme.indexOf('Live:'));
  for (const b of TEXT_FIELD_BINDINGS) {
    for (const part of b.keys.map((k) => keyName(k))) assert.ok(keys.includes(`\`${part}\``), `README keys table lacks ${part} (${b.id})`);
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeJsonText, safeLines, safeText } from '../../src/present/safe-text.js';

const HOSTILE = 'x\x1b]0;pwned\x07y\x1b[2J';
/** What a terminal would act on: C0, DEL, C1. */
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

test('safeText escapes every C0 control, DEL and C1 visibly and keeps the text on one line', () => {
  assert.equal(safeText(HOSTILE), 'x\\x1b]0;pwned\\x07y\\x1b[2J');
  assert.equal(safeText('a\nb\rc\td'), 'a\\nb\\rc\\td');
  assert.equal(safeText('back\bspace\x00nul\x7fdel'), 'back\\x08space\\x00nul\\x7fdel');
  assert.equal(safeText('c1\x9b2J\x85next\x80\x9f'), 'c1\\x9b2J\\x85next\\x80\\x9f');
  for (let c = 0; c < 0xa0; c++) {
    const ch = String.fromCharCode(c);
    const out = safeText(`<${ch}>`);
    assert.doesNotMatch(out, CONTROL, `U+${c.toString(16)} escaped`);
    assert.equal(out === `<${ch}>`, c >= 0x20 && c < 0x7f, `U+${c.toString(16)} kept only when printable`);
  }
});

test('safeText leaves printable text alone, Unicode included, and escaping twice changes nothing', () => {
  for (const s of ['checkpoint-1763890000', 'before "upgrade" 1.27', 'schöne Grüße ● ├─ ◉ 日本', 'C:\\path\\x1b literally', '']) assert.equal(safeText(s), s);
  assert.equal(safeText(safeText(HOSTILE)), safeText(HOSTILE));
});

test('safeLines keeps the newlines between lines and escapes everything else', () => {
  assert.equal(safeLines(`line one\nlabel ${HOSTILE}\n\tend\r`), 'line one\nlabel x\\x1b]0;pwned\\x07y\\x1b[2J\n\\tend\\r');
});

test('safeJsonText escapes DEL and C1 (which JSON.stringify leaves raw) and parses back to the raw value', () => {
  const value = { label: `${HOSTILE}\x7f\x9b\x85\u2028`, nested: [{ name: 'a\nb' }] };
  const json = safeJsonText(JSON.stringify(value, null, 2));
  assert.doesNotMatch(json.replace(/\n/g, ''), CONTROL);
  assert.match(json, /\\u007f\\u009b\\u0085/);
  assert.deepEqual(JSON.parse(json), value);
  assert.equal(json.split('\n').length, JSON.stringify(value, null, 2).split('\n').length, 'indentation kept');
});

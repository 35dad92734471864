import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { table } from '../../src/present/table.js';

const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

test('an error echoing a typed id holding a newline and escapes is one visible line (and the hint another)', async () => {
  const r = await run('--demo', 'tree', 'a\x1b[2Jb\nc\x9b');
  assert.equal(r.code, 2);
  assert.equal(r.err.length, 2);
  assert.equal(r.err[0], "error: invalid container id 'a\\x1b[2Jb\\nc\\x9b'");
  for (const line of r.err) assert.doesNotMatch(line, CONTROL);
});

test('an unknown command typed with escapes is echoed escaped', async () => {
  const r = await run('\x1b]0;pwned\x07');
  assert.equal(r.code, 2);
  assert.equal(r.err[0], "error: unknown command '\\x1b]0;pwned\\x07'");
});

test('--json errors keep the raw id, escaped as JSON (C1 included), and the stderr lines stay escaped', async () => {
  const id = 'a\x1b[2J\x7fb\x9b';
  const r = await run('--demo', 'tree', id, '--json');
  assert.equal(r.code, 2);
  const text = r.out.join('\n');
  assert.doesNotMatch(text.replace(/\n/g, ''), CONTROL);
  assert.match(text, /\\u007fb\\u009b/);
  assert.equal((JSON.parse(text) as { error: { message: string } }).error.message, `invalid container id '${id}'`);
  for (const line of r.err) assert.doesNotMatch(line, CONTROL);
});

test('table cells are escaped before the columns are measured, so a hostile cell keeps the others aligned', () => {
  const t = table(
    ['ID', 'NAME', 'N'],
    [
      ['1', 'ok', '5'],
      ['2', 'e\x1b[2Jvil\nname', '12'],
    ],
    [2],
  );
  const lines = t.split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[2], '2   e\\x1b[2Jvil\\nname  12');
  assert.equal(lines[1]!.length, lines[2]!.length);
  assert.match(lines[1]!, /^1   ok {17} 5$/);
});

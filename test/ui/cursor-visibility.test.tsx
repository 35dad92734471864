import assert from 'node:assert/strict';
import { test } from 'node:test';
import { THEME_NAMES, TOKENS, loadTheme, themeOf } from '../../themes/index.js';
import { plain, renderConsole } from '../support/ui.js';
import { parseAnsi, type Colour } from '../../scripts/render-screenshot.mjs';

/** The SGR attributes in force where `needle` starts on a line, read by the screenshot renderer's parser. */
interface Sgr {
  fg: Colour;
  bg: Colour;
  underline: boolean;
  inverse: boolean;
  bold: boolean;
  dim: boolean;
}

function attributesAt(line: string, needle: string): Sgr & { before: string } {
  const runs = parseAnsi(line)[0] ?? [];
  const text = runs.map((r) => r.text).join('');
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`'${needle}' not in ${JSON.stringify(plain(line))}`);
  let offset = 0;
  const run = runs.find((r) => (offset += r.text.length) > at)!;
  const { fg, bg, underline, inverse, bold, dim } = run.style;
  return { fg, bg, underline, inverse, bold, dim, before: text.slice(0, at) };
}

/** The raw line (with escapes) whose text holds `needle`. */
function rawLine(frame: string, needle: string): string {
  const line = frame.split('\n').find((l) => plain(l).includes(needle));
  assert.ok(line, `no line holds '${needle}':\n${plain(frame)}`);
  return line;
}

/** The first character of a row's content: the attributes there, and the cursor marker in the pane's gutter. */
function rowStyle(frame: string, needle: string, ascii: boolean) {
  const a = attributesAt(rawLine(frame, needle), needle);
  // The gutter is the column right after the pane's left border: the row text starts after it.
  const border = ascii ? '|' : '│';
  const cell = a.before.slice(a.before.lastIndexOf(border) + 1);
  return { ...a, marker: cell.trimEnd().slice(0, 1) };
}

/** Something other than a foreground colour tells the row apart: a background, underline or inverse video. */
function stands(s: Sgr): boolean {
  if (s.bg !== null && s.fg !== null && s.bg === s.fg) return false; // same colour twice: invisible
  return s.bg !== null || s.underline || s.inverse;
}

// The active NOW row of the first container (100 web) and the first container's row.
const TREE_ROW = '<- you are here';
const CONTAINER_ROW = '100 web  ';

for (const name of THEME_NAMES) {
  for (const ascii of [false, true]) {
    test(`${name}${ascii ? ' (ASCII)' : ''}: the tree's cursor row shows whether the tree is focused or not; so does the containers cursor`, async () => {
      const mono = loadTheme(name).monochrome;
      const c = await renderConsole({ theme: name, ascii });
      const marker = ascii ? '>' : '▸';

      // Start-up: containers focused, the tree's cursor (the NOW row) unfocused.
      let tree = rowStyle(c.frame(), TREE_ROW, ascii);
      assert.equal(tree.marker, marker, `unfocused tree cursor has the ${marker} marker`);
      assert.ok(stands(tree) || (mono && tree.marker === marker), `unfocused tree cursor is more than a foreground: ${JSON.stringify(tree)}`);
      if (!mono) assert.ok(stands(tree), `unfocused tree cursor in ${name}: ${JSON.stringify(tree)}`);
      let list = rowStyle(c.frame(), CONTAINER_ROW, ascii);
      assert.equal(list.marker, marker);
      assert.ok(stands(list), `focused containers cursor: ${JSON.stringify(list)}`);
      if (mono) assert.ok(list.inverse, 'no-color: the focused cursor is inverse video');
      else assert.ok(list.bg !== null, 'the focused cursor has the selection background');
      const focusedStyle = JSON.stringify({ fg: list.fg, bg: list.bg, inverse: list.inverse, underline: list.underline });
      const unfocusedStyle = JSON.stringify({ fg: tree.fg, bg: tree.bg, inverse: tree.inverse, underline: tree.underline });
      assert.notEqual(unfocusedStyle, focusedStyle, 'focused and unfocused cursors look different');

      // Tab: the tree focused, the containers cursor unfocused: each still visible, the styles swapped.
      await c.command('next-pane');
      tree = rowStyle(c.frame(), TREE_ROW, ascii);
      list = rowStyle(c.frame(), CONTAINER_ROW, ascii);
      assert.equal(tree.marker, marker);
      assert.equal(list.marker, marker);
      assert.equal(JSON.stringify({ fg: tree.fg, bg: tree.bg, inverse: tree.inverse, underline: tree.underline }), focusedStyle);
      assert.equal(JSON.stringify({ fg: list.fg, bg: list.bg, inverse: list.inverse, underline: list.underline }), unfocusedStyle);

      // Rows that are not the cursor carry no marker.
      await c.command('down');
      const f = plain(c.frame());
      const markers = f.split('\n').filter((l) => l.includes(`│${marker}`) || l.includes(`|${marker}`));
      assert.equal(markers.length, 2, `one cursor per pane:\n${f}`);
      c.unmount();
    });
  }
}

test('themes: every colour theme has the unfocused selection tokens; a theme without them, or with a pair that draws nothing, is refused', () => {
  for (const name of THEME_NAMES.filter((n) => n !== 'no-color')) {
    const t = loadTheme(name);
    for (const token of ['selection.unfocused.fg', 'selection.unfocused.bg'] as const) assert.ok(t.color(token), `${name}: ${token}`);
  }
  const tokens = Object.fromEntries(TOKENS.map((t) => [t, 'white'])) as Record<string, string>;
  const ok = { ...tokens, 'selection.fg': 'black', 'selection.bg': 'cyan', 'selection.unfocused.fg': 'white', 'selection.unfocused.bg': 'gray' };
  assert.ok(themeOf('t', ok, false));
  const { 'selection.unfocused.bg': _, ...missing } = ok;
  assert.throws(() => themeOf('t', missing, false), /selection\.unfocused\.bg needs a colour/);
  assert.throws(() => themeOf('t', { ...ok, 'selection.unfocused.fg': 'gray' }, false), /selection\.unfocused\.fg and selection\.unfocused\.bg are both gray/);
  assert.throws(() => themeOf('t', { ...ok, 'selection.unfocused.bg': 'cyan' }, false), /selection\.bg and selection\.unfocused\.bg/);
  assert.throws(() => themeOf('t', { ...ok, 'selection.unfocussed.bg': 'gray' }, false), /unknown token selection\.unfocussed\.bg/);
  assert.throws(() => themeOf('t', { ...ok, 'selection.unfocused.bg': 'rgb(1,2,3)' }, false), /needs a colour/);
});

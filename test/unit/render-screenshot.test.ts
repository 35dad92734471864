import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_BG, PALETTE_16, color256, parseAnsi, resolveStyle, type Run } from '../../scripts/render-screenshot.mjs';

// Lines as `tmux capture-pane -e -p` gives them from the demo console (the containers pane, 100 selected): tmux
// writes only the changes, so the second line starts in the colour the first ended in.
const CAPTURE = [
  '\x1b[36m│\x1b[30m\x1b[46m▸100 web          running          7   352M\x1b[36m\x1b[49m│',
  '│\x1b[32m 101 db           running          6   346M\x1b[36m│',
  '\x1b[1m\x1b[96mlxcri-console\x1b[0m\x1b[90m\x1b[49m  pve-demo\x1b[39m',
  '\x1b[4m\x1b[97m\x1b[100m▸◉ NOW <- you are here\x1b[0m\x1b[39m\x1b[49m   ',
  '\x1b[38;5;196mred256\x1b[38;2;1;2;3m rgb\x1b[48:2::10:20:30m colon\x1b[7m inv\x1b[0m',
].join('\n');

const runOf = (runs: Run[], text: string) => {
  const run = runs.find((r) => r.text.includes(text));
  assert.ok(run, `no run with ${JSON.stringify(text)} in ${JSON.stringify(runs.map((r) => r.text))}`);
  return run;
};

test('the SGR parser turns a captured line into runs with their colours: the selection row, a green "running"', () => {
  const lines = parseAnsi(CAPTURE);
  assert.equal(lines.length, 5);

  const [selection, db, header, now, extended] = lines as [Run[], Run[], Run[], Run[], Run[]];
  // The selected row: black on cyan, one run from the cursor glyph to the last column, between two cyan borders.
  assert.deepEqual(
    selection.map((r) => [r.col, r.text, r.style.fg, r.style.bg]),
    [
      [0, '│', 6, null],
      [1, '▸100 web          running          7   352M', 0, 6],
      [44, '│', 6, null],
    ],
  );
  assert.deepEqual(resolveStyle(selection[1]!.style), { fg: PALETTE_16[0], bg: PALETTE_16[6] });

  // The next line starts in the colour the last one ended in (cyan border), then "running" in green.
  assert.equal(db[0]!.text, '│');
  assert.equal(db[0]!.style.fg, 6);
  const running = runOf(db, 'running');
  assert.equal(running.style.fg, 2);
  assert.equal(resolveStyle(running.style).fg, PALETTE_16[2]);
  assert.equal(resolveStyle(running.style).bg, DEFAULT_BG);

  // Bold bright cyan title, reset, then bright black.
  assert.deepEqual([header[0]!.text, header[0]!.style.bold, header[0]!.style.fg], ['lxcri-console', true, 14]);
  assert.deepEqual([runOf(header, 'pve-demo').style.bold, runOf(header, 'pve-demo').style.fg], [false, 8]);

  // The tree cursor of an unfocused pane: underlined bright white on bright black.
  const cursor = runOf(now, 'NOW');
  assert.deepEqual([cursor.style.underline, cursor.style.fg, cursor.style.bg], [true, 15, 8]);

  // 256 colours, truecolor in both the ';' and the ':' forms, inverse swaps.
  assert.equal(resolveStyle(runOf(extended, 'red256').style).fg, color256(196));
  assert.equal(color256(196), '#ff0000');
  assert.equal(resolveStyle(runOf(extended, 'rgb').style).fg, '#010203');
  assert.equal(resolveStyle(runOf(extended, 'colon').style).bg, '#0a141e');
  assert.deepEqual(resolveStyle(runOf(extended, 'inv').style), { fg: '#0a141e', bg: '#010203' });
});

test(
  'a PNG rendered from a coloured capture is in colour: the selection row is drawn on its cyan',
  { skip: !existsSync('/usr/bin/convert') && 'ImageMagick is not installed (scripts/screenshots.sh installs it)' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'lxcri-render-'));
    const ans = join(dir, 'screen.ans');
    const png = join(dir, 'screen.png');
    writeFileSync(ans, CAPTURE + '\n');
    execFileSync(process.execPath, ['scripts/render-screenshot.mjs', ans, png]);
    const colours = Number(execFileSync('identify', ['-format', '%k', png], { encoding: 'utf8' }));
    assert.ok(colours > 2, `${colours} colours`);
    // A blank cell of the selected row (column 10, between "web" and "running"): the 12-pixel border, 9x18 cells.
    const pixel = execFileSync('convert', [png, '-crop', `1x1+${12 + 10 * 9 + 4}+${12 + 9}`, '-depth', '8', 'txt:-'], { encoding: 'utf8' });
    assert.match(pixel, new RegExp(PALETTE_16[6]!, 'i'), pixel);
  },
);

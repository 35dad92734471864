import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { diffScreens, Screen, ScreenDiffStream, type Pen } from '../../src/app/screen-diff.js';

// screen-diff stands in for the terminal: whatever frames Ink draws, the bytes it writes must turn the screen the
// terminal shows into each frame. Checked on a terminal model (Screen, which plays CUP/CUF/CUB/CUD/CUU/CHA, CR, LF as
// a tty with ONLCR does, EL, ECH and SGR) fed only the written bytes, for random frames and random small changes.

/** A small deterministic generator (Park-Miller), so a failure replays. */
function seeded(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 48271) % 2147483647) / 2147483647;
}

const FLAGS = ['1', '2', '4', '7', '9'];
const FGS = ['', '37', '96', '30', '38;5;208', '38;2;10;20;30'];
const BGS = ['', '46', '100', '48;5;17'];
const GLYPHS = ['a', 'b', 'x', 'Z', '0', '7', '-', '│', '─', '╭', '●', '◉', '▸', '█', '…', '漢', '字', 'e\u0301', '"'];

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** One row as Ink writes it: styled runs (text, blank stretches), no wider than `columns`. */
function randomRow(r: Rand, columns: number): string {
  let width = 0;
  let row = '';
  const target = r() < 0.2 ? Math.floor(r() * columns) : columns - Math.floor(r() * 6);
  while (width < target) {
    const codes = [...FLAGS.filter(() => r() < 0.12), pick(r, FGS), pick(r, BGS)].filter(Boolean);
    let text = '';
    const n = 1 + Math.floor(r() * (r() < 0.3 ? 30 : 8));
    for (let i = 0; i < n && width < target; i++) {
      const g = r() < 0.35 ? ' ' : pick(r, GLYPHS);
      const w = g === '漢' || g === '字' ? 2 : 1;
      if (width + w > columns) break;
      text += g;
      width += w;
    }
    row += codes.length ? `\x1b[${codes.join(';')}m${text}\x1b[0m` : text;
  }
  return row;
}

function randomFrame(r: Rand, columns: number, rows: number): string[] {
  return Array.from({ length: rows - 1 }, () => randomRow(r, columns));
}

/** A frame like the last with a few rows changed, some shifted, some cut short: what a key press does. */
function nudge(r: Rand, frame: string[], columns: number): string[] {
  const next = [...frame];
  for (let k = 0; k < 1 + Math.floor(r() * 6); k++) {
    const y = Math.floor(r() * next.length);
    const choice = r();
    if (choice < 0.4) next[y] = randomRow(r, columns);
    else if (choice < 0.6) next[y] = next[(y + 1) % next.length]!;
    else if (choice < 0.8) next[y] = ` ${randomRow(r, Math.floor(columns / 2))}`;
    else next[y] = '';
  }
  return next;
}

function screenOf(frame: string[], columns: number, rows: number): Screen {
  const s = new Screen(columns, rows);
  s.write(frame.join('\n'));
  return s;
}

/** The style key's attributes a blank shows: underline, reverse, strike-through (with the foreground), background. */
function blankLook(key: string): string {
  const [flags, fg, bg] = key.split('|') as [string, string, string];
  const visible = Number(flags) & (8 | 32 | 128);
  return `${visible}|${visible ? fg : ''}|${bg}`;
}

/** Row by row: the same characters, each in a style it looks the same in. */
function assertLooksLike(terminal: Screen, wanted: Screen, what: string): void {
  for (let y = 0; y < wanted.rows; y++) {
    assert.equal(terminal.chars[y]!.join(''), wanted.chars[y]!.join(''), `${what}: row ${y}`);
    for (let x = 0; x < wanted.columns; x++) {
      const [a, b] = [terminal.styles[y]![x]!, wanted.styles[y]![x]!];
      const same = a === b || (wanted.chars[y]![x] === ' ' && blankLook(a) === blankLook(b));
      assert.ok(same, `${what}: row ${y} column ${x} ${JSON.stringify(wanted.chars[y]![x])} in ${a}, wanted ${b}`);
    }
  }
}

for (const [columns, rows] of [
  [120, 35],
  [80, 24],
  [17, 6],
] as const) {
  test(`random frames at ${columns}x${rows}: the bytes turn the terminal's screen into each frame, exactly as the model says`, () => {
    const r = seeded(columns * 1000 + rows);
    const terminal = new Screen(columns, rows);
    const shown = new Screen(columns, rows);
    const pen: Pen = { style: undefined, cursor: undefined };
    let frame = randomFrame(r, columns, rows);
    let total = 0;
    for (let step = 0; step < 300; step++) {
      frame = step % 10 === 0 ? randomFrame(r, columns, rows) : nudge(r, frame, columns);
      const wanted = screenOf(frame, columns, rows);
      const bytes = diffScreens(shown, wanted, pen);
      total += bytes.length;
      terminal.write(bytes);
      assertLooksLike(terminal, wanted, `step ${step}`);
      assert.deepEqual(terminal.chars, shown.chars, `step ${step}: the model of the terminal is the terminal`);
      assert.deepEqual(terminal.styles, shown.styles, `step ${step}: and so are its colours`);
      assert.equal(diffScreens(shown, wanted, pen), '', `step ${step}: the same frame again writes nothing`);
    }
    assert.ok(total > 0);
  });
}

test('the pen is left at the default colours, and an unknown cursor is placed absolutely', () => {
  const wanted = screenOf(['', `  \x1b[7;96mhi\x1b[0m`], 20, 4);
  const pen: Pen = { style: undefined, cursor: undefined };
  const bytes = diffScreens(new Screen(20, 4), wanted, pen);
  assert.match(bytes, /^\x1b\[2;3H/);
  assert.match(bytes, /\x1b\[0m$/);
});

test('a blank tail is erased to the end of the line, a blank stretch inside it with ECH, a space in any foreground kept', () => {
  const columns = 60;
  const before = screenOf([`${'x'.repeat(50)}|`, `\x1b[37m${'y'.repeat(40)}\x1b[0m`], columns, 3);
  const after = screenOf([`ab${' '.repeat(48)}|`, `\x1b[96m  ${'y'.repeat(38)}\x1b[0m`], columns, 3);
  const pen: Pen = { style: undefined, cursor: undefined };
  const shown = screenOf([`${'x'.repeat(50)}|`, `\x1b[37m${'y'.repeat(40)}\x1b[0m`], columns, 3);
  const bytes = diffScreens(shown, after, pen);
  assert.match(bytes, /\x1b\[48X/, JSON.stringify(bytes));
  assert.ok(bytes.length < 80, `${bytes.length} bytes: ${JSON.stringify(bytes)}`);
  before.write(bytes);
  assertLooksLike(before, after, 'after');

  const tail = screenOf(['abc'], columns, 3);
  const b2 = diffScreens(screenOf([`abc${'z'.repeat(40)}`], columns, 3), tail, { style: undefined, cursor: undefined });
  assert.match(b2, /\x1b\[K/, JSON.stringify(b2));
});

/** A terminal stand-in for ScreenDiffStream: a size, resize events, and a model fed what is written. */
class FakeTerminal extends EventEmitter {
  screen: Screen;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
    this.screen = new Screen(columns, rows);
  }
  write(text: string): boolean {
    this.screen.write(text);
    return true;
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    // A terminal keeps what fits, and the stream redraws (after clearing) whatever it showed.
    this.screen.resize(columns, rows);
    this.emit('resize');
  }
}

test('through the stream: frames as Ink writes them (erase, frame), a resize, and one write per changed frame', async () => {
  const r = seeded(7);
  const out = new FakeTerminal(50, 12);
  const stream = new ScreenDiffStream(out as unknown as NodeJS.WriteStream);
  const write = (text: string) => new Promise<void>((res) => stream.write(text, () => res()));
  let frame = randomFrame(r, out.columns, out.rows);
  for (let step = 0; step < 60; step++) {
    if (step === 30) {
      out.resize(40, 10);
      frame = randomFrame(r, out.columns, out.rows);
    }
    frame = step % 7 === 0 ? randomFrame(r, out.columns, out.rows) : nudge(r, frame, out.columns);
    await write(`\x1b[?2026h\x1b[2K\x1b[1A`.repeat(3) + '\x1b[H\x1b[2J' + frame.join('\n') + '\x1b[?2026l');
    assertLooksLike(out.screen, screenOf(frame, out.columns, out.rows), `step ${step}`);
  }
  const written = stream.written;
  await write('\x1b[H\x1b[2J' + frame.join('\n'));
  assert.equal(stream.written, written, 'a frame that changes nothing writes nothing');
  stream.detach();
});

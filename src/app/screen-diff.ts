import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import stringWidth from 'string-width';

/**
 * Text attributes of a cell: a bit set of SGR flags plus the foreground and background colour codes as written
 * ('' = the terminal's default).
 */
export interface Style {
  flags: number;
  fg: string;
  bg: string;
}

const FLAG_ON: Record<number, number> = { 1: 1, 2: 2, 3: 4, 4: 8, 5: 16, 7: 32, 8: 64, 9: 128 };
const FLAG_OFF: Record<number, number> = { 22: 1 | 2, 23: 4, 24: 8, 25: 16, 27: 32, 28: 64, 29: 128 };
const FLAG_CODES: Array<[number, number]> = Object.entries(FLAG_ON).map(([code, bit]) => [bit, Number(code)]);
const DEFAULT: Style = { flags: 0, fg: '', bg: '' };

const keyOf = (s: Style) => `${s.flags}|${s.fg}|${s.bg}`;
const styles = new Map<string, Style>([[keyOf(DEFAULT), DEFAULT]]);
const DEFAULT_KEY = keyOf(DEFAULT);
function intern(s: Style): string {
  const key = keyOf(s);
  if (!styles.has(key)) styles.set(key, { ...s });
  return key;
}

/** The style after an SGR sequence's parameters. */
function applySgr(style: Style, params: string): Style {
  const p = params === '' ? [0] : params.split(/[;:]/).map((x) => (x === '' ? 0 : Number(x)));
  const s = { ...style };
  for (let i = 0; i < p.length; i++) {
    const n = p[i]!;
    if (n === 0) Object.assign(s, DEFAULT);
    else if (FLAG_ON[n]) s.flags |= FLAG_ON[n];
    else if (FLAG_OFF[n]) s.flags &= ~FLAG_OFF[n];
    else if ((n >= 30 && n <= 37) || (n >= 90 && n <= 97)) s.fg = String(n);
    else if ((n >= 40 && n <= 47) || (n >= 100 && n <= 107)) s.bg = String(n);
    else if (n === 39) s.fg = '';
    else if (n === 49) s.bg = '';
    else if (n === 38 || n === 48) {
      const extra = p[i + 1] === 5 ? 2 : p[i + 1] === 2 ? 4 : 0;
      const code = p.slice(i, i + 1 + extra).join(';');
      if (n === 38) s.fg = code;
      else s.bg = code;
      i += extra;
    }
  }
  return s;
}

/** The shortest SGR sequence from one style to another (a reset when an attribute must go off). */
function sgrBetween(from: Style | undefined, to: Style): string {
  const codes: string[] = [];
  let base = from;
  if (!base || (base.flags & ~to.flags) !== 0) {
    codes.push('0');
    base = DEFAULT;
  }
  for (const [bit, code] of FLAG_CODES) if (to.flags & bit && !(base.flags & bit)) codes.push(String(code));
  if (to.fg !== base.fg) codes.push(to.fg || '39');
  if (to.bg !== base.bg) codes.push(to.bg || '49');
  return codes.length ? `\x1b[${codes.join(';')}m` : '';
}

const segmenter = new Intl.Segmenter();
const widths = new Map<string, number>();
/** Columns a grapheme takes, as Ink measures it (string-width). */
function widthOf(g: string): number {
  let w = widths.get(g);
  if (w === undefined) {
    w = stringWidth(g);
    if (widths.size < 10_000) widths.set(g, w);
  }
  return w;
}
/** Text whose every UTF-16 unit is a character one column wide (string-width agrees: no combining, wide or emoji). */
const SIMPLE = /^[\x20-\x7e\u00a1-\u00ac\u00ae-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u25fc]*$/;
/** A cell holding the right half of a wide character. */
const WIDE_TAIL = '';

/** A grid of cells (character + style key) with a cursor: what a terminal shows. */
export class Screen {
  chars: string[][] = [];
  styles: string[][] = [];
  x = 0;
  y = 0;
  private style: Style = DEFAULT;

  constructor(
    public columns: number,
    public rows: number,
  ) {
    this.resize(columns, rows);
  }

  resize(columns: number, rows: number): void {
    const blank = () => Array<string>(columns).fill(' ');
    const plain = () => Array<string>(columns).fill(DEFAULT_KEY);
    this.chars = Array.from({ length: rows }, (_, y) => (this.chars[y] ? [...this.chars[y]!, ...blank()].slice(0, columns) : blank()));
    this.styles = Array.from({ length: rows }, (_, y) => (this.styles[y] ? [...this.styles[y]!, ...plain()].slice(0, columns) : plain()));
    this.columns = columns;
    this.rows = rows;
    this.x = Math.min(this.x, columns - 1);
    this.y = Math.min(this.y, rows - 1);
  }

  /** Every cell blank, as after `ESC [2J`. */
  clear(): void {
    for (let y = 0; y < this.rows; y++) this.erase(y, 0, this.columns);
  }

  private erase(y: number, from: number, to: number): void {
    const chars = this.chars[y];
    const st = this.styles[y];
    if (!chars || !st) return;
    const [a, b] = [Math.max(0, from), Math.min(to, this.columns)];
    if (a >= b) return;
    chars.fill(' ', a, b);
    st.fill(DEFAULT_KEY, a, b);
  }

  private lineFeed(): void {
    if (this.y < this.rows - 1) this.y++;
    else {
      this.chars.push(this.chars.shift()!.fill(' '));
      this.styles.push(this.styles.shift()!.fill(DEFAULT_KEY));
    }
  }

  private put(text: string): void {
    const chars = this.chars[this.y]!;
    const st = this.styles[this.y]!;
    const key = intern(this.style);
    // Most text (ASCII, Latin, punctuation, arrows, box drawing, shapes) is one column a UTF-16 unit; the rest is
    // cut into graphemes and measured.
    const simple = SIMPLE.test(text);
    for (const g of simple ? text : [...segmenter.segment(text)].map((s) => s.segment)) {
      const w = simple ? 1 : widthOf(g);
      if (w === 0) {
        if (this.x > 0 && chars[this.x - 1] !== WIDE_TAIL) chars[this.x - 1] += g;
        continue;
      }
      if (this.x + w > this.columns) break;
      chars[this.x] = g;
      st[this.x] = key;
      if (w === 2) {
        chars[this.x + 1] = WIDE_TAIL;
        st[this.x + 1] = key;
      }
      this.x += w;
    }
  }

  /**
   * Interprets terminal output (the subset Ink and diffScreens write: text, CR, LF, cursor moves, line, screen and
   * character erases, SGR).
   * Returns the private-mode sequences (`ESC [?…h/l`) it met, which change no cell.
   */
  write(data: string): string[] {
    const modes: string[] = [];
    const re = /\x1b\[([?>=]?)([0-9;:]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[^[\]]|\r|\n|[\x00-\x1f\x7f]|[^\x00-\x1f\x7f]+/g;
    for (const m of data.matchAll(re)) {
      const token = m[0];
      if (m[3] !== undefined) {
        const [, priv, params = '', final] = m;
        if (priv) {
          modes.push(token);
          continue;
        }
        const n = (i: number, d = 1) => {
          const v = params.split(';')[i];
          return v === undefined || v === '' ? d : Number(v);
        };
        switch (final) {
          case 'm':
            this.style = applySgr(this.style, params);
            break;
          case 'A':
            this.y = Math.max(0, this.y - n(0));
            break;
          case 'B':
            this.y = Math.min(this.rows - 1, this.y + n(0));
            break;
          case 'C':
            this.x = Math.min(this.columns - 1, this.x + n(0));
            break;
          case 'D':
            this.x = Math.max(0, this.x - n(0));
            break;
          case 'E':
            this.x = 0;
            this.y = Math.min(this.rows - 1, this.y + n(0));
            break;
          case 'F':
            this.x = 0;
            this.y = Math.max(0, this.y - n(0));
            break;
          case 'G':
            this.x = Math.min(this.columns - 1, n(0) - 1);
            break;
          case 'H':
          case 'f':
            this.y = Math.min(this.rows - 1, n(0) - 1);
            this.x = Math.min(this.columns - 1, n(1) - 1);
            break;
          case 'J': {
            const mode = n(0, 0);
            if (mode === 0) {
              this.erase(this.y, this.x, this.columns);
              for (let y = this.y + 1; y < this.rows; y++) this.erase(y, 0, this.columns);
            } else if (mode === 1) {
              for (let y = 0; y < this.y; y++) this.erase(y, 0, this.columns);
              this.erase(this.y, 0, this.x + 1);
            } else this.clear();
            break;
          }
          case 'X':
            this.erase(this.y, this.x, this.x + n(0));
            break;
          case 'K': {
            const mode = n(0, 0);
            this.erase(this.y, mode === 0 ? this.x : 0, mode === 1 ? this.x + 1 : this.columns);
            break;
          }
        }
      } else if (token === '\r') this.x = 0;
      else if (token === '\n') {
        // The terminal's ONLCR: a line feed also returns the carriage.
        this.x = 0;
        this.lineFeed();
      } else if (token[0] !== '\x1b' && !/^[\x00-\x1f\x7f]$/.test(token)) this.put(token);
    }
    return modes;
  }
}

/** Where the terminal's cursor is; `wrap`: a character went into the last column (the next one would wrap). */
export interface Cursor {
  x: number;
  y: number;
  wrap: boolean;
}

/** What the terminal's pen holds between frames: its colours and where its cursor is (undefined: not known). */
export interface Pen {
  style: Style | undefined;
  cursor: Cursor | undefined;
}

/** A blank cell's look depends only on these attributes (and on the foreground colour only when one is set). */
const BLANK_VISIBLE = 8 | 32 | 128; // underline, inverse, strike-through
const blankKeys = new Map<string, string>();
/** The style key a blank cell looks the same with: bold, italic, a foreground colour change nothing on a space. */
function blankKey(key: string): string {
  let k = blankKeys.get(key);
  if (k === undefined) {
    const s = styles.get(key)!;
    const flags = s.flags & BLANK_VISIBLE;
    k = `${flags}|${flags ? s.fg : ''}|${s.bg}`;
    blankKeys.set(key, k);
  }
  return k;
}
/** Two styles a character looks the same in. */
const looksSame = (char: string, a: string, b: string) => a === b || (char === ' ' && blankKey(a) === blankKey(b));
/** The terminal erases (ECH, EL) to blanks in the pen's background; these blanks are the default's. */
const erasable = (char: string, key: string) => char === ' ' && blankKey(key) === DEFAULT_BLANK;
const DEFAULT_BLANK = '0||';

const csi = (n: number, final: string) => `\x1b[${n === 1 ? '' : n}${final}`;

/** The shortest bytes that move the cursor from `from` (undefined: unknown) to column x of row y. */
function move(from: Cursor | undefined, x: number, y: number): string {
  const cup = y === 0 && x === 0 ? '\x1b[H' : x === 0 ? `\x1b[${y + 1}H` : `\x1b[${y + 1};${x + 1}H`;
  if (!from) return cup;
  let best = cup;
  // A line feed costs two bytes on the wire: the tty adds a carriage return (ONLCR).
  const cost = (s: string) => s.length + (s.match(/\n/g)?.length ?? 0);
  const consider = (s: string) => {
    if (cost(s) < cost(best)) best = s;
  };
  // From the start of the row: a carriage return, and line feeds down (never needed on the last row: no scroll).
  // (After CR a line feed leaves the cursor in column 0 whether or not the tty adds a CR of its own, ONLCR.)
  if (y >= from.y) consider('\r' + '\n'.repeat(y - from.y) + (x ? csi(x, 'C') : ''));
  if (!from.wrap) {
    // Relative moves; not from a pending wrap, where terminals disagree on what they do.
    const horizontal = x === from.x ? '' : x > from.x ? csi(x - from.x, 'C') : csi(from.x - x, 'D');
    const vertical = y === from.y ? '' : y > from.y ? csi(y - from.y, 'B') : csi(from.y - y, 'A');
    consider(vertical + horizontal);
    consider(vertical + `\x1b[${x + 1}G`);
  }
  return best;
}

/**
 * The bytes that turn what the terminal shows (`shown`, updated to match) into `wanted`: for each row, the cells that
 * look different, reached with the shortest cursor move or rewritten through when that is shorter; blank stretches
 * erased (EL to the end of the line, ECH inside it) rather than written as spaces; colours changed only when a cell
 * would look different in the pen's (a space looks the same in any foreground colour).
 */
export function diffScreens(shown: Screen, wanted: Screen, pen: Pen): string {
  const out: string[] = [];
  const columns = wanted.columns;
  for (let y = 0; y < wanted.rows; y++) {
    const wc = wanted.chars[y]!;
    const ws = wanted.styles[y]!;
    const sc = shown.chars[y]!;
    const ss = shown.styles[y]!;
    const same = (i: number) => wc[i] === sc[i] && (ws[i] === ss[i] || looksSame(wc[i]!, ws[i]!, ss[i]!));
    /** Writes wanted cell i (a whole character) with the pen, in the shown model too; returns the next column. */
    const put = (i: number): number => {
      const ch = wc[i]!;
      const key = ws[i]!;
      if (!pen.style || !looksSame(ch, keyOf(pen.style), key)) {
        out.push(sgrBetween(pen.style, styles.get(key)!));
        pen.style = styles.get(key)!;
      }
      out.push(ch);
      const penKey = keyOf(pen.style);
      sc[i] = ch;
      ss[i] = penKey;
      const next = wc[i + 1] === WIDE_TAIL ? i + 2 : i + 1;
      if (next === i + 2) {
        sc[i + 1] = WIDE_TAIL;
        ss[i + 1] = penKey;
      }
      pen.cursor = { x: Math.min(next, columns - 1), y, wrap: next >= columns };
      return next;
    };
    /** The bytes put(i) would write with a pen of style key `penKey` (its SGR and the character), and that pen after. */
    const costOf = (i: number, penKey: string | undefined): [number, string] => {
      const ch = wc[i]!;
      if (ch === WIDE_TAIL) return [0, penKey ?? ws[i]!];
      if (penKey !== undefined && looksSame(ch, penKey, ws[i]!)) return [Buffer.byteLength(ch), penKey];
      return [sgrLength(penKey, ws[i]!) + Buffer.byteLength(ch), ws[i]!];
    };
    /** Erasing the blanks from x: the sequence and the column the changes there end at, when shorter than spaces. */
    const eraseAt = (x: number): { seq: string; end: number } | undefined => {
      if (!erasable(wc[x]!, ws[x]!)) return undefined;
      let end = x;
      while (end < columns && erasable(wc[end]!, ws[end]!)) end++;
      const toEnd = end === columns;
      while (end > x && same(end - 1)) end--;
      if (toEnd) return end - x > 3 ? { seq: '\x1b[K', end } : undefined;
      const seq = csi(end - x, 'X');
      // ECH leaves the cursor where it was: it then moves over what was erased (or on to the next change).
      return seq.length + csi(end - x, 'C').length < end - x ? { seq, end } : undefined;
    };
    let x = 0;
    while (x < columns) {
      // Most cells are what the terminal shows: a plain scan first.
      while (x < columns && wc[x] === sc[x] && ws[x] === ss[x]) x++;
      if (x === columns) break;
      if (same(x)) {
        x++;
        continue;
      }
      // x looks different: whole wide characters only.
      if (wc[x] === WIDE_TAIL && x > 0) x--;
      // Get there: a cursor move, or (on the same row, a few cells on) rewriting the cells between when shorter.
      const c = pen.cursor;
      if (!c || c.y !== y || c.x !== x || c.wrap) {
        const jump = move(c, x, y);
        let through = Infinity;
        if (c && c.y === y && !c.wrap && c.x < x) {
          let penKey = pen.style && keyOf(pen.style);
          through = 0;
          for (let i = c.x; i < x && through < jump.length; i++) {
            const [bytes, after] = costOf(i, penKey);
            through += bytes;
            penKey = after;
          }
          // What the pen then needs for the cell at x, against what it needs after a jump.
          through += costOf(x, penKey)[0] - costOf(x, pen.style && keyOf(pen.style))[0];
        }
        if (through < jump.length) for (let i = c!.x; i < x;) i = put(i);
        else out.push(jump);
        pen.cursor = { x, y, wrap: false };
      }
      // The changed cells from x on, up to an unchanged one or blanks better erased than written.
      for (let first = true; x < columns && !same(x); first = false) {
        const erase = eraseAt(x);
        if (erase) {
          if (!first) break; // (the cursor is where the erase starts, back at the top of the loop)
          if (!pen.style || blankKey(keyOf(pen.style)) !== DEFAULT_BLANK) {
            // Terminals erase in the pen's background: no colour, no reverse video, no underline.
            const plain = pen.style ? { ...pen.style, flags: pen.style.flags & ~BLANK_VISIBLE, bg: '' } : DEFAULT;
            out.push(sgrBetween(pen.style, plain));
            pen.style = styles.get(intern(plain))!;
          }
          out.push(erase.seq);
          for (let i = x; i < (erase.seq === '\x1b[K' ? columns : erase.end); i++) {
            sc[i] = ' ';
            ss[i] = DEFAULT_KEY;
          }
          x = erase.end;
          break;
        }
        x = put(x);
      }
    }
  }
  if (out.length && pen.style !== DEFAULT) {
    // Leave the terminal's colours at the default, so nothing else written (the exit line) inherits them.
    out.push('\x1b[0m');
    pen.style = DEFAULT;
  }
  return out.join('');
}

const sgrLengths = new Map<string, number>();
function sgrLength(from: string | undefined, to: string): number {
  const k = `${from}>${to}`;
  let n = sgrLengths.get(k);
  if (n === undefined) {
    n = sgrBetween(from === undefined ? undefined : styles.get(from), styles.get(to)!).length;
    if (sgrLengths.size < 10_000) sgrLengths.set(k, n);
  }
  return n;
}

/** Where each frame Ink drew is written as text, when set (the e2e tests). */
const FRAME_FILE = process.env.LXCRI_FRAME_FILE;

/**
 * Ink's output, cut down to the cells that changed. Ink erases and rewrites its whole frame for any change (~7 KB at
 * 120x35; its `incrementalRendering` rewrites whole lines, ~170 bytes each, and misplaces frames shorter than the
 * terminal). This stream stands in for the terminal: it plays Ink's output onto a screen model and writes to the real
 * terminal only what turns the screen it shows into Ink's frame (diffScreens). A frame that changes nothing writes
 * nothing.
 */
export class ScreenDiffStream extends Writable {
  readonly isTTY = true;
  /** What Ink drew. */
  private wanted: Screen;
  /** What the terminal shows. */
  private shown: Screen;
  private pen: Pen = { style: undefined, cursor: undefined };
  /** Bytes written to the terminal (the bench reads it). */
  written = 0;

  constructor(private readonly out: NodeJS.WriteStream) {
    super({ decodeStrings: false });
    this.wanted = new Screen(this.columns, this.rows);
    this.shown = new Screen(this.columns, this.rows);
    out.on('resize', this.onResize);
  }

  get columns(): number {
    return this.out.columns || 80;
  }

  get rows(): number {
    return this.out.rows || 24;
  }

  private onResize = () => {
    // The terminal reflows what it shows in its own way: start from a cleared screen and redraw everything.
    this.wanted.resize(this.columns, this.rows);
    this.shown.resize(this.columns, this.rows);
    this.shown.clear();
    this.pen = { style: undefined, cursor: undefined };
    // Cleared before Ink hears of the resize: it may draw its new frame at once, which must not be cleared after.
    this.send('\x1b[0m\x1b[2J');
    this.emit('resize');
  };

  /** Stops following the terminal's size (after the console is closed). */
  detach(): void {
    this.out.off('resize', this.onResize);
  }

  private send(text: string): void {
    if (!text) return;
    this.written += Buffer.byteLength(text);
    this.out.write(text);
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : String(chunk);
    const modes = this.wanted.write(text).filter((m) => !/^\x1b\[\?2026[hl]$/.test(m));
    const diff = diffScreens(this.shown, this.wanted, this.pen);
    // Ink's own synchronized-update marks are dropped: one write per frame, wrapped here when it draws anything.
    this.send((diff ? `\x1b[?2026h${diff}\x1b[?2026l` : '') + modes.join(''));
    // For the tests: Ink's own frame as text, to hold against what the terminal shows (test/e2e/ssh-bytes.test.ts).
    if (diff && FRAME_FILE) writeFileSync(FRAME_FILE, this.wanted.chars.map((row) => row.join('').trimEnd()).join('\n'));
    done();
  }
}

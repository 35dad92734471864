import { Writable } from 'node:stream';
import stringWidth from 'string-width';

/**
 * Text attributes of a cell: a bit set of SGR flags plus the foreground and background colour codes as written
 * ('' = the terminal's default).
 */
interface Style {
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
    for (let x = Math.max(0, from); x < Math.min(to, this.columns); x++) {
      chars[x] = ' ';
      st[x] = DEFAULT_KEY;
    }
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
    const ascii = /^[\x20-\x7e]*$/.test(text);
    for (const g of ascii ? text : [...segmenter.segment(text)].map((s) => s.segment)) {
      const w = ascii ? 1 : widthOf(g);
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
   * Interprets terminal output (the subset Ink writes: text, CR, LF, cursor moves, line and screen erases, SGR).
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

/** Unchanged cells between two changed ones rewritten rather than jumped over (a jump costs about this much). */
const MERGE_GAP = 6;

/**
 * Ink's output, cut down to the cells that changed. Ink erases and rewrites its whole frame for any change (~7 KB at
 * 120x35; its `incrementalRendering` rewrites whole lines, ~170 bytes each, and misplaces frames shorter than the
 * terminal). This stream stands in for the terminal: it plays Ink's output onto a screen model and writes to the real
 * terminal only the cells that differ from what the terminal already shows, with absolute cursor moves (the console
 * owns the alternate screen) and the shortest colour changes. A frame that changes nothing writes nothing.
 */
export class ScreenDiffStream extends Writable {
  readonly isTTY = true;
  /** What Ink drew. */
  private wanted: Screen;
  /** What the terminal shows. */
  private shown: Screen;
  private shownStyle: Style | undefined;
  private cursor: { x: number; y: number } | undefined;
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
    this.shownStyle = undefined;
    this.cursor = undefined;
    this.emit('resize');
    this.send('\x1b[0m\x1b[2J');
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
    const diff = this.diff();
    // Ink's own synchronized-update marks are dropped: one write per frame, wrapped here when it draws anything.
    this.send((diff ? `\x1b[?2026h${diff}\x1b[?2026l` : '') + modes.join(''));
    done();
  }

  /** The bytes that turn the shown screen into the wanted one, cell runs only. */
  private diff(): string {
    const out: string[] = [];
    const { wanted, shown } = this;
    for (let y = 0; y < wanted.rows; y++) {
      const wc = wanted.chars[y]!;
      const ws = wanted.styles[y]!;
      const sc = shown.chars[y]!;
      const ss = shown.styles[y]!;
      let x = 0;
      while (x < wanted.columns) {
        if (wc[x] === sc[x] && ws[x] === ss[x]) {
          x++;
          continue;
        }
        // A run of changed cells, taking in short unchanged gaps; whole wide characters only.
        let start = x;
        if (wc[start] === WIDE_TAIL && start > 0) start--;
        let end = x + 1;
        let gap = 0;
        for (let i = end; i < wanted.columns && gap <= MERGE_GAP; i++) {
          if (wc[i] !== sc[i] || ws[i] !== ss[i]) {
            end = i + 1;
            gap = 0;
          } else gap++;
        }
        if (end < wanted.columns && wc[end] === WIDE_TAIL) end++;
        if (!this.cursor || this.cursor.y !== y || this.cursor.x !== start) out.push(`\x1b[${y + 1};${start + 1}H`);
        for (let i = start; i < end; i++) {
          sc[i] = wc[i]!;
          ss[i] = ws[i]!;
          if (wc[i] === WIDE_TAIL) continue;
          const style = styles.get(ws[i]!)!;
          if (style !== this.shownStyle) {
            out.push(sgrBetween(this.shownStyle, style));
            this.shownStyle = style;
          }
          out.push(wc[i]!);
        }
        this.cursor = { x: end, y };
        x = end;
      }
    }
    if (out.length && this.shownStyle !== DEFAULT) {
      // Leave the terminal's colours at the default, so nothing else written (the exit line) inherits them.
      out.push('\x1b[0m');
      this.shownStyle = DEFAULT;
    }
    return out.join('');
  }
}

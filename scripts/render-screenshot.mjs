// Draws a captured terminal screen as a PNG with ImageMagick, in its colours: the capture is `tmux capture-pane -e -p`
// (text with SGR escapes, saved as .ans); each run of cells with one style is drawn with its foreground, background,
// bold, dim, italic, underline and inverse (16 colours on a readable dark palette, the 256-colour table, truecolor).
// A plain .txt capture draws in the default colours.
// Usage: node scripts/render-screenshot.mjs screen.ans screen.png
//
// The SGR parser is the few lines below rather than a library: node_modules holds ansi-escapes (writes escapes),
// ansi-regex/strip-ansi (match or remove them) and, through Ink, @alcalzone/ansi-tokenize (splits codes but leaves
// what each means, e.g. `38;5;n` or `38;2;r;g;b`, to the caller, and is not a dependency of ours); none says which
// colour a cell has, which is all this needs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import stringWidth from 'string-width';

/** The default colours and the 16 ANSI colours: a dark palette (One Dark's hues) where each stays readable on the ground. */
export const DEFAULT_FG = '#c5c8c6';
export const DEFAULT_BG = '#1d1f21';
// prettier-ignore
export const PALETTE_16 = [
  '#282c34', '#e06c75', '#98c379', '#e5c07b', '#61afef', '#c678dd', '#56b6c2', '#c5c8c6',
  '#7f848e', '#f07178', '#b5e08c', '#f0d58a', '#82c4ff', '#d7a0f0', '#7fd4df', '#eeeeee',
];

const hex = (r, g, b) => '#' + [r, g, b].map((v) => Math.max(0, Math.min(255, v)).toString(16).padStart(2, '0')).join('');

/** One of the 256 xterm colours as #rrggbb: 0-15 the palette above, 16-231 the 6x6x6 cube, 232-255 the greys. */
export function color256(n) {
  if (n < 16) return PALETTE_16[n];
  if (n < 232) {
    const level = (v) => (v === 0 ? 0 : 55 + v * 40);
    const i = n - 16;
    return hex(level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6));
  }
  const grey = 8 + (n - 232) * 10;
  return hex(grey, grey, grey);
}

const PLAIN = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false, hidden: false, strike: false };

/** The colour an extended SGR (38/48) names, from its parameters after the 38/48; returns [colour, parameters used]. */
function extendedColor(params, i) {
  if (params[i] === 5 && params[i + 1] !== undefined) return [params[i + 1], 2];
  if (params[i] === 2 && params[i + 3] !== undefined) return [hex(params[i + 1], params[i + 2], params[i + 3]), 4];
  return [undefined, 0];
}

/** Applies one SGR escape's parameters (`1;38;5;2`, or with colon sub-parameters `38:2::r:g:b`) to a style. */
export function applySgr(style, paramText) {
  const s = { ...style };
  const groups = paramText === '' ? ['0'] : paramText.split(';');
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g];
    if (group.includes(':')) {
      // Colon form: everything this code needs is inside the group (38:5:n, 38:2:r:g:b or 38:2::r:g:b, 4:0 / 4:3).
      const sub = group.split(':').map((v) => (v === '' ? undefined : Number(v)));
      const code = sub[0];
      if (code === 38 || code === 48) {
        const rgb = sub[1] === 2 ? sub.slice(-3) : undefined;
        const colour = sub[1] === 5 ? sub[2] : rgb && rgb.every((v) => v !== undefined) ? hex(...rgb) : undefined;
        if (colour !== undefined) s[code === 38 ? 'fg' : 'bg'] = colour;
      } else if (code === 4) s.underline = sub[1] !== 0;
      continue;
    }
    const params = groups.slice(g).map((v) => (v === '' ? 0 : Number(v)));
    const code = params[0];
    if (code === 38 || code === 48) {
      const [colour, used] = extendedColor(params, 1);
      if (colour !== undefined) s[code === 38 ? 'fg' : 'bg'] = colour;
      g += used;
    } else if (code === 0) Object.assign(s, PLAIN);
    else if (code === 1) s.bold = true;
    else if (code === 2) s.dim = true;
    else if (code === 3) s.italic = true;
    else if (code === 4 || code === 21) s.underline = true;
    else if (code === 7) s.inverse = true;
    else if (code === 8) s.hidden = true;
    else if (code === 9) s.strike = true;
    else if (code === 22) s.bold = s.dim = false;
    else if (code === 23) s.italic = false;
    else if (code === 24) s.underline = false;
    else if (code === 27) s.inverse = false;
    else if (code === 28) s.hidden = false;
    else if (code === 29) s.strike = false;
    else if (code >= 30 && code <= 37) s.fg = code - 30;
    else if (code === 39) s.fg = null;
    else if (code >= 40 && code <= 47) s.bg = code - 40;
    else if (code === 49) s.bg = null;
    else if (code >= 90 && code <= 97) s.fg = code - 90 + 8;
    else if (code >= 100 && code <= 107) s.bg = code - 100 + 8;
  }
  return s;
}

const sameStyle = (a, b) => Object.keys(PLAIN).every((k) => a[k] === b[k]);

/**
 * A captured screen as lines of runs: `{ col, text, style }`, one per stretch of cells drawn alike. The style carries
 * from line to line (tmux writes only what changes); escapes other than SGR are skipped.
 */
export function parseAnsi(text) {
  let style = { ...PLAIN };
  return text
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => {
      const runs = [];
      let col = 0;
      const add = (chunk) => {
        const last = runs[runs.length - 1];
        if (last && sameStyle(last.style, style) && last.col + last.width === col) {
          last.text += chunk;
          last.width += stringWidth(chunk);
        } else runs.push({ col, text: chunk, width: stringWidth(chunk), style });
        col += stringWidth(chunk);
      };
      // CSI ... final byte, OSC ... BEL/ST, other two-byte escapes; the text between them.
      const re = /\x1b\[([0-9;:?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]|([^\x1b]+)/g;
      for (const m of line.matchAll(re)) {
        if (m[3] !== undefined) add(m[3].replace(/[\r\t]/g, ' '));
        else if (m[2] === 'm') style = applySgr(style, m[1]);
      }
      return runs.map(({ col, text, style }) => ({ col, text, style }));
    });
}

const mix = (a, b, t) => {
  const [x, y] = [a, b].map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
  return hex(...x.map((v, i) => Math.round(v * (1 - t) + y[i] * t)));
};

/** The colours a style is drawn in: the palette for indexed ones, inverse swapped, dim halfway to the background. */
export function resolveStyle(style) {
  const pick = (c, fallback) => (c === null ? fallback : typeof c === 'number' ? color256(c) : c);
  let fg = pick(style.fg, DEFAULT_FG);
  let bg = pick(style.bg, DEFAULT_BG);
  if (style.inverse) [fg, bg] = [bg, fg];
  if (style.dim) fg = mix(fg, bg, 0.45);
  if (style.hidden) fg = bg;
  return { fg, bg };
}

const CELL = { width: 9, height: 18, baseline: 14, pointsize: 15, border: 12 };
const mvgText = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The ImageMagick draw program (MVG) of a parsed screen: a background rectangle per coloured run, then its text. */
export function toMvg(lines, cell = CELL) {
  const cols = Math.max(1, ...lines.map((runs) => runs.reduce((w, r) => Math.max(w, r.col + stringWidth(r.text)), 0)));
  const width = cols * cell.width;
  const height = Math.max(1, lines.length) * cell.height;
  const out = [`viewbox 0 0 ${width} ${height}`, `fill '${DEFAULT_BG}'`, `rectangle 0,0 ${width},${height}`, `font-size ${cell.pointsize}`];
  lines.forEach((runs, row) => {
    const top = row * cell.height;
    for (const run of runs) {
      const { fg, bg } = resolveStyle(run.style);
      const x = run.col * cell.width;
      const right = x + stringWidth(run.text) * cell.width - 1;
      if (bg !== DEFAULT_BG) out.push(`fill '${bg}'`, `rectangle ${x},${top} ${right},${top + cell.height - 1}`);
      if (!run.text.trim() && !run.style.underline && !run.style.strike) continue;
      const font = `DejaVu-Sans-Mono${run.style.bold ? '-Bold' : ''}${run.style.italic ? '-Oblique' : ''}`;
      out.push(`fill '${fg}'`, `font '${font}'`, `text ${x},${top + cell.baseline} ${mvgText(run.text)}`);
      const line = (y) => out.push(`stroke '${fg}'`, `line ${x},${y} ${right},${y}`, `stroke none`);
      if (run.style.underline) line(top + cell.baseline + 2);
      if (run.style.strike) line(top + Math.round(cell.baseline * 0.65));
    }
  });
  return { mvg: out.join('\n') + '\n', width, height };
}

/** Renders a capture (.ans with escapes, or plain .txt) to a PNG. */
export function renderScreenshot(input, output) {
  const { mvg } = toMvg(parseAnsi(readFileSync(input, 'utf8')));
  execFileSync('/usr/bin/convert', ['mvg:-', '-bordercolor', DEFAULT_BG, '-border', String(CELL.border), output], {
    input: mvg,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: node scripts/render-screenshot.mjs screen.ans screen.png');
    process.exit(2);
  }
  renderScreenshot(input, output);
}

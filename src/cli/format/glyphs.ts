export interface Glyphs {
  tee: string;
  pipe: string;
  checkpoint: string;
  safety: string;
  foreign: string;
  now: string;
  nowActive: string;
}

export const UNICODE_GLYPHS: Glyphs = { tee: '├─', pipe: '│ ', checkpoint: '●', safety: '◆', foreign: '○', now: '◌', nowActive: '◉' };
export const ASCII_GLYPHS: Glyphs = { tee: '+-', pipe: '| ', checkpoint: '*', safety: '+', foreign: 'o', now: '.', nowActive: '@' };

/** ASCII when asked, or when the locale does not say UTF-8. */
export function pickGlyphs(ascii: boolean, env: NodeJS.ProcessEnv = process.env): Glyphs {
  if (ascii) return ASCII_GLYPHS;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale) ? UNICODE_GLYPHS : ASCII_GLYPHS;
}

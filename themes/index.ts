import { readFileSync } from 'node:fs';

/** Semantic colour tokens; components ask for a token, never a colour. */
export const TOKENS = [
  'text',
  'text.dim',
  'text.accent',
  'border',
  'border.focus',
  'selection.fg',
  'selection.bg',
  'status.ok',
  'status.warning',
  'status.error',
  'tree.current',
  'tree.branch',
  'tree.foreign',
  'tree.safety',
  'bar.ok',
  'bar.warning',
  'bar.critical',
  'bar.empty',
  'key',
  'title',
] as const;
export type Token = (typeof TOKENS)[number];

export interface Theme {
  name: string;
  /** A colour per token; undefined everywhere in the no-colour theme. */
  color: (token: Token) => string | undefined;
  /** The no-colour theme marks selection with inverse video instead. */
  monochrome: boolean;
}

export const THEME_NAMES = ['dark', 'light', 'high-contrast', 'no-color'] as const;
const COLOR = /^(#[0-9a-fA-F]{6}|(black|red|green|yellow|blue|magenta|cyan|white|gray|grey)(Bright)?)$/;

/** Loads and validates a theme file: every token present (except in no-color), every value a colour Ink knows. */
export function loadTheme(name: string): Theme {
  if (!(THEME_NAMES as readonly string[]).includes(name)) throw new Error(`unknown theme '${name}' (expected one of ${THEME_NAMES.join(', ')})`);
  const raw = JSON.parse(readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8')) as { tokens: Record<string, string> };
  const monochrome = name === 'no-color';
  for (const t of TOKENS) {
    const v = raw.tokens[t];
    if (!monochrome && (v === undefined || !COLOR.test(v))) throw new Error(`theme ${name}: token ${t} needs a colour, got ${JSON.stringify(v)}`);
  }
  return { name, monochrome, color: (token) => (monochrome ? undefined : raw.tokens[token]) };
}

/** NO_COLOR (any value) wins over every choice. */
export function pickTheme(requested: string | undefined, env: NodeJS.ProcessEnv = process.env): Theme {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return loadTheme('no-color');
  return loadTheme(requested ?? 'dark');
}

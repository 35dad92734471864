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
  /** The cursor row of a pane that is not focused: quieter than the focused one, never invisible. */
  'selection.unfocused.fg',
  'selection.unfocused.bg',
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
  /** The space view's breakdown: live data, checkpoints' own, shared between checkpoints, branches, CRIU images. */
  'space.live',
  'space.own',
  'space.shared',
  'space.branches',
  'space.images',
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

/** Foreground/background pairs that must differ: the same colour twice draws an invisible row. */
const PAIRS: ReadonlyArray<readonly [Token, Token]> = [
  ['selection.fg', 'selection.bg'],
  ['selection.unfocused.fg', 'selection.unfocused.bg'],
  // The unfocused cursor must not look like the focused one.
  ['selection.bg', 'selection.unfocused.bg'],
];

/**
 * Loads and validates a theme file: every token present (except in no-color), every value a colour Ink knows, no
 * unknown token (a typo would silently fall back), and the selection pairs distinct.
 */
export function loadTheme(name: string): Theme {
  if (!(THEME_NAMES as readonly string[]).includes(name)) throw new Error(`unknown theme '${name}' (expected one of ${THEME_NAMES.join(', ')})`);
  const raw = JSON.parse(readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8')) as { tokens: Record<string, string> };
  return themeOf(name, raw.tokens, name === 'no-color');
}

/** A theme from its tokens, validated as loadTheme describes (exported for the tests of that validation). */
export function themeOf(name: string, tokens: Record<string, string>, monochrome: boolean): Theme {
  for (const t of TOKENS) {
    const v = tokens[t];
    if (!monochrome && (v === undefined || !COLOR.test(v))) throw new Error(`theme ${name}: token ${t} needs a colour, got ${JSON.stringify(v)}`);
  }
  for (const t of Object.keys(tokens)) {
    if (!(TOKENS as readonly string[]).includes(t)) throw new Error(`theme ${name}: unknown token ${t}`);
  }
  for (const [a, b] of monochrome ? [] : PAIRS) {
    if (tokens[a]!.toLowerCase() === tokens[b]!.toLowerCase()) throw new Error(`theme ${name}: ${a} and ${b} are both ${tokens[a]}`);
  }
  return { name, monochrome, color: (token) => (monochrome ? undefined : tokens[token]) };
}

/** NO_COLOR (any value) wins over every choice. */
export function pickTheme(requested: string | undefined, env: NodeJS.ProcessEnv = process.env): Theme {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return loadTheme('no-color');
  return loadTheme(requested ?? 'dark');
}

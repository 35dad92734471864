import type { Guide } from '../core/model/tree-layout.js';
import type { CheckpointNode } from '../core/model/tree.js';

export interface Glyphs {
  tee: string;
  pipe: string;
  checkpoint: string;
  safety: string;
  foreign: string;
  now: string;
  nowActive: string;
  /** A checkpoint marked for deletion (Space in the tree). */
  marked: string;
}

export const UNICODE_GLYPHS: Glyphs = { tee: '├─', pipe: '│ ', checkpoint: '●', safety: '◆', foreign: '○', now: '◌', nowActive: '◉', marked: '✓' };
export const ASCII_GLYPHS: Glyphs = { tee: '+-', pipe: '| ', checkpoint: '*', safety: '+', foreign: 'o', now: '.', nowActive: '@', marked: 'x' };

/** The mark of a tree node: a checkpoint, a safety or foreign snapshot, a NOW (active or on a branch). */
export function nodeGlyph(node: CheckpointNode, g: Glyphs): string {
  if (node.kind === 'now') return node.active ? g.nowActive : g.now;
  return node.class === 'checkpoint' ? g.checkpoint : node.class === 'safety' ? g.safety : g.foreign;
}

/** The left margin of a tree row. */
export function guidePrefix(guides: readonly Guide[], g: Glyphs): string {
  return guides.map((x) => (x === 'tee' ? g.tee : g.pipe)).join('');
}

/** ASCII when asked, or when the locale does not say UTF-8. */
export function pickGlyphs(ascii: boolean, env: NodeJS.ProcessEnv = process.env): Glyphs {
  if (ascii) return ASCII_GLYPHS;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale) ? UNICODE_GLYPHS : ASCII_GLYPHS;
}

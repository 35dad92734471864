import type { Core } from '../core/core.js';
import type { Glyphs } from '../present/glyphs.js';

export type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean; description: string; value?: string };

export interface CliEnv {
  core: Core;
  json: boolean;
  yes: boolean;
  glyphs: Glyphs;
  out: (text: string) => void;
  /** Asks the user to type `expected`; false without a terminal. */
  confirm: (question: string, expected: string) => Promise<boolean>;
  nowSeconds: () => number;
}

export type Values = Record<string, unknown>;

/** One CLI verb: its help text and options are data, so `--help` and the README read the same table. */
export interface CommandSpec {
  name: string;
  args: string;
  summary: string;
  options: Record<string, OptionSpec>;
  examples: string[];
  run: (env: CliEnv, positionals: string[], values: Values) => Promise<void>;
}

export function printJson(env: CliEnv, value: unknown): void {
  env.out(JSON.stringify(value, (_k, v) => (v instanceof Map ? [...v.values()] : v), 2));
}

import type { Core } from '../core/core.js';
import type { Cluster } from '../core/nodes/cluster.js';
import type { Glyphs } from '../present/glyphs.js';

export type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean; description: string; value?: string };

export interface CliEnv {
  /** The core of the node the command runs on (src/cli/route.ts). */
  core: Core;
  /** Every node; `list` and `pool` read them all. */
  cluster: Cluster;
  /** A line on stderr (a node that did not answer). */
  warn: (text: string) => void;
  json: boolean;
  yes: boolean;
  glyphs: Glyphs;
  out: (text: string) => void;
  /** Asks the user to type `expected`; false without a terminal. */
  confirm: (question: string, expected: string) => Promise<boolean>;
  nowSeconds: () => number;
  /** The columns previews are wrapped to: the terminal's when stdout is one, else 80. */
  width?: number;
  /** stdout is a terminal that takes colour (not NO_COLOR, not TERM=dumb). */
  color?: boolean;
  /** Writes text the command made safe itself (safeText on every part from outside), its colour codes kept. */
  outPainted?: (text: string) => void;
}

export type Values = Record<string, unknown>;

export type Targets = 'all' | 'first' | 'cluster' | 'node';

/** What a command's positionals name (CommandSpec.targets), 'node' by default. */
export function targetsOf(spec: Pick<CommandSpec, 'targets'>, positionals: readonly string[]): Targets {
  return typeof spec.targets === 'function' ? spec.targets(positionals) : (spec.targets ?? 'node');
}

/** One CLI verb: its help text and options are data, so `--help` and the README read the same table. */
export interface CommandSpec {
  name: string;
  args: string;
  summary: string;
  options: Record<string, OptionSpec>;
  examples: string[];
  /**
   * What the positionals name, so the command runs on the right node: 'all' and 'first' are container refs, 'cluster'
   * reads every node itself, 'node' (the default) runs on --node or this machine's node. A function chooses by the
   * positionals (space: the containers named, else every node).
   */
  targets?: Targets | ((positionals: readonly string[]) => Targets);
  /** Reaches other nodes (replicate, move, restore --on): `--node` then picks the node it runs on, not the only one. */
  crossNode?: boolean | ((values: Values) => boolean);
  /** Resolves with the exit code when it is not 0 and no error says it (several done, some failed, each said already). */
  run: (env: CliEnv, positionals: string[], values: Values) => Promise<void | number>;
}

export function printJson(env: CliEnv, value: unknown): void {
  env.out(JSON.stringify(value, (_k, v) => (v instanceof Map ? [...v.values()] : v), 2));
}

import type { CommandSpec, OptionSpec } from './command-spec.js';
import { GLOBAL_OPTIONS } from './global-options.js';

function optionLines(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`;
    return `  ${flag.padEnd(30)} ${o.description}`;
  });
}

export function mainHelp(commands: readonly CommandSpec[]): string {
  return [
    'lxcri-console: container checkpoints as ZFS snapshot trees',
    '',
    'usage: lxcri-console <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${`${c.name} ${c.args}`.padEnd(30)} ${c.summary}`),
    '',
    'options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'exit codes: 0 ok, 1 operation failed or refused, 2 bad usage',
    "run `lxcri-console <command> --help` for a command's options",
  ].join('\n');
}

export function commandHelp(c: CommandSpec): string {
  return [
    `usage: lxcri-console ${c.name} ${c.args} [options]`,
    '',
    c.summary,
    '',
    ...(Object.keys(c.options).length ? ['options:', ...optionLines(c.options), ''] : []),
    'global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'examples:',
    ...c.examples.map((e) => `  ${e}`),
  ].join('\n');
}

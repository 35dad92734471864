import type { OptionSpec } from './command-spec.js';

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  config: { type: 'string', value: 'FILE', description: 'config file (default /etc/lxcri-console/config.json)' },
  json: { type: 'boolean', description: 'machine-readable output (stable shapes, see README)' },
  yes: { type: 'boolean', short: 'y', description: 'confirm destructive actions without asking' },
  ascii: { type: 'boolean', description: 'ASCII tree glyphs (automatic when the locale is not UTF-8)' },
  debug: { type: 'boolean', description: 'log every command to the log file and print error details' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
  version: { type: 'boolean', short: 'V', description: 'show the version' },
};

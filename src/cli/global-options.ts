import type { OptionSpec } from './command-spec.js';

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  config: { type: 'string', value: 'FILE', description: 'config file (default /etc/lxcri-console/config.json)' },
  json: { type: 'boolean', description: 'machine-readable output (stable shapes, see README)' },
  yes: { type: 'boolean', short: 'y', description: 'confirm destructive actions without asking' },
  ascii: { type: 'boolean', description: 'ASCII tree glyphs (automatic when the locale is not UTF-8)' },
  node: {
    type: 'string',
    value: 'NAME',
    description: 'only this node of the cluster (config nodes or /etc/pve/.members); replicate, move, restore --on: run there, the other nodes still reached',
  },
  demo: { type: 'boolean', description: 'run against a simulated Proxmox node inside the process (no root, no ZFS needed)' },
  'demo-cluster': { type: 'boolean', description: 'with --demo: three simulated nodes pve1..pve3 (LXCRI_DEMO_DOWN=pve3 takes one away)' },
  'read-only': { type: 'boolean', description: 'refuse every change before anything runs (the console also hides them)' },
  theme: { type: 'string', value: 'NAME', description: 'console theme: dark, light, high-contrast, no-color (NO_COLOR wins)' },
  progress: { type: 'boolean', description: "print a long operation's steps and a send's progress on stderr also when it is not a terminal" },
  debug: { type: 'boolean', description: 'log every command to the log file and print error details' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
  version: { type: 'boolean', short: 'V', description: 'show the version' },
};

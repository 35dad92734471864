import { cmd, type Command } from '../runner/command.js';

/*
 * stat(1) of GNU coreutils for the sizes `zfs diff` does not print: one invocation for a batch of files (lstat: a link
 * is never followed), each as `<size><TAB><name as given><NUL>`. A file gone meanwhile (the live state moves on) is
 * left out, not an error: its size stays unknown.
 */

// A fixed script, the paths only ever arguments. stat still prints the files it found when another is missing.
const STAT_SIZES = 'stat --printf "%s\\t%n\\0" -- "$@" 2>/dev/null; exit 0';

export function statSizes(hostPaths: readonly string[]): Command {
  return cmd('sh', ['-c', STAT_SIZES, 'sh', ...hostPaths]);
}

/** Sizes by the name given, from statSizes' output. */
export function parseStatSizes(stdout: string): Map<string, number> {
  const out = new Map<string, number>();
  if (stdout === '') return out;
  const records = stdout.split('\0');
  if (records.pop() !== '') throw new Error('stat output does not end with a NUL (cut short?)');
  for (const r of records) {
    const m = /^(\d+)\t([\s\S]+)$/.exec(r);
    if (!m) throw new Error(`stat output: ${JSON.stringify(r.slice(0, 200))} is not <size><TAB><name>`);
    out.set(m[2]!, Number(m[1]));
  }
  return out;
}

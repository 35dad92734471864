import { cmd, type Command } from '../runner/command.js';

/*
 * sha256sum(1) of GNU coreutils for `--content` on another node: files hashed there, in batches of arguments (arg-batches.ts; after
 * `--`, so a name is never an option). With -z each record ends in a NUL and a name is printed as given, unescaped
 * (without it a name holding a newline or a backslash is printed escaped, with a leading `\`):
 *
 *   <64 hex digits><space><space or *><the name as given><NUL>
 */

export function sha256sum(hostPaths: readonly string[]): Command {
  return cmd('sha256sum', ['-z', '--', ...hostPaths]);
}

/** The hashes of `sha256sum -z` by name, checked against the names asked for (in their order). */
export function parseSha256sum(stdout: string, asked: readonly string[]): Map<string, string> {
  const records = stdout.split('\0');
  if (records.pop() !== '') throw new Error('sha256sum output does not end with a NUL (cut short?)');
  if (records.length !== asked.length) throw new Error(`sha256sum printed ${records.length} hashes for ${asked.length} files`);
  const out = new Map<string, string>();
  records.forEach((r, i) => {
    const m = /^([0-9a-f]{64}) [ *]([\s\S]*)$/.exec(r);
    if (!m || m[2] !== asked[i])
      throw new Error(`sha256sum record ${i + 1} is not the hash of ${JSON.stringify(asked[i])}: ${JSON.stringify(r.slice(0, 200))}`);
    out.set(m[2]!, m[1]!);
  });
  return out;
}

/**
 * OpenZFS's `zfs send -nvP` (dry run, parsable): one line per stream, `full\t<snap>\t<bytes>` or
 * `incremental\t<from>\t<to>\t<bytes>` (libzfs send_print_verbose), and a last `size\t<bytes>` with the total.
 * The total: the `size` line when there is one, else the sum of the streams' lines; undefined when neither is there.
 */
export function parseSendEstimate(stdout: string): number | undefined {
  let total: number | undefined;
  let sum = 0;
  let streams = 0;
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split('\t');
    const bytes = Number(fields.at(-1));
    if (!Number.isFinite(bytes) || fields.length < 2) continue;
    if (fields[0] === 'size' && fields.length === 2) total = bytes;
    else if ((fields[0] === 'full' && fields.length === 3) || (fields[0] === 'incremental' && fields.length === 4)) {
      sum += bytes;
      streams++;
    }
  }
  return total ?? (streams ? sum : undefined);
}

/** `receive_resume_token` as `zfs get -H -o name,value` prints it: dataset -> token, `-` (none) left out. */
export function parseResumeTokens(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [name, value] = line.split('\t');
    if (name && value && value.trim() !== '-' && value.trim() !== '') out.set(name, value.trim());
  }
  return out;
}

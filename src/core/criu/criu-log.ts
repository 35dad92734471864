/** The lines that say why CRIU failed: its `Error (file:line): …` lines, else LXC's own complaint. */
export function criuFailure(log: string, toolStderr = ''): string {
  const errors = log
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^Error\b/.test(l));
  const meaningful = errors.filter((l) => !/exited, status=|Dumping FAILED|Restoring FAILED/.test(l));
  const pick = (meaningful.length ? meaningful : errors).slice(0, 2).map((l) => l.replace(/^Error \([^)]*\):\s*/, ''));
  if (pick.length) return pick.join('; ');
  const lxc = toolStderr
    .split('\n')
    .map((l) => l.replace(/^lxc-checkpoint: [^:]+: [^:]+: [^:]+: \d+ /, '').trim())
    .filter(Boolean);
  return lxc.slice(0, 2).join('; ') || 'no reason given';
}

/** `criu --version`: "Version: 3.17.1". */
export function parseCriuVersion(stdout: string): string | undefined {
  return /Version:\s*(\S+)/.exec(stdout)?.[1];
}

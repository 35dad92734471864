/**
 * One argument for a POSIX shell: left bare when it holds only characters no shell treats specially, else in single
 * quotes (a quote inside becomes '\''). ssh hands the remote login shell one string, so every argv element is quoted
 * this way and joined: the remote shell sees exactly the argv the core built, whatever the names and labels hold.
 */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

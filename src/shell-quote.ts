/** Quotes `arg` for a POSIX shell when it contains anything beyond letters, digits and `_@%+=:,./-`. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins arguments into one command line that a POSIX shell splits back into the same arguments. */
export function shellCommand(args: string[]): string {
  return args.map(shellQuote).join(' ');
}

// The one place an argv becomes a command line for a remote shell (SSH runs a string through
// the remote user's shell; there is no argv on the wire). Every word is POSIX single-quoted
// unless it is made only of characters no shell treats specially, so no input — a scenario name,
// a file path, a pod address — can ever be read by the remote shell as syntax.
import { HarnessError } from '../core/errors.js';

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word, quoted for sh, bash, dash and zsh alike. */
export function shellQuote(word: string): string {
  // A NUL cannot be passed in a command line at all; refusing it is the only safe answer.
  if (word.includes('\0')) throw new HarnessError(`cannot send a word containing a NUL byte over SSH: ${JSON.stringify(word)}`);
  if (PLAIN.test(word)) return word;
  // Inside '...' nothing is special but ' itself: close, put an escaped quote, reopen.
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An argv as a remote command line, every word quoted. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new HarnessError('empty argv: nothing to run over SSH');
  return argv.map(shellQuote).join(' ');
}

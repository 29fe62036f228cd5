// The face's argv: `-q -c '<commands>'`, bare command words, or `hbd`. Pure.
import { TmshFaceError } from './errors.js';
import { ACCEPTED } from './parse.js';

export const USAGE = `usage: tmsh [-q] -c '<command>; <command>; ...' | tmsh <command words> | tmsh hbd
commands: ${ACCEPTED.join('; ')}`;

/** The text to run, from argv (after the program name); undefined for `hbd`. */
export function commandText(argv: readonly string[]): string | undefined {
  if (argv.length === 1 && argv[0] === 'hbd') return undefined;
  const args = argv.filter((a) => a !== '-q');
  if (args[0] === '-c') {
    if (args.length !== 2) throw new TmshFaceError(`tmsh: -c takes exactly one argument, the commands separated by ";" (found ${args.length - 1})\n${USAGE}`);
    return args[1]!;
  }
  if (!args.length || args.some((a) => a.startsWith('-'))) throw new TmshFaceError(`tmsh: ${args.length ? `unknown option ${args.find((a) => a.startsWith('-'))}` : 'no command given'}\n${USAGE}`);
  return args.join(' ');
}

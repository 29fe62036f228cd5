// `overlab completion bash|zsh`: yargs prints the script and answers its --get-yargs-completions
// calls. yargs picks the shell from the environment ($SHELL, $ZSH_NAME) when it starts, so the
// shell the user named (and, for a completion request, the shell asking) is set before that.
import { HarnessError } from '../core/errors.js';
import { scenarioNames } from '../scenario/resolve.js';

const SHELLS = ['bash', 'zsh'];
/** Commands whose first positional is a scenario: completed from scenarios/. */
const SCENARIO_COMMANDS = ['scenario', 'run', 'plan', 'up'];

const COMPLETION_HELP = `overlab completion <shell>

print the shell completion script: source <(overlab completion bash), or add it to ~/.bashrc
(overlab completion zsh >> ~/.zshrc); \`overlab\` must be on PATH (npm link)

Positionals:
  shell  the shell the script is for                            [string] [required] [choices: "bash", "zsh"]

Options:
  --help  Show help                                                                    [boolean]
`;

/** Sets the environment yargs reads for the shell; refuses a shell we do not print for. */
export function completionShell(argv: readonly string[]): void {
  if (argv[0] === 'completion') {
    const shell = argv[1];
    if (shell === '--help') {
      process.stdout.write(COMPLETION_HELP);
      process.exit(0);
    }
    if (!shell || !SHELLS.includes(shell) || argv.length > 2) throw new HarnessError(`completion: name the shell, ${SHELLS.join(' or ')} (got ${argv.slice(1).join(' ') || 'nothing'}): e.g. source <(overlab completion bash)`);
    process.env.SHELL = `/bin/${shell}`;
    if (shell === 'zsh') process.env.ZSH_NAME = 'zsh';
    else delete process.env.ZSH_NAME;
  } else if (argv.includes('--get-yargs-completions')) {
    // yargs' zsh script passes COMP_LINE in the environment; its bash script does not (bash's
    // COMP_* are shell variables): so a request with COMP_LINE comes from zsh, whatever $SHELL says.
    if (process.env.COMP_LINE !== undefined) process.env.ZSH_NAME = 'zsh';
    else {
      delete process.env.ZSH_NAME;
      process.env.SHELL = '/bin/bash';
    }
  }
}

type Done = (completions: string[]) => void;
type Default = (onCompleted?: (err: Error | null, completions: string[] | undefined) => void) => unknown;

/**
 * yargs' own completions (commands, options, choices), and scenario names where a command takes
 * one: `overlab sc<TAB>` → scenario, `overlab scenario fail<TAB>` → failover, failover-...
 */
export function completeWords(current: string, argv: { _: (string | number)[] }, defaults: Default, done: Done): void {
  // The shell passes every word of the line, the program's name first, the current one last.
  const words = argv._.map(String).slice(1).filter((w) => w !== '');
  const typed = words[words.length - 1] === current ? words.slice(0, -1) : words;
  if (typed.length === 1 && SCENARIO_COMMANDS.includes(typed[0]!) && !current.startsWith('-')) {
    done(scenarioNames().filter((n) => n.startsWith(current)));
    return;
  }
  defaults((err, completions) => done(err ? [] : [...(completions ?? [])]));
}

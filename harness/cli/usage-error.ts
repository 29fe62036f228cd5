// A command line yargs or a command refuses: exit 2 with yargs' message. Apart from the commands
// so that main.ts can map it without loading any of them.
import { HarnessError } from '../core/errors.js';

export class UsageError extends HarnessError {}

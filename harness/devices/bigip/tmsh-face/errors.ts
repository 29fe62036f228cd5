// The face's one error: what a real tmsh prints on stderr when it refuses a command, as one clear
// line, and exit status 1 (the contract, harness/devices/bigip/tmsh/SUBSET.md).
import { HarnessError } from '../../../core/errors.js';

export class TmshFaceError extends HarnessError {
  override readonly exitCode: number = 1;
}

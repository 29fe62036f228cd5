// The names of what the tmsh device creates on a unit: every object is `ol_<run>_<name>`, so a
// run's objects are told from anything else on the box by name alone, and teardown deletes those
// names and nothing else. Names and values go into one `tmsh -c` string: each is checked to be a
// single tmsh word (no blank, brace, quote or `;`) before it is written there.
import { HarnessError } from '../../../core/errors.js';
import { stripCommon } from '../tmsh-shape/text.js';

/** The prefix in plan steps: `{run}` is filled in with the run id when the step runs (printed as RUN). */
export const PLAN_PREFIX = 'ol_{run}_';

const PREFIX = /^ol_(?:[a-z0-9]+|\{run\})_$/;
/** What tmsh takes as a name: a letter first (the prefix's `o`), then letters, digits, `_`, `.`, `-`. */
const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** A value written into the command string: an address, a CIDR, a MAC, a number, a name. */
const WORD = /^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/;

/** The run's prefix, `ol_<run>_`; the run id is [a-z0-9]+ (core/run-context.ts). */
export function runPrefix(runId: string): string {
  if (!/^[a-z0-9]+$/.test(runId)) throw new HarnessError(`the tmsh device names objects ol_<run>_<name>: run id "${runId}" is not [a-z0-9]+`);
  return `ol_${runId}_`;
}

/** `<prefix><name>`, refused when either part could be more than one tmsh word. */
export function objectName(prefix: string, name: string): string {
  if (!PREFIX.test(prefix)) throw new HarnessError(`tmsh object prefix "${prefix}" is not ol_<run>_ with a run id of [a-z0-9]+`);
  if (!NAME_PART.test(name)) throw new HarnessError(`tmsh object name "${name}" (after ${prefix}) may hold only letters, digits, "_", "." and "-", starting with a letter or digit`);
  return prefix + name;
}

/** A value for the command string (address, MAC, number, profile word), refused when it is not one word. */
export function word(value: string | number): string {
  const text = String(value);
  if (!WORD.test(text)) throw new HarnessError(`"${text}" cannot go into a tmsh command: expected one word of letters, digits and _ . : / -`);
  return text;
}

/**
 * The scenario's name of one of the run's objects as a unit prints it (`/Common/ol_<run>_flannel_vxlan`
 * → `flannel_vxlan`); undefined for anything the run did not create.
 */
export function runObject(prefix: string, printed: string): string | undefined {
  const name = stripCommon(printed);
  return name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : undefined;
}

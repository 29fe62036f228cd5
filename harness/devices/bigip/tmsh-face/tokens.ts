// The words of a `tmsh -c` argument: commands separated by `;`, each a list of words and `{ }`
// blocks (nested). No quoting: nothing in the subset needs it, and a quote is refused rather than
// half understood.
import { TmshFaceError } from './errors.js';

/** A word, or a `{ ... }` block of items. */
export type Item = string | Block;
export interface Block {
  block: Item[];
}

/** One command: its items and its text as written (for error messages). */
export interface CommandWords {
  text: string;
  items: Item[];
}

export const isBlock = (i: Item | undefined): i is Block => typeof i === 'object' && i !== null;

/** Splits `text` into commands; blank commands (`;;`) are skipped. */
export function tokenise(text: string): CommandWords[] {
  const commands: CommandWords[] = [];
  let stack: Item[][] = [[]];
  let word = '';
  let start = 0;
  const where = (i: number) => `at character ${i + 1} of "${text.length > 120 ? text.slice(0, 117) + '...' : text}"`;
  const flushWord = () => {
    if (word) stack[stack.length - 1]!.push(word);
    word = '';
  };
  const endCommand = (end: number) => {
    const items = stack[0]!;
    if (items.length) commands.push({ text: text.slice(start, end).trim(), items });
    stack = [[]];
    start = end + 1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === '\\') throw new TmshFaceError(`tmsh: quoting (${c}) is not part of the subset this unit accepts; names and values are single words (${where(i)})`);
    if (/\s/.test(c)) flushWord();
    else if (c === '{') {
      flushWord();
      const inner: Item[] = [];
      stack[stack.length - 1]!.push({ block: inner });
      stack.push(inner);
    } else if (c === '}') {
      flushWord();
      if (stack.length === 1) throw new TmshFaceError(`tmsh: "}" without a matching "{" ${where(i)}`);
      stack.pop();
    } else if (c === ';') {
      flushWord();
      if (stack.length > 1) throw new TmshFaceError(`tmsh: ";" inside a { } block ${where(i)}; commands are separated by ";" outside blocks`);
      endCommand(i);
    } else word += c;
  }
  flushWord();
  if (stack.length > 1) throw new TmshFaceError(`tmsh: ${stack.length - 1} unclosed "{" in "${text.slice(start).trim()}"`);
  endCommand(text.length);
  return commands;
}

/** Items back as text, for messages. */
export function itemsText(items: readonly Item[]): string {
  return items.map((i) => (isBlock(i) ? `{ ${itemsText(i.block)} }`.replace('{  }', '{ }') : i)).join(' ');
}

// Reads yargs' --help text back into its entries: the commands of the top-level help, and each
// positional and option with its description (yargs' [type] [choices] [default] notes apart).

export interface HelpEntry {
  section: 'Commands' | 'Positionals' | 'Options';
  /** `--provider`, `--junit-file, --junit`, a positional's name, or a command's first word. */
  name: string;
  description: string;
  /** The bracketed notes yargs adds: [string] [choices: ...] [default: ...]. */
  notes: string[];
}

const NOTE = /\[(?:string|boolean|number|array|count|required|deprecated|choices: [^\]]*|default: [^\]]*|aliases: [^\]]*)\]/g;

/** Every entry of the Commands:, Positionals: and Options: sections, continuation lines joined. */
export function helpEntries(help: string): HelpEntry[] {
  const out: HelpEntry[] = [];
  let section: HelpEntry['section'] | undefined;
  let current: { name: string; text: string } | undefined;
  const flush = () => {
    if (current && section) {
      const text = current.text.replace(/\s+/g, ' ').trim();
      const notes = text.match(NOTE) ?? [];
      out.push({ section, name: current.name, description: notes.reduce((d, n) => d.replace(n, ''), text).trim(), notes });
    }
    current = undefined;
  };
  for (const line of help.split('\n')) {
    const head = /^(Commands|Positionals|Options):$/.exec(line);
    if (head) {
      flush();
      section = head[1] as HelpEntry['section'];
    } else if (!section || line.trim() === '') flush();
    else if (/^ {2}\S/.test(line)) {
      // An entry starts two spaces in: its name, two or more spaces, its text.
      flush();
      const [, name, text] = /^ {2}(\S(?:.*?\S)?)(?: {2,}(.*))?$/.exec(line)!;
      current = { name: section === 'Commands' ? name!.replace(/^overlab /, '').split(' ')[0]! : name!, text: text ?? '' };
    } else if (current) current.text += ` ${line.trim()}`;
  }
  flush();
  return out;
}

// Bash words and blocks for `overlab plan --script`: quoting that survives any byte the plan
// holds, the run's placeholders as shell variables, and here-documents for multi-line input.

/** A word as bash reads it back unchanged: bare when it is plain, else single-quoted. */
export function shq(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A plan word with `{run}` filled in and `{runDir}` left to the script's $RUNDIR. */
export function planWord(word: string, runId: string): string {
  const filled = word.replaceAll('{run}', runId);
  if (!filled.includes('{runDir}')) return shq(filled);
  return filled.split('{runDir}').map((part) => (part ? shq(part) : '')).join('"$RUNDIR"');
}

export const words = (argv: readonly string[], runId: string): string => argv.map((w) => planWord(w, runId)).join(' ');

/** A here-document on `command`'s stdin, with a delimiter the text does not contain; nothing in it is expanded. */
export function heredoc(command: string, text: string): string[] {
  let tag = 'EOF';
  for (let i = 1; text.split('\n').includes(tag); i++) tag = `EOF${i}`;
  return [`${command} <<'${tag}'`, ...text.replace(/\n$/, '').split('\n'), tag];
}

// Text tables for the terminal: rows of cells in, lines with aligned columns out. Each column is
// as wide as its widest cell, so no caller counts characters or pads by hand. ANSI colour codes
// take no room on a terminal, so they are not counted: a coloured cell lines up with a plain one.

export type Align = 'left' | 'right';

export interface TableOptions {
  /** Per column (missing ones are left-aligned); counts read best right-aligned. */
  align?: readonly Align[];
  /** Between two columns (default two spaces). */
  gap?: string;
  /** A line of dashes under the first row (the header), each as wide as its column. */
  rule?: boolean;
  /**
   * A cell longer than this does not widen its column; it overflows its own row instead, so one
   * long message does not push every other row's columns apart.
   */
  maxWidth?: number;
  /** Put before every line (to nest a table under a heading). */
  indent?: string;
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** The columns `s` takes on a terminal: its length without colour codes. */
export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

/** `s` padded with spaces to `width` visible columns (never cut). */
export function pad(s: string, width: number, align: Align = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(s)));
  return align === 'right' ? fill + s : s + fill;
}

/** The width of each column: its widest cell, cells counted up to `maxWidth`. */
export function columnWidths(rows: readonly (readonly string[])[], maxWidth = Infinity): number[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, Math.min(maxWidth, visibleLength(cell)))));
  return widths;
}

/** One line per row (plus the rule). Lines never end in padding: empty trailing cells are left out. */
export function tableLines(rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  const widths = columnWidths(rows, options.maxWidth);
  const gap = options.gap ?? '  ';
  const indent = options.indent ?? '';
  const align = (i: number): Align => options.align?.[i] ?? 'left';
  const line = (cells: readonly string[]) => {
    let last = cells.length - 1;
    while (last >= 0 && visibleLength(cells[last]!) === 0) last--;
    // A left-aligned last cell needs no padding: nothing follows it.
    const shown = cells.slice(0, last + 1).map((c, i) => (i === last && align(i) === 'left' ? c : pad(c, widths[i]!, align(i))));
    return indent + shown.join(gap);
  };
  const lines = rows.map(line);
  if (options.rule && rows.length > 0) lines.splice(1, 0, indent + widths.map((w) => '-'.repeat(w)).join(gap));
  return lines;
}

/** tableLines joined with newlines (no newline at the end). */
export function formatTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  return tableLines(rows, options).join('\n');
}

// What render.ts and parse.ts share: the table layout tmsh prints, and the small normalisations
// real VE output needs (MACs without zero padding, `/Common/` prefixes, `%<route domain>`,
// prompt lines around the table).
import { HarnessError } from '../../../core/errors.js';

/** tmsh output that is not the shape the command prints (the wrong table, a cut-short row, ...). */
export class TmshParseError extends HarnessError {}

/** The partition every object of the testbed lives in; tmsh prints it on VLANs and tunnels. */
export const COMMON = '/Common/';

/**
 * A tmsh statistics table as `show` prints it: a blank line, a rule, the title, the column
 * headings, a rule, one line per row. Every column but the last is padded to its widest cell
 * plus two spaces; the rule is as wide as the heading line. tmsh prints nothing at all for a
 * table without rows, and so does this.
 */
export function table(title: string, head: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const last = head.length - 1;
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < last ? c.padEnd((widths[i] ?? 0) + 2) : c)).join('').trimEnd();
  const rule = '-'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * last);
  return ['', rule, title, line(head), rule, ...rows.map(line), ''].join('\n');
}

/** `aa:b:0:...` → `aa:0b:00:...`, lower-case; throws on anything that is not six hex octets. */
export function normaliseMac(raw: string, where: () => string): string {
  const parts = raw.split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-f]{1,2}$/i.test(p))) {
    throw new TmshParseError(`${where()}: expected a MAC address (six hex octets separated by ':'), found "${raw}"`);
  }
  return parts.map((p) => p.toLowerCase().padStart(2, '0')).join(':');
}

/** `/Common/flannel_vxlan` → `flannel_vxlan`; other partitions keep their full path. */
export function stripCommon(name: string): string {
  return name.startsWith(COMMON) ? name.slice(COMMON.length) : name;
}

/** `10.169.72.127%0` → `10.169.72.127`. */
export function stripRouteDomain(address: string): string {
  const at = address.indexOf('%');
  return at < 0 ? address : address.slice(0, at);
}

/**
 * A shell or tmsh prompt echoed around the output, e.g.
 * `[root@bigip2:Active:Changes Pending] config # tmsh show net arp` or
 * `root@(bigip1)(cfg-sync Standalone)(Active)(/Common)(tmos)# show net fdb`.
 */
export function isPrompt(line: string): boolean {
  return /^\s*(?:\[[^\]]*\]|[\w.-]+@\S*)[^#$]*[#$](?:\s|$)/.test(line);
}

/** A line of dashes (tmsh's rules; some versions indent them or add trailing spaces). */
export function isRule(line: string): boolean {
  return /^\s*-{3,}\s*$/.test(line);
}

/** Lines, without carriage returns and trailing blanks. */
export function linesOf(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.replace(/\s+$/, ''));
}

/** The first line that is neither blank nor a prompt, for "found ..." in error messages. */
export function firstContent(lines: readonly string[]): string {
  const l = lines.find((x) => x.trim() !== '' && !isPrompt(x));
  return l === undefined ? '(no output)' : `"${l.trim().slice(0, 100)}"`;
}

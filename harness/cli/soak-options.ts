// --soak 5m --failover-every 30s [--failovers N]: durations as a user writes them, checked.
import { SpecError } from '../core/errors.js';
import type { SoakOptions } from '../scenario/steps/soak.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new SpecError([{ file: option, field: text, message: 'expected a duration such as 500ms, 30s, 5m, 2h or 7d' }]);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

export function soakOptions(duration: string | undefined, every: string, count: number | undefined): SoakOptions {
  const everyMs = parseDuration(every, '--failover-every');
  if (everyMs < 1000) throw new SpecError([{ file: '--failover-every', field: every, message: 'at least 1s: a failover and its recovery take about a second on the slowest provider' }]);
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw new SpecError([{ file: '--failovers', field: String(count), message: 'a whole number of failovers, at least 1' }]);
  const tty = process.stderr.isTTY;
  return {
    everyMs,
    ...(count !== undefined ? { count } : { durationMs: parseDuration(duration ?? '5m', '--soak') }),
    // One line rewritten on a terminal; a line per failover in a CI log.
    onProgress: (line, final) => process.stderr.write(tty ? `\r\x1b[K${line}${final ? '\n' : ''}` : `${line}\n`),
  };
}

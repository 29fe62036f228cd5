// The kept run's probe replies (R lines in <run>/traffic/replies-*.log): parsing, the outage
// around a failover measured from them alone, and the longest gap `traffic stop` prints.
import test from 'ava';
import { longestGap, outageFromReplies, parseReplies, type Reply } from '../../harness/probes/replies.js';

/** Probes every 10 ms from t=1000; `lost` sequence numbers got no reply. */
const replies = (count: number, lost: readonly number[]): Reply[] =>
  Array.from({ length: count }, (_, seq) => ({ seq, sentAt: 1000 + seq * 10, rttMs: 0.5 })).filter((r) => !lost.includes(r.seq));

test('parseReplies reads R lines, skips anything else (stderr, a torn last line), orders by seq', (t) => {
  const text = 'R 2 1020.500 0.300\nR 0 1000.000 0.250\nnode: warning\nR 1 1010.250 0.4\nR 3 10';
  t.deepEqual(parseReplies(text), [
    { seq: 0, sentAt: 1000, rttMs: 0.25 },
    { seq: 1, sentAt: 1010.25, rttMs: 0.4 },
    { seq: 2, sentAt: 1020.5, rttMs: 0.3 },
  ]);
  t.deepEqual(parseReplies(''), []);
});

test('outage: the gap in sequence numbers that ends after the failover, from the last reply before to the first after', (t) => {
  // Failover at 1205 (seq 20.5); seq 20..29 lost: last good 19 (1190), first good 30 (1300).
  const r = replies(60, [5, ...Array.from({ length: 10 }, (_, i) => 20 + i)]);
  t.deepEqual(outageFromReplies(r, 1205, 10), { lastGoodBefore: 1190, firstGoodAfter: 1300, outageMs: 110, lostInGap: 10, recovered: true });
});

test('outage: an earlier loss, ended before the failover, is not the outage', (t) => {
  const r = replies(60, [5, 6]);
  // No loss around the failover at 1405: answered straight through.
  t.deepEqual(outageFromReplies(r, 1405, 10), { lastGoodBefore: 1400, firstGoodAfter: 1410, outageMs: 0, lostInGap: 0, recovered: true });
});

test('outage: nothing answered after the failover is "not recovered", never a number', (t) => {
  const r = replies(30, Array.from({ length: 10 }, (_, i) => 20 + i));
  const o = outageFromReplies(r, 1205, 10);
  t.false(o.recovered);
  t.is(o.outageMs, undefined);
  t.is(o.lastGoodBefore, 1190);
});

test('longestGap: the widest run of lost probes between two replies', (t) => {
  t.deepEqual(longestGap(replies(50, [3, 10, 11, 12, 40])), { ms: 40, lost: 3, from: 1090, to: 1130 });
  t.deepEqual(longestGap(replies(10, [])), { ms: 0, lost: 0 });
});

test('readReplies from a byte offset: only the lines after it, a line cut there skipped', async (t) => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { readReplies } = await import('../../harness/scenario/live-traffic.js');
  const dir = mkdtempSync(join(tmpdir(), 'overlab-replies-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'replies.log');
  const lines = Array.from({ length: 5 }, (_, seq) => `R ${seq} ${1000 + seq * 10}.000 0.250`);
  writeFileSync(file, lines.join('\n') + '\n');
  const probe = { pid: 1, host: 'client', startedAt: 0, intervalMs: 10, repliesFile: file, recordFile: join(dir, 'x.json') };
  t.deepEqual(readReplies(probe).map((r) => r.seq), [0, 1, 2, 3, 4]);
  // From the middle of line 1: line 1's tail is no reply line; 2, 3 and 4 are read.
  t.deepEqual(readReplies(probe, lines[0]!.length + 1 + 3).map((r) => r.seq), [2, 3, 4]);
  t.deepEqual(readReplies({ ...probe, repliesFile: join(dir, 'none.log') }), []);
});

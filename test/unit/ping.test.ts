// fping's summary lines, as the reachability matrices read them. The text is what fping 5.1
// (Debian bookworm) printed in a namespace for two answering addresses, one silent address on
// the link, one without a route, and lo.
import test from 'ava';
import { parseFpingSummary, pingPairs } from '../../harness/probes/ping.js';
import type { NodeHandle } from '../../harness/providers/types.js';

const FPING_STDERR = `10.99.0.2 : xmt/rcv/%loss = 1/1/0%, min/avg/max = 0.070/0.070/0.070
10.99.0.3 : xmt/rcv/%loss = 1/1/0%, min/avg/max = 0.038/0.038/0.038
10.99.0.9 : xmt/rcv/%loss = 1/0/100%
10.98.0.1 : xmt/rcv/%loss = 1/0/100%
127.0.0.1 : xmt/rcv/%loss = 1/1/0%, min/avg/max = 0.024/0.024/0.024
`;

test('parseFpingSummary: received counts and the average RTT of each target', (t) => {
  const s = parseFpingSummary(FPING_STDERR);
  t.is(s.size, 5);
  t.like(s.get('10.99.0.2'), { sent: 1, received: 1, avgMs: 0.07 });
  t.like(s.get('10.99.0.9'), { sent: 1, received: 0 });
  t.is(s.get('10.99.0.9')?.avgMs, undefined);
  t.is(s.get('10.98.0.1')?.line, '10.98.0.1 : xmt/rcv/%loss = 1/0/100%');
  t.is(parseFpingSummary('fping: option requires an argument -- t\n').size, 0);
});

/** A host whose exec answers like fping would: the unit under test is our grouping and parsing. */
function fakeHost(id: string, calls: string[][]): NodeHandle {
  return {
    id,
    location: id,
    exec: async (argv) => {
      calls.push([...argv]);
      const targets = argv.slice(argv.indexOf('-t') + 2);
      const stderr = targets.map((to) => (to.endsWith('.9') ? `${to} : xmt/rcv/%loss = 1/0/100%` : `${to} : xmt/rcv/%loss = 1/1/0%, min/avg/max = 0.1/0.2/0.3`)).join('\n');
      return { argv, exitCode: targets.some((to) => to.endsWith('.9')) ? 1 : 0, stdout: '', stderr, durationMs: 1 };
    },
  };
}

test('pingPairs: one fping per source host, results back in the order of the pairs', async (t) => {
  const calls: string[][] = [];
  const pairs = [
    { from: 'a', to: '10.0.0.2' },
    { from: 'b', to: '10.0.0.1' },
    { from: 'a', to: '10.0.0.9' },
    { from: 'a', to: '10.0.0.3' },
  ];
  const results = await pingPairs(pairs, (h) => fakeHost(h, calls), (task) => task());
  t.is(calls.length, 2);
  t.deepEqual(calls.find((c) => c.includes('10.0.0.2'))?.slice(-3), ['10.0.0.2', '10.0.0.9', '10.0.0.3']);
  t.deepEqual(
    results.map((r) => [r.from, r.to, r.ok]),
    [
      ['a', '10.0.0.2', true],
      ['b', '10.0.0.1', true],
      ['a', '10.0.0.9', false],
      ['a', '10.0.0.3', true],
    ],
  );
  t.is(results[0]?.rttMs, 0.2);
  t.regex(results[2]?.detail ?? '', /^no reply \(fping: 10\.0\.0\.9 : xmt\/rcv\/%loss = 1\/0\/100%\)$/);
});

test('pingPairs: fping failing (not the network) is an error, not a matrix of failures', async (t) => {
  const broken: NodeHandle = { id: 'a', location: 'a', exec: async (argv) => ({ argv, exitCode: 4, stdout: '', stderr: 'fping: socket: Operation not permitted', durationMs: 1 }) };
  await t.throwsAsync(pingPairs([{ from: 'a', to: '10.0.0.2' }], () => broken, (task) => task()), { message: /fping on a exited 4: fping: socket: Operation not permitted/ });
});

/**
 * A stand-in for `nsenter ... fping ...` in a shell (a real sh runs it): prints fping's summary
 * for each target on stderr, silent for .9 (exit 1), and exits 4 for the source named "broken".
 */
const FAKE_FPING = `src=$1; shift; [ "$src" = broken ] && { echo "fping: socket: Operation not permitted" >&2; exit 4; }
rc=0; while [ "$#" -gt 0 ]; do case $1 in -c|-i|-t) shift 2;; -q) shift;; *.9) echo "$1 : xmt/rcv/%loss = 1/0/100%" >&2; rc=1; shift;; *) echo "$1 : xmt/rcv/%loss = 1/1/0%, min/avg/max = 0.1/0.2/0.3" >&2; shift;; esac; done; exit $rc`;
const fakeLocalArgv = (host: string, argv: readonly string[]) => ['sh', '-c', FAKE_FPING, 'fake-fping', host, ...argv.slice(1)];

test('pingPairs: above 64 sources with a local argv, batched shells give every source its own results', async (t) => {
  const sources = Array.from({ length: 70 }, (_, i) => `pod${i}`);
  const pairs = sources.flatMap((from) => [{ from, to: '10.0.0.2' }, { from, to: '10.0.0.9' }]);
  const execs: string[][] = [];
  const results = await pingPairs(pairs, (h) => fakeHost(h, execs), (task) => task(), fakeLocalArgv);
  t.is(execs.length, 0, 'no per-source exec: the shells ran them');
  t.is(results.length, 140);
  t.deepEqual(results.slice(0, 4).map((r) => [r.from, r.to, r.ok]), [['pod0', '10.0.0.2', true], ['pod0', '10.0.0.9', false], ['pod1', '10.0.0.2', true], ['pod1', '10.0.0.9', false]]);
  t.true(results.every((r, i) => r.from === pairs[i]!.from && r.to === pairs[i]!.to && r.ok === !r.to.endsWith('.9')));
  t.is(results[138]?.rttMs, 0.2);
});

test('pingPairs: a batched source whose fping fails is named, not read as a matrix of failures', async (t) => {
  const sources = [...Array.from({ length: 69 }, (_, i) => `pod${i}`), 'broken'];
  const pairs = sources.map((from) => ({ from, to: '10.0.0.2' }));
  await t.throwsAsync(pingPairs(pairs, (h) => fakeHost(h, []), (task) => task(), fakeLocalArgv), { message: /fping on broken exited 4: fping: socket: Operation not permitted/ });
});

test('pingPairs: 64 sources or fewer keep one fping each, even with a local argv', async (t) => {
  const execs: string[][] = [];
  await pingPairs(Array.from({ length: 64 }, (_, i) => ({ from: `pod${i}`, to: '10.0.0.2' })), (h) => fakeHost(h, execs), (task) => task(), fakeLocalArgv);
  t.is(execs.length, 64);
});

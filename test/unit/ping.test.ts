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

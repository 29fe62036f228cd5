// assertReachability: every probe of the matrix answered, or the ones that were not, by name.
import test from 'ava';
import { assertReachability } from '../../harness/assert/reachability.js';
import type { PingResult } from '../../harness/probes/ping.js';

const reply = (from: string, to: string): PingResult => ({ from, to, size: 56, dontFragment: false, ok: true, rttMs: 0.3, detail: 'reply' });
const silent = (from: string, to: string): PingResult => ({ from, to, size: 56, dontFragment: false, ok: false, detail: `no reply (fping: ${to} : xmt/rcv/%loss = 1/0/100%)` });

test('every pod answers every other pod', (t) => {
  const matrix = [reply('master-nginx', '10.217.1.30'), reply('worker-nginx', '10.217.0.22')];
  const r = assertReachability('reachability', 'pod-to-pod reachability', matrix, ['evidence/reachability-pods.json']);
  t.is(r.status, 'passed');
  t.deepEqual([r.id, r.title, r.expected, r.actual, r.evidence], ['reachability', 'pod-to-pod reachability', '2/2 replies', '2/2 replies', ['evidence/reachability-pods.json']]);
});

test('a silent pair is named with what fping said', (t) => {
  const r = assertReachability('reachability[unit-to-pod@after]', 'unit to pod', [reply('bigip2', '10.217.0.22'), silent('bigip2', '10.217.1.30')], []);
  t.is(r.status, 'failed');
  t.is(r.actual, '1/2 replies; no reply: bigip2 -> 10.217.1.30 (no reply (fping: 10.217.1.30 : xmt/rcv/%loss = 1/0/100%))');
});

test('many silent pairs: four named, the rest counted', (t) => {
  const matrix = ['10.217.0.22', '10.217.0.23', '10.217.1.30', '10.217.1.31', '10.217.1.32', '10.217.1.33'].map((to) => silent('bigip1', to));
  const r = assertReachability('reachability', 'r', matrix, []);
  t.is(r.status, 'failed');
  t.true(r.actual.startsWith('0/6 replies; no reply: bigip1 -> 10.217.0.22 '), r.actual);
  t.true(r.actual.endsWith(' (+2 more)'), r.actual);
});

test('an empty matrix proves nothing: failed', (t) => {
  const r = assertReachability('reachability', 'r', [], []);
  t.is(r.status, 'failed');
  t.is(r.expected, '0/0 replies');
});

// judgeReproduction and matchesPattern: a reproduction scenario's declared symptom is exactly
// the set of assertions that must fail (the patterns the committed scenarios use).
import test from 'ava';
import { judgeReproduction, matchesPattern } from '../../harness/assert/reproduction.js';
import { assertion } from '../helpers/report.js';

test('matchesPattern: an id is matched exactly, a pattern ending in * by prefix', (t) => {
  t.true(matchesPattern('failover', 'failover'));
  t.false(matchesPattern('failover-outage', 'failover'));
  t.false(matchesPattern('pmtu[bigip1]', 'pmtu'));
  t.true(matchesPattern('pmtu[bigip1]', 'pmtu[bigip*'));
  t.false(matchesPattern('pmtu', 'pmtu[bigip*'));
  t.true(matchesPattern('reachability[unit-to-pod@after]', 'reachability[unit-to-pod@*'));
  t.false(matchesPattern('reachability[pod-to-pod@after]', 'reachability[unit-to-pod@*'));
  t.true(matchesPattern('anything', '*'));
});

test('mtu-mismatch: only pmtu failed, as declared: reproduced', (t) => {
  const j = judgeReproduction({ expectFailed: ['pmtu'] }, [assertion('mtu', 'passed'), assertion('pmtu', 'failed'), assertion('pcap-sizes', 'passed')]);
  t.deepEqual(j, { status: 'reproduced', verdict: 'symptom shown: pmtu failed as declared' });
});

test('no-flannel-node: every failed assertion matches a pattern and every pattern a failure', (t) => {
  const j = judgeReproduction({ expectFailed: ['pmtu[bigip*', 'reachability[unit-to-pod@*', 'failover'] }, [
    assertion('pmtu', 'passed'),
    assertion('pmtu[bigip1]', 'failed'),
    assertion('pmtu[bigip2]', 'failed'),
    assertion('reachability[unit-to-pod@before]', 'failed'),
    assertion('reachability[unit-to-pod@after]', 'failed'),
    assertion('reachability[pod-to-pod@after]', 'passed'),
    assertion('failover', 'failed'),
  ]);
  t.is(j.status, 'reproduced');
  t.is(j.verdict, 'symptom shown: pmtu[bigip1], pmtu[bigip2], reachability[unit-to-pod@before], reachability[unit-to-pod@after], failover failed as declared');
});

test('the symptom did not show: the pattern that passed is named', (t) => {
  const j = judgeReproduction({ expectFailed: ['pmtu', 'failover'] }, [assertion('pmtu', 'failed'), assertion('failover', 'passed')]);
  t.deepEqual(j, { status: 'failed', verdict: 'the declared symptom did not show: expected to fail but passed: failover' });
});

test('something else broke too: the undeclared failure is named', (t) => {
  const j = judgeReproduction({ expectFailed: ['pmtu'] }, [assertion('pmtu', 'failed'), assertion('flannel-control-plane[worker]', 'failed')]);
  t.deepEqual(j, { status: 'failed', verdict: 'the declared symptom did not show: failed but not part of the declared symptom: flannel-control-plane[worker]' });
});

test('both at once: missing and unexpected in one verdict', (t) => {
  const j = judgeReproduction({ expectFailed: ['fdb-learning[*'] }, [assertion('fdb-learning[bigip2]', 'passed'), assertion('mtu', 'failed')]);
  t.is(j.status, 'failed');
  t.is(j.verdict, 'the declared symptom did not show: expected to fail but passed: fdb-learning[*; failed but not part of the declared symptom: mtu');
});

test('failover-static-arp: the cause shows, the provider cannot break traffic: not-reproducible', (t) => {
  const why = 'bigip-sim does not model TMM';
  const j = judgeReproduction({ expectFailed: ['fdb-learning[bigip2]', 'pcap-arp-flooding[*'], notReproducible: why }, [
    assertion('fdb-learning[bigip2]', 'failed'),
    assertion('pcap-arp-flooding[bigip1]', 'failed'),
    assertion('pcap-arp-flooding[bigip2]', 'failed'),
    assertion('failover', 'passed'),
  ]);
  t.deepEqual(j, { status: 'not-reproducible', verdict: `not reproducible on this provider: ${why}` });
});

test('not-reproducible is not a pass for a run where something undeclared failed', (t) => {
  const j = judgeReproduction({ expectFailed: [], notReproducible: 'nolearning changes nothing here' }, [assertion('failover', 'failed')]);
  t.deepEqual(j, { status: 'failed', verdict: 'the declared symptom did not show: failed but not part of the declared symptom: failover' });
});

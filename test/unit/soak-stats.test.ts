// A soak's outage percentiles (nearest rank) and its drift rules, each of which can fail.
import test from 'ava';
import { DRIFT_LIMITS, percentiles } from '../../harness/soak/stats.js';

test('percentiles by nearest rank; none of nothing', (t) => {
  t.is(percentiles([]), undefined);
  t.deepEqual(percentiles([5]), { count: 1, min: 5, median: 5, p95: 5, p99: 5, max: 5 });
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  t.deepEqual(percentiles(hundred.reverse()), { count: 100, min: 1, median: 50, p95: 95, p99: 99, max: 100 });
});

test('every drift rule fails on a leak and passes on noise', (t) => {
  const rates = { udpPerSecond: 100, tcpPerSecond: 10 };
  for (const [gauge, rule] of Object.entries(DRIFT_LIMITS)) {
    t.true(rule.allowed(10, rates) >= 11, `${gauge}: a small change is allowed`);
    t.true(rule.allowed(10, rates) < 100_000, `${gauge}: a leak is not`);
  }
  t.is(DRIFT_LIMITS.conntrack!.allowed(25, rates), 25 + 100 * 120 + 10 * 120);
  t.is(DRIFT_LIMITS.rssMb!.allowed(100, rates), 250);
});

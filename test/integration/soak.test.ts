// Soak mode: the failover scenario kept up with traffic and failed over again and again. Under
// CI=true the 5 minutes (a failover every 30 s); elsewhere a short one (4 failovers, 2 s
// apart). It must report the outage percentiles and pass its drift checks.
import { readFileSync } from 'node:fs';
import { cli, inCi, isolateState, rootTest } from './_env.js';

const state = isolateState('soak');

rootTest(inCi ? 'a 5-minute soak of failover: percentiles reported, no drift' : 'a short soak of failover (4 failovers): percentiles reported, no drift', async (t) => {
  t.timeout(inCi ? 480_000 : 120_000);
  const args = inCi ? ['--soak', '5m', '--failover-every', '30s'] : ['--failovers', '4', '--failover-every', '2s'];
  const r = await cli(['scenario', 'failover', '--agent', 'emulated', ...args], { env: state.env, timeoutMs: inCi ? 470_000 : 110_000 });
  t.is(r.code, 0, r.stdout.slice(-4000) + r.stderr.slice(-2000));
  t.regex(r.stdout, /PASS\s+soak-outage\s+\d+ failovers, 0 never recovered; outage min [\d.]+ \/ median [\d.]+ \/ p95 [\d.]+ \/ p99 [\d.]+ \/ max [\d.]+ ms/);
  for (const gauge of ['fdb', 'arp', 'conntrack', 'neighbours', 'rssMb', 'openFiles']) t.regex(r.stdout, new RegExp(`PASS\\s+soak-drift\\[${gauge}\\]`));
  const report = JSON.parse(readFileSync(/report: (\S+)/.exec(r.stdout)![1]!, 'utf8')) as { metrics: Record<string, number> };
  t.true(report.metrics.soakFailovers! >= (inCi ? 10 : 4));
  t.true(report.metrics.soakOutageP99Ms! <= report.metrics.soakOutageMaxMs!);
  t.log(`soak: ${report.metrics.soakFailovers} failovers, outage median ${report.metrics.soakOutageMedianMs} ms, p99 ${report.metrics.soakOutageP99Ms} ms, max ${report.metrics.soakOutageMaxMs} ms`);
});

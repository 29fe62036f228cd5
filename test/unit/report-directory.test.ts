// The report's directory names our MACs: from the run's topology first, then, for a MAC of the
// testbed's scheme no table names (a switch port, a host-side veth), decoded from its prefix and
// the address it carries.
import test from 'ava';
import { buildDirectory, decodeMac } from '../../harness/report/directory.js';
import { FAILOVER_TOPOLOGY, sampleReport } from '../helpers/report.js';

test('decodeMac: each kind of the 0e: scheme and CNI\'s 0a:58, with the address\'s owner when known', (t) => {
  t.is(decodeMac('0e:02:0a:a9:48:7f', (ip) => (ip === '10.169.72.127' ? 'master underlay' : undefined)), 'switch port of 10.169.72.127 (master underlay)');
  t.is(decodeMac('0e:01:0a:a9:48:80'), 'underlay NIC of 10.169.72.128');
  t.is(decodeMac('0E:0F:0A:A9:48:26'), 'VTEP of 10.169.72.38');
  t.is(decodeMac('0e:0e:0a:d9:00:16'), 'host-side veth of 10.217.0.22');
  t.is(decodeMac('0e:03:0a:01:0a:0a'), 'external NIC of 10.1.10.10');
  t.is(decodeMac('0a:58:0a:d9:00:01'), 'CNI interface of 10.217.0.1');
  // Not ours: the old prefix, a vendor's, garbage.
  t.is(decodeMac('02:01:0a:a9:48:7f'), undefined);
  t.is(decodeMac('00:50:56:00:00:01'), undefined);
  t.is(decodeMac('not a mac'), undefined);
});

test('the directory: a topology name wins, a scheme MAC falls back to its decoding', (t) => {
  const d = buildDirectory(sampleReport({ topology: FAILOVER_TOPOLOGY }));
  t.is(d.ip('10.169.72.127'), 'master underlay');
  t.is(d.mac('0e:02:0a:a9:48:7f'), 'switch port of 10.169.72.127 (master underlay)');
  t.is(d.mac('0a:58:0a:d9:00:16'), 'pod master/nginx');
  t.is(d.mac('00:00:00:00:00:00'), 'flood (all-zeros)');
});

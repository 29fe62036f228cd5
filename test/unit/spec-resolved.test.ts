// What only the resolved topology shows is a spec error before anything runs: duplicate or
// multicast MACs, a tunnel key other than the VNI (outside a reproduction), a unit podCIDR inside
// a node's, an address used twice, an extra capture on a host that does not exist. (MTUs that do
// not fit are warnings: spec-warnings.test.ts.)
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../harness/spec/load.js';
import { SpecError } from '../../harness/core/errors.js';
import { SCENARIOS_DIR } from '../../harness/core/paths.js';

const failover = readFileSync(join(SCENARIOS_DIR, 'failover.yaml'), 'utf8');

const cases: [string, (s: string) => string, RegExp][] = [
  ['a VTEP MAC used twice', (s) => s.replace('    podCidr: 10.217.0.0/24\n', '    podCidr: 10.217.0.0/24\n    vtepMac: 0e:0f:0a:a9:48:80\n'), /nodes\.1\.vtepMac: worker's VTEP MAC 0e:0f:0a:a9:48:80 is already master's VTEP MAC|vtepMac.*is already/],
  ['a multicast MAC', (s) => s.replace('    podCidr: 10.217.0.0/24\n', '    podCidr: 10.217.0.0/24\n    vtepMac: 01:00:5e:00:00:07\n'), /is a multicast MAC \(its first octet is odd\)/],
  ['a tunnel key other than the VNI', (s) => s.replace('key: 0,', 'key: 1,'), /bigip\.tunnel\.key: 1 differs from flannel\.vni 0/],
  ['a unit podCIDR inside a node\'s', (s) => s.replace('flannelNode: { podCidr: 10.217.31.0/24 }', 'flannelNode: { podCidr: 10.217.1.0/24 }'), /10\.217\.1\.0\/24 overlaps node worker's podCIDR 10\.217\.1\.0\/24/],
  ['the client on the VIP', (s) => s.replace(/client: \{ ip: [\d.]+ \}/, 'client: { ip: 10.1.10.100 }'), /10\.1\.10\.100 \(the client\) is already virtual server vs-nginx's address/],
  ['an extra capture on no host', (s) => s + 'capture: { extra: [{ host: nowhere, interface: eth0 }] }\n', /capture\.extra\[0\]\.host: no host "nowhere"/],
];

for (const [what, change, message] of cases) {
  test(`${what} is a spec error`, (t) => {
    const text = change(failover);
    t.not(text, failover, 'the case changes the scenario');
    const e = t.throws(() => parseScenario(text, 'failover.yaml'), { instanceOf: SpecError });
    t.regex(e!.message, message);
  });
}

test('the library itself has none of them', (t) => {
  t.notThrows(() => parseScenario(failover, 'failover.yaml'));
});

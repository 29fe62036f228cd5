// The stand-in's `list` output (tmsh-shape/render-list.ts) in a VE's layout: names under /Common/,
// one property a line, `floating enabled` on a traffic-group-1 self IP; and it reads back with
// the driver's parsers (tmsh-shape/list.ts) to what it was written from.
import test from 'ava';
import { listNetSelf, listNetTunnel, listNetVlan, type ListedSelf } from '../../harness/devices/bigip/tmsh-shape/render-list.js';
import { parseListNetSelf, parseListNetTunnel, parseListNetVlan } from '../../harness/devices/bigip/tmsh-shape/list.js';

const selfs: ListedSelf[] = [
  { name: 'ol_ab12_self_underlay', address: '10.169.72.36/16', vlan: 'ol_ab12_underlay', trafficGroup: 'traffic-group-local-only', floating: false, allowService: 'default' },
  { name: 'ol_ab12_float_tunnel', address: '10.217.31.1/16', vlan: 'ol_ab12_flannel_vxlan', trafficGroup: 'traffic-group-1', floating: true, allowService: 'none' },
];

test('list net self: a VE layout that reads back', (t) => {
  const text = listNetSelf(selfs);
  t.is(
    text,
    [
      'net self /Common/ol_ab12_self_underlay {',
      '    address 10.169.72.36/16',
      '    allow-service {',
      '        default',
      '    }',
      '    traffic-group /Common/traffic-group-local-only',
      '    vlan /Common/ol_ab12_underlay',
      '}',
      'net self /Common/ol_ab12_float_tunnel {',
      '    address 10.217.31.1/16',
      '    floating enabled',
      '    traffic-group /Common/traffic-group-1',
      '    unit 1',
      '    vlan /Common/ol_ab12_flannel_vxlan',
      '}',
      '',
    ].join('\n'),
  );
  t.deepEqual(parseListNetSelf(text), selfs.map(({ name: _n, allowService: _a, ...s }) => s));
  t.is(listNetSelf([]), '');
});

test('list net vlan and list net tunnels tunnel read back', (t) => {
  const vlans = [{ name: 'ol_ab12_underlay', mtu: 1500, interfaces: ['1.1'] }, { name: 'ol_ab12_external', mtu: 9000, interfaces: ['1.2'] }];
  const text = listNetVlan(vlans);
  t.true(text.startsWith('net vlan /Common/ol_ab12_underlay {\n    interfaces {\n        1.1 { }\n    }\n    mtu 1500\n}\n'));
  t.deepEqual(parseListNetVlan(text), vlans.map(({ interfaces: _i, ...v }) => v));
  const tunnel = listNetTunnel({ name: 'ol_ab12_flannel_vxlan', key: 0, mtu: 1450, localAddress: '10.169.72.36', profile: 'ol_ab12_fl-vxlan', trafficGroup: 'traffic-group-local-only' });
  t.regex(tunnel, /^net tunnels tunnel \/Common\/ol_ab12_flannel_vxlan \{\n {4}key 0\n {4}local-address 10\.169\.72\.36\n {4}mtu 1450\n {4}profile \/Common\/ol_ab12_fl-vxlan\n/);
  t.deepEqual(parseListNetTunnel(tunnel), [{ name: 'ol_ab12_flannel_vxlan', key: 0, localAddress: '10.169.72.36', mtu: 1450 }]);
});

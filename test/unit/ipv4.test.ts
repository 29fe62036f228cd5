// IPv4 arithmetic for planning (addresses as unsigned 32-bit numbers). No root needed.
import test from 'ava';
import * as ip from '../../harness/core/ipv4.js';

test('parseIp and formatIp round-trip, including the top of the range (unsigned)', (t) => {
  for (const text of ['0.0.0.0', '10.244.0.1', '172.16.1.100', '192.168.255.254', '255.255.255.255']) t.is(ip.formatIp(ip.parseIp(text)), text);
  t.is(ip.parseIp('255.255.255.255'), 0xffffffff);
  t.is(ip.parseIp('10.0.0.1'), 0x0a000001);
  t.true(ip.parseIp('200.0.0.0') > 0, 'no negative numbers from 32-bit shifts');
});

test('parseIp rejects what is not a dotted quad', (t) => {
  for (const bad of ['', '10.0.0', '10.0.0.0.1', '10.0.0.256', '10.0.0.-1', 'a.b.c.d', '10.0.0.1/24', ' 10.0.0.1', '1e1.0.0.1', '10..0.1', '1234.0.0.1']) {
    t.throws(() => ip.parseIp(bad), { message: /not an IPv4 address/ }, JSON.stringify(bad));
  }
});

test('maskOf covers /0 and /32', (t) => {
  t.is(ip.maskOf(0), 0);
  t.is(ip.maskOf(8), 0xff000000);
  t.is(ip.maskOf(24), 0xffffff00);
  t.is(ip.maskOf(31), 0xfffffffe);
  t.is(ip.maskOf(32), 0xffffffff);
});

test('parsePrefix masks host bits; hasHostBits tells', (t) => {
  t.deepEqual(ip.parsePrefix('10.244.0.0/16'), { network: ip.parseIp('10.244.0.0'), length: 16 });
  t.deepEqual(ip.parsePrefix('10.244.7.9/16'), { network: ip.parseIp('10.244.0.0'), length: 16 });
  t.is(ip.formatPrefix(ip.parsePrefix('0.0.0.0/0')), '0.0.0.0/0');
  t.is(ip.formatPrefix(ip.parsePrefix('10.1.2.3/32')), '10.1.2.3/32');
  t.false(ip.hasHostBits('10.244.0.0/16'));
  t.true(ip.hasHostBits('10.244.0.1/16'));
  t.false(ip.hasHostBits('10.1.2.3/32'));
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/x', '10.0.0/8', '10.0.0.0/024']) t.throws(() => ip.parsePrefix(bad), undefined, bad);
});

test('size, contains and isNetworkOrBroadcast', (t) => {
  const p = ip.parsePrefix('10.244.1.0/24');
  t.is(ip.size(p), 256);
  t.is(ip.size(ip.parsePrefix('0.0.0.0/0')), 2 ** 32);
  t.true(ip.contains(p, ip.parseIp('10.244.1.0')));
  t.true(ip.contains(p, ip.parseIp('10.244.1.255')));
  t.false(ip.contains(p, ip.parseIp('10.244.2.0')));
  t.false(ip.contains(p, ip.parseIp('10.244.0.255')));
  t.true(ip.contains(ip.parsePrefix('0.0.0.0/0'), ip.parseIp('255.255.255.255')));
  t.true(ip.isNetworkOrBroadcast(p, ip.parseIp('10.244.1.0')));
  t.true(ip.isNetworkOrBroadcast(p, ip.parseIp('10.244.1.255')));
  t.false(ip.isNetworkOrBroadcast(p, ip.parseIp('10.244.1.1')));
  // /31 and /32 have no network or broadcast address (RFC 3021).
  t.false(ip.isNetworkOrBroadcast(ip.parsePrefix('10.0.0.0/31'), ip.parseIp('10.0.0.0')));
  t.false(ip.isNetworkOrBroadcast(ip.parsePrefix('10.0.0.1/32'), ip.parseIp('10.0.0.1')));
});

test('overlaps in both directions and at the edges', (t) => {
  const a = ip.parsePrefix('10.244.0.0/16');
  const b = ip.parsePrefix('10.244.3.0/24');
  const c = ip.parsePrefix('10.245.0.0/16');
  t.true(ip.overlaps(a, b));
  t.true(ip.overlaps(b, a));
  t.false(ip.overlaps(a, c));
  t.true(ip.overlaps(ip.parsePrefix('10.244.0.0/24'), ip.parsePrefix('10.244.0.128/25')));
  t.false(ip.overlaps(ip.parsePrefix('10.244.0.0/25'), ip.parsePrefix('10.244.0.128/25')));
  t.true(ip.overlaps(ip.parsePrefix('0.0.0.0/0'), c));
});

test('nth: offsets inside the prefix only', (t) => {
  const p = ip.parsePrefix('10.244.1.0/24');
  t.is(ip.formatIp(ip.nth(p, 0)), '10.244.1.0');
  t.is(ip.formatIp(ip.nth(p, 1)), '10.244.1.1');
  t.is(ip.formatIp(ip.nth(p, 255)), '10.244.1.255');
  t.throws(() => ip.nth(p, 256), { message: /outside 10\.244\.1\.0\/24/ });
  t.throws(() => ip.nth(p, -1));
  t.is(ip.formatIp(ip.nth(ip.parsePrefix('255.255.255.0/24'), 255)), '255.255.255.255');
});

test('subnet: the index-th /n inside a prefix', (t) => {
  const net = ip.parsePrefix('10.244.0.0/16');
  t.is(ip.formatPrefix(ip.subnet(net, 24, 0)), '10.244.0.0/24');
  t.is(ip.formatPrefix(ip.subnet(net, 24, 49)), '10.244.49.0/24');
  t.is(ip.formatPrefix(ip.subnet(net, 24, 255)), '10.244.255.0/24');
  t.is(ip.formatPrefix(ip.subnet(net, 25, 3)), '10.244.1.128/25');
  t.throws(() => ip.subnet(net, 24, 256), { message: /has no subnet \/24 number 256/ });
  t.throws(() => ip.subnet(net, 8, 0));
});

test('macFromIp: two prefix bytes and the four address bytes, lower-case hex', (t) => {
  t.is(ip.macFromIp([0x0a, 0x58], ip.parseIp('10.217.0.22')), '0a:58:0a:d9:00:16');
  t.is(ip.macFromIp([0x02, 0x0f], ip.parseIp('172.16.1.100')), '02:0f:ac:10:01:64');
  t.is(ip.macFromIp([0x02, 0x01], ip.parseIp('255.255.255.255')), '02:01:ff:ff:ff:ff');
  t.is(ip.macFromIp([0x02, 0x01], ip.parseIp('0.0.0.0')), '02:01:00:00:00:00');
});

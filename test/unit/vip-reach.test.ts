// The client-to-vip probe's judgement (probes/vip-reach.ts) and the pods' HTTP/1.0 (probes/pod-http.ts):
// a TCP probe passes only on a 200 whose body names a pool member, a UDP probe only on its own payload.
import test from 'ava';
import { judgeVipAnswer, udpPayload, vipProbeCommand, vipProbeCount } from '../../harness/probes/vip-reach.js';
import { HTTP_REQUEST, isHttpOk, podHttpResponse, podHttpShell, podNameFromHttp, socatEscape } from '../../harness/probes/pod-http.js';

const members = ['master/nginx', 'worker/nginx'];

test('TCP: a pool member\'s HTTP answer passes; another pod, a non-HTTP answer, silence and a refusal fail', (t) => {
  t.deepEqual(judgeVipAnswer('tcp', 0, podHttpResponse('worker/nginx'), '', 0, members), { ok: true, detail: 'answered by worker/nginx' });
  const other = judgeVipAnswer('tcp', 0, podHttpResponse('other/pod'), '', 0, members);
  t.false(other.ok);
  t.regex(other.detail, /answered by other\/pod, not a pool member \(master\/nginx, worker\/nginx\)/);
  t.false(judgeVipAnswer('tcp', 0, 'master/nginx\n', '', 0, members).ok, 'a bare name (the old server) is not HTTP');
  t.regex(judgeVipAnswer('tcp', 0, '', '', 0, members).detail, /connected, no answer within 1 s/);
  const refused = judgeVipAnswer('tcp', 1, '', '2026/12/01 15:00:00 socat[123] E connect(5, AF=2 10.1.10.100:80, 16): Connection refused\n', 0, members);
  t.false(refused.ok);
  t.regex(refused.detail, /Connection refused/);
  t.false(judgeVipAnswer('tcp', 0, podHttpResponse('master/nginx'), '', 0, []).ok, 'an empty pool: nobody is expected to answer');
});

test('UDP: only its own payload back passes', (t) => {
  t.true(judgeVipAnswer('udp', 0, udpPayload(3), '', 3, members).ok);
  t.false(judgeVipAnswer('udp', 0, udpPayload(2), '', 3, members).ok, 'another probe\'s payload');
  t.regex(judgeVipAnswer('udp', 0, '', '', 3, members).detail, /no echo within 1 s/);
});

test('probes: socat to the VIP, never ICMP; TCP two per pool member, UDP one', (t) => {
  t.deepEqual(vipProbeCommand('10.1.10.100', 80, 'tcp', 0), { argv: ['socat', '-T', '1', '-', 'TCP4:10.1.10.100:80,connect-timeout=1'], stdin: HTTP_REQUEST });
  t.deepEqual(vipProbeCommand('10.1.10.100', 7, 'udp', 1).argv, ['socat', '-T', '1', '-t', '0.5', '-', 'UDP4:10.1.10.100:7']);
  t.is(vipProbeCount(2, 'tcp'), 4);
  t.is(vipProbeCount(2, 'udp'), 2);
  t.is(vipProbeCount(0, 'tcp'), 1);
  t.is(vipProbeCount(0, 'udp'), 1);
});

test('the pods\' HTTP/1.0: a response line, headers with the body\'s length, the pod\'s name as the body', (t) => {
  const r = podHttpResponse('master/nginx');
  t.is(r, 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nmaster/nginx\n');
  t.true(isHttpOk(r));
  t.is(podNameFromHttp(r), 'master/nginx');
  t.is(podNameFromHttp('bare\n'), 'bare');
  // socat's own characters escaped, so sh gets the command as written.
  t.is(socatEscape(`a:b,c'd"e\\f!g`), `a\\:b\\,c\\'d\\"e\\\\f\\!g`);
  t.regex(podHttpShell('master/nginx'), /^while read -r l; do \[ "\$\{l%\?\}" \] \|\| break; done; printf 'HTTP\/1\.0 200 OK\\r\\n/);
  t.throws(() => podHttpShell("it's"), { message: /quote or backslash/ });
});

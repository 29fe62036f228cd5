// `overlab plan failover --script` run with bash: while it holds (OVERLAB_HOLD=1) the kernel has
// the plan's namespaces, VTEPs and FDB, curl gets the pods' HTTP/1.0 answer through the VIP, and
// the script's own reachability lines say every probe was answered; after its teardown (Enter, or
// Ctrl-C) nothing of it is left. A run id whose namespace exists already makes nothing and takes
// nothing. The harness's client-to-vip probe is checked on the same testbed, and must fail for
// a pool member whose pod is down. ~15-20 s each on a 2-core VM.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { cli, collect, hostLinks, hostLinksAddedSince, namespaceInodes, processesIn, rootTest, runNamespaces, removeRunNamespaces, toolsMissing, prereqTest } from './_env.js';
import { json } from './_kernel-state.js';
import { toolEnv } from '../../harness/core/command.js';
import { NetnsProvider } from '../../harness/providers/netns/provider.js';
import { ResourceLedger } from '../../harness/core/ledger.js';
import { probeVip } from '../../harness/probes/vip-reach.js';

const HOSTS = ['', '.bigip1', '.bigip2', '.client', '.master', '.master.nginx', '.worker', '.worker.nginx'];

async function script(t: ExecutionContext, runId: string): Promise<string> {
  const r = await cli(['plan', 'failover', '--script', '--run-id', runId]);
  t.is(r.code, 0, r.stderr);
  return r.stdout;
}

/** bash on the script, held before its teardown; resolves once it says the testbed is up. */
function holdScript(text: string): { child: ChildProcess; up: Promise<string>; done: ReturnType<typeof collect> } {
  const child = spawn('bash', ['-c', text], { env: { ...toolEnv(), OVERLAB_HOLD: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const up = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('testbed up:')) resolve(out);
    });
    child.on('close', (code) => reject(new Error(`the script exited ${code} before it was up:\n${out}`)));
  });
  return { child, up, done: collect(child, 120_000, ['bash', 'script']) };
}

const scratchLeft = (runId: string) => readdirSync('/tmp').filter((f) => f.startsWith(`overlab-script-${runId}.`));

function nothingLeft(t: ExecutionContext, runId: string, inodes: Set<number>, linksBefore: string[]): void {
  t.deepEqual(runNamespaces(runId), [], 'namespaces left');
  t.deepEqual(processesIn(inodes), [], 'processes left in its namespaces');
  t.deepEqual(scratchLeft(runId), [], 'run directory left');
  // New links of the host namespace, but what the tests beside make and remove.
  t.deepEqual(hostLinksAddedSince(linksBefore, runId), [], 'links added to the host namespace');
}

interface Link { ifname: string; mtu: number; address: string; linkinfo?: { info_kind: string; info_data?: { id: number; learning: boolean; port: number } } }
interface Fdb { mac: string; ifname: string; dst?: string; state?: string; flags?: string[] }

prereqTest('the failover script runs: kernel state while it holds, traffic through the VIP, nothing left after its teardown', toolsMissing(['socat', 'fping', 'nft', 'conntrack', 'arping', 'curl']), async (t) => {
  const runId = `s${randomBytes(2).toString('hex')}`;
  t.teardown(() => void removeRunNamespaces(runId));
  const linksBefore = hostLinks();
  const held = holdScript(await script(t, runId));
  const out = await held.up;
  const names = runNamespaces(runId);
  t.deepEqual(names, HOSTS.map((h) => `ol-${runId}${h}`).sort());
  const inodes = namespaceInodes(names);
  // The nodes' and units' VTEPs as the kernel holds them: VNI 0, learning, MTU 1450, the plan's port.
  for (const [host, dev] of [['master', 'flannel.0'], ['worker', 'flannel.0'], ['bigip1', 'flannel_vxlan'], ['bigip2', 'flannel_vxlan']] as const) {
    const [link] = json(['ip', '-n', `ol-${runId}.${host}`, '-d', '-j', 'link', 'show', 'dev', dev]) as Link[];
    t.is(link?.linkinfo?.info_kind, 'vxlan', `${host} ${dev}`);
    t.like(link?.linkinfo?.info_data, { id: 0, learning: true, port: 8472 }, `${host} ${dev}`);
    t.is(link?.mtu, 1450, `${host} ${dev}`);
  }
  // master's flannel FDB: a permanent entry toward each peer's underlay address.
  const fdb = (json(['bridge', '-n', `ol-${runId}.master`, '-j', 'fdb', 'show', 'dev', 'flannel.0']) as Fdb[]).filter((e) => e.state === 'permanent' && e.dst);
  t.deepEqual(fdb.map((e) => e.dst).sort(), ['10.169.72.128', '10.169.72.36', '10.169.72.38']);
  // bigip2, active after the script's failover, learned the pods' MACs from their replies.
  const learned = (json(['bridge', '-n', `ol-${runId}.bigip2`, '-j', 'fdb', 'show', 'dev', 'flannel_vxlan']) as Fdb[]).filter((e) => e.state !== 'permanent' && e.dst).map((e) => e.mac);
  t.true(learned.includes('0a:58:0a:d9:00:16') && learned.includes('0a:58:0a:d9:01:1e'), `bigip2 learned: ${learned.join(', ')}`);
  // curl through the VIP, plain HTTP/1.0 (no --http0.9): a pod of the pool answers with its name.
  const curl = execFileSync('nsenter', [`--net=/run/netns/ol-${runId}.client`, '--', 'curl', '-sS', '-i', '--max-time', '3', 'http://10.1.10.100/'], { encoding: 'utf8' });
  t.regex(curl, /^HTTP\/1\.0 200 OK\r\n/);
  t.regex(curl, /\r\n\r\n(master|worker)\/nginx\n$/);
  // The script's own lines: every probe answered, both pool members answered through the VIP, the traffic probe too.
  t.notRegex(out, /^reach FAIL/m);
  t.regex(out, /^reach ok {3}client-to-vip client -> 10\.1\.10\.100:80\/tcp#\d \(answered by master\/nginx\)$/m);
  t.regex(out, /^reach ok {3}client-to-vip client -> 10\.1\.10\.100:80\/tcp#\d \(answered by worker\/nginx\)$/m);
  t.regex(out, /^reach ok {3}client-to-vip client -> 10\.1\.10\.100:7\/udp#\d \(echoed\)$/m);
  t.regex(out, /^reach ok {3}unit-to-pod bigip2 -> 10\.217\.1\.30/m);
  t.regex(out, /^traffic: [1-9]\d* UDP probes answered through the VIP/m);
  t.regex(out, /^failover: bigip1 -> bigip2$/m);
  t.true(processesIn(inodes).length >= 4, 'the pods\' servers run');
  // The harness's own client-to-vip probe on this testbed: all answered; with worker's pod down
  // (its servers killed), the probes the pool sends to it fail and master's still pass.
  const client = new NetnsProvider({ runId, ledger: new ResourceLedger('/nonexistent') }).node('client');
  const target = { vip: '10.1.10.100', tcpPort: 80, udpPort: 7, members: ['master/nginx', 'worker/nginx'] };
  const up = await probeVip(client, target);
  t.deepEqual(up.filter((p) => !p.ok), [], 'every probe answered while both members serve');
  t.deepEqual([...new Set(up.filter((p) => p.to.includes('/tcp')).map((p) => p.detail))].sort(), ['answered by master/nginx', 'answered by worker/nginx']);
  for (const pid of processesIn(namespaceInodes([`ol-${runId}.worker.nginx`]))) process.kill(pid, 'SIGKILL');
  const down = await probeVip(client, target);
  const failed = down.filter((p) => !p.ok);
  t.true(failed.some((p) => p.to.includes('/tcp')) && failed.some((p) => p.to.includes('/udp')), `failed: ${failed.map((p) => `${p.to} ${p.detail}`).join('; ')}`);
  t.true(down.some((p) => p.ok && p.detail === 'answered by master/nginx'), 'master still answers');
  held.child.stdin!.end('\n');
  const r = await held.done;
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^reachability: 28 answered, 0 not$/m);
  nothingLeft(t, runId, inodes, linksBefore);
});

rootTest('Ctrl-C while the script holds: exit 130, nothing left', async (t) => {
  const runId = `s${randomBytes(2).toString('hex')}`;
  t.teardown(() => void removeRunNamespaces(runId));
  const linksBefore = hostLinks();
  const held = holdScript(await script(t, runId));
  await held.up;
  const inodes = namespaceInodes(runNamespaces(runId));
  t.true(inodes.size === HOSTS.length);
  held.child.kill('SIGINT');
  const r = await held.done;
  t.is(r.code, 130, r.stderr);
  nothingLeft(t, runId, inodes, linksBefore);
});

rootTest('a run id whose namespace exists: exit 2, nothing made, the namespace that was there kept', async (t) => {
  const runId = `s${randomBytes(2).toString('hex')}`;
  const theirs = `ol-${runId}.client`;
  execFileSync('ip', ['netns', 'add', theirs]);
  t.teardown(() => void removeRunNamespaces(runId));
  const r = await collect(spawn('bash', ['-c', await script(t, runId)], { env: toolEnv(), stdio: ['ignore', 'pipe', 'pipe'] }), 30_000);
  t.is(r.code, 2);
  t.regex(r.stderr, new RegExp(`namespace ${theirs.replaceAll('.', '\\.')} exists already: choose another --run-id`));
  t.deepEqual(runNamespaces(runId), [theirs]);
  t.true(existsSync(`/run/netns/${theirs}`));
  t.deepEqual(scratchLeft(runId), []);
});

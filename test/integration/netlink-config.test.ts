// The netns provider configures namespaces in-process over rtnetlink (harness/netlink) instead
// of one `ip -batch` per namespace. These tests hold it to iproute2: the same scenario booted
// both ways must leave the same kernel state, read back with ip -j and bridge -j; and a
// request the kernel refuses must fail with the line and the kernel's reason.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { json, settledStates } from './_kernel-state.js';
import { PROJECT_ROOT, cli, isolateState, missingPrerequisites, prereqTest, rootTest, runNamespaces, trackRuns } from './_env.js';

const state = isolateState('netlink');
const runs = trackRuns('netlink-config', state);
// Known when the file loads (tests are declared synchronously), without importing the harness
// before isolateState: the addon's file is there or not.
const ADDON_FILE = join(PROJECT_ROOT, 'native', 'netns', 'build', 'Release', 'overlab_netns.node');
const addonMissing = existsSync(ADDON_FILE) ? [] : [`the native/netns addon (${ADDON_FILE}; npm run build)`];
const rootMissing = [missingPrerequisites()?.replace(/^needs /, '')].filter((m): m is string => Boolean(m));

async function up(scenario: string, env: NodeJS.ProcessEnv): Promise<string> {
  const r = await cli(['up', scenario], { env: { ...state.env, ...env } });
  const runId = /^run ([0-9a-f]{6}) is up/m.exec(r.stdout)?.[1];
  if (runId) runs.push(runId);
  if (r.code !== 0 || !runId) throw new Error(`overlab up ${scenario} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return runId;
}

const runDir = (scenario: string, runId: string) => join(state.reportsDir, scenario, runId);
const ipBatchFiles = (scenario: string, runId: string): string[] => {
  const dir = join(runDir(scenario, runId), 'batches');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ip') || f.endsWith('.bridge')) : [];
};

prereqTest('the netlink addon is built (CI builds it; elsewhere the provider falls back to iproute2)', addonMissing, async (t) => {
  const { netnsAddon, ADDON_PATH } = await import('../../harness/netlink/addon.js');
  const { addon, why } = netnsAddon();
  t.truthy(addon, `${ADDON_PATH}: ${why}`);
});

for (const scenario of ['baseline', 'failover']) {
  rootTest(`${scenario}: netlink and iproute2 leave the same kernel state in every namespace`, async (t) => {
    const viaNetlink = await up(scenario, {});
    const viaIproute2 = await up(scenario, { OVERLAB_NETNS_CONFIG: 'iproute2' });
    try {
      // Which path ran shows in the run directory: iproute2 leaves its batch files, netlink none.
      t.deepEqual(ipBatchFiles(scenario, viaNetlink), [], 'the default run configured its namespaces without ip processes');
      t.true(ipBatchFiles(scenario, viaIproute2).length > 0, 'the OVERLAB_NETNS_CONFIG=iproute2 run used ip -batch files');

      const hosts = (runId: string) => runNamespaces(runId).map((ns) => ns.slice(`ol-${runId}`.length) || '(switch)');
      t.deepEqual(hosts(viaNetlink), hosts(viaIproute2));
      t.true(hosts(viaNetlink).length >= 8);
      for (const host of hosts(viaNetlink)) {
        const suffix = host === '(switch)' ? '' : host;
        const [a, b] = await settledStates(`ol-${viaNetlink}${suffix}`, `ol-${viaIproute2}${suffix}`);
        for (const part of Object.keys(a)) t.deepEqual(a[part], b[part], `${host}: ${part}`);
      }
    } finally {
      for (const runId of [viaNetlink, viaIproute2]) await cli(['down', runId], { env: state.env });
    }
    t.deepEqual([...runNamespaces(viaNetlink), ...runNamespaces(viaIproute2)], []);
  });
}

prereqTest('a request the kernel refuses names the line, the namespace and the kernel reason', [...rootMissing, ...addonMissing], async (t) => {
  const { NetlinkSocket, KernelRefused } = await import('../../harness/netlink/socket.js');
  const { translateIp } = await import('../../harness/netlink/translate.js');
  const { netnsAddon } = await import('../../harness/netlink/addon.js');
  const { addon, why } = netnsAddon();
  if (!addon) return t.fail(`the addon file is there but does not load: ${why}`);
  const ns = `ol-nltest${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const socket = new NetlinkSocket(addon.netlinkSocketIn(`/run/netns/${ns}`));
    try {
      socket.queue(translateIp(['link', 'add', 'name', 'br0', 'type', 'bridge', 'mcast_snooping', '0']), 'first');
      socket.queue(translateIp(['link', 'set', 'dev', 'br0', 'up']), 'second');
      socket.queue(translateIp(['link', 'add', 'name', 'br0', 'type', 'bridge', 'mcast_snooping', '0']), 'duplicate');
      socket.queue(translateIp(['link', 'set', 'dev', 'lo', 'up']), 'after');
      const e = t.throws(() => socket.flush(), { instanceOf: KernelRefused });
      t.is(e?.label, 'duplicate', 'the first refused request of the batch is the one reported');
      t.regex(e?.message ?? '', /^EEXIST/);
      // The kernel went on after the refusal, as ip -batch -force would.
      const links = json(['ip', '-n', ns, '-j', 'link', 'show']) as { ifname: string; flags: string[] }[];
      t.true(links.find((l) => l.ifname === 'br0')?.flags.includes('UP'));
      t.true(links.find((l) => l.ifname === 'lo')?.flags.includes('UP'));
      // A device that does not exist fails while the line is encoded, with the kernel's words.
      const missing = t.throws(() => socket.queue(translateIp(['addr', 'add', '10.0.0.1/24', 'dev', 'nosuch0']), 'x'), { instanceOf: KernelRefused });
      t.regex(missing?.message ?? '', /^ENODEV/);
    } finally {
      socket.close();
    }
    t.throws(() => addon.netlinkSocketIn('/run/netns/ol-no-such-namespace'), { message: /ol-no-such-namespace: No such file or directory/ });
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});

prereqTest('a refused line fails the run with the line and exit code 2; sysctls are written inside the namespace', [...rootMissing, ...addonMissing], async (t) => {
  const { NetnsProvider } = await import('../../harness/providers/netns/provider.js');
  const { ResourceLedger } = await import('../../harness/core/ledger.js');
  const runId = `nl${(process.pid % 10000).toString(16)}`;
  runs.push(runId);
  const dir = join(state.root, runId);
  mkdirSync(dir, { recursive: true });
  const ledger = new ResourceLedger(dir);
  const provider = new NetnsProvider({ runId, ledger });
  await provider.createHosts([{ id: 'n1', kind: 'node' }]);
  try {
    const error = await t.throwsAsync(
      provider.runMany([{ type: 'ip', host: 'n1', lines: [['link', 'set', 'dev', 'lo', 'up'], ['route', 'add', '10.9.0.0/24', 'via', '10.8.0.1', 'dev', 'lo']] }]),
    );
    t.is((error as { exitCode?: number }).exitCode, 2);
    t.regex(error?.message ?? '', new RegExp(`configuring n1 failed: ip -n ol-${runId}\\.n1 route add 10\\.9\\.0\\.0/24 via 10\\.8\\.0\\.1 dev lo: RTNETLINK answers: ENETUNREACH`));

    // Sysctls are written inside the namespace: a new namespace inherits ip_forward from the
    // host, so it is turned off first to see the write land (and not in the host's namespace).
    const ns = `/run/netns/ol-${runId}.n1`;
    const forwarding = () => execFileSync('nsenter', [`--net=${ns}`, 'sysctl', '-n', 'net.ipv4.ip_forward'], { encoding: 'utf8' }).trim();
    const hostBefore = execFileSync('sysctl', ['-n', 'net.ipv4.ip_forward'], { encoding: 'utf8' }).trim();
    execFileSync('nsenter', [`--net=${ns}`, 'sysctl', '-qw', 'net.ipv4.ip_forward=0']);
    t.is(forwarding(), '0');
    await provider.runMany([{ type: 'sysctl', host: 'n1', settings: { 'net.ipv4.ip_forward': '1' } }]);
    t.is(forwarding(), '1');
    t.is(execFileSync('sysctl', ['-n', 'net.ipv4.ip_forward'], { encoding: 'utf8' }).trim(), hostBefore, "the host's own setting is untouched");
    const missing = await t.throwsAsync(provider.runMany([{ type: 'sysctl', host: 'n1', settings: { 'net.ipv4.no_such_setting': '1' } }]));
    t.regex(missing?.message ?? '', /configuring n1 failed: sysctl -w net\.ipv4\.no_such_setting=1: .*no_such_setting.*No such file or directory/);
  } finally {
    await provider.teardown(ledger.entries());
  }
  t.deepEqual(runNamespaces(runId), []);
});

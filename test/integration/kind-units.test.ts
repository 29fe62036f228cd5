// The kind provider's units and client, without a cluster: a real Docker network made the way
// kind makes its own (a bridge with an IPv6 ULA subnet only, Docker choosing the IPv4 subnet,
// masquerading on), the failover scenario's underlay fitted to it (providers/kind/network.ts),
// then the plan's steps of bigip1, bigip2 and the client carried out by the KindProvider, which
// hands them to the docker provider's code (containers, attachments, ip batches, nft). Judged
// from what Docker and the containers' kernels hold: each unit is on the kind-like network with
// its planned address (not the one Docker chose), the units reach each other across it, the
// client reaches each unit's external self IP over the run's own external network, and an address
// nobody holds does not answer; and a capture made the way a kind node's is (this machine's
// tcpdump in the container's network namespace) holds the units' packets. Teardown leaves no container or network of the run, and leaves
// the kind-like network, which the run did not make, alone.
//
// Needs root and a running Docker daemon (skipped otherwise, failed under CI=true); ~15 s with
// the overlab images cached.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isolateState, missingPrerequisites, prereqTest } from './_env.js';

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function dockerMissing(): string[] {
  const root = missingPrerequisites();
  if (root) return [root.replace(/^needs /, '')];
  try {
    docker('info', '--format', '{{.ServerVersion}}');
    return [];
  } catch {
    return ['a running Docker daemon (bash scripts/setup.sh --docker)'];
  }
}

const state = isolateState('kind-units');
const runId = Math.random().toString(16).slice(2, 8).padEnd(6, '0');
const KIND_LIKE = `ol-${runId}-kindlike`;
const missing = dockerMissing();

test.after.always(() => {
  state.remove();
  if (missing.length) return;
  // Safety net for a failed test: the run's objects by label, then the network this file made.
  const containers = docker('ps', '-aq', '--filter', `label=overlab.run=${runId}`).split('\n').filter(Boolean);
  if (containers.length) execFileSync('docker', ['rm', '-f', ...containers], { stdio: 'ignore' });
  const networks = docker('network', 'ls', '-q', '--filter', `label=overlab.run=${runId}`).split('\n').filter(Boolean);
  if (networks.length) execFileSync('docker', ['network', 'rm', ...networks], { stdio: 'ignore' });
  try {
    execFileSync('docker', ['network', 'rm', KIND_LIKE], { stdio: 'ignore' });
  } catch {
    // never made (the test failed before), or already gone
  }
});

prereqTest('units and the client join a network shaped like kind\'s with the planned addresses, reach each other, and leave it as it was', missing, async (t) => {
  t.timeout(5 * 60_000);
  const { loadScenarioFile } = await import('../../harness/spec/load.js');
  const { SCENARIOS_DIR } = await import('../../harness/core/paths.js');
  const { planScenario, UNDERLAY_HOST } = await import('../../harness/plan/plan.js');
  const { executePlan } = await import('../../harness/plan/execute.js');
  const { ResourceLedger } = await import('../../harness/core/ledger.js');
  const { dockerClient } = await import('../../harness/providers/docker/engine.js');
  const { KindProvider } = await import('../../harness/providers/kind/provider.js');
  const { fitUnderlayToKind, readKindNetwork, KIND_NETWORK_ENV } = await import('../../harness/providers/kind/network.js');
  const { parsePrefix, contains, parseIp } = await import('../../harness/core/ipv4.js');
  const { nodePids, spawnInNodeNetns } = await import('../../harness/providers/kind/node-capture.js');

  // As kind's network.go makes it: bridge, masquerade, MTU, IPv6 ULA subnet, IPv4 left to Docker.
  const ula = `fc00:f853:ccd:${runId.slice(0, 4)}::/64`;
  docker('network', 'create', '-d=bridge', '-o', 'com.docker.network.bridge.enable_ip_masquerade=true', '-o', 'com.docker.network.driver.mtu=1500', '--ipv6', '--subnet', ula, '--label', `overlab.test=${runId}`, KIND_LIKE);
  const net = await readKindNetwork(dockerClient(), KIND_LIKE);
  t.truthy(net, 'the network is read back from Docker');
  t.log(`kind-like network ${KIND_LIKE}: ${net!.subnet}, gateway ${net!.gateway}`);

  const declared = loadScenarioFile(join(SCENARIOS_DIR, 'failover.yaml'));
  // The external VLAN on a subnet of this run's own: this file runs beside docker.test.ts, whose
  // failover runs' external networks are 10.1.10.0/24 too (Docker refuses overlapping subnets).
  const ext = (ip: string) => ip.replace(/^10\.1\.10\./, `10.250.${parseInt(runId.slice(0, 2), 16)}.`);
  const b0 = declared.bigip!;
  const ownExternal = {
    ...declared,
    flannel: { ...declared.flannel, agent: 'kube-flannel' },
    bigip: { ...b0, external: { ...b0.external, cidr: ext(b0.external.cidr) }, units: b0.units.map((u) => ({ ...u, externalSelfIp: ext(u.externalSelfIp) })), virtualServers: b0.virtualServers.map((v) => ({ ...v, destination: ext(v.destination) })) },
    client: { ...declared.client!, ip: ext(declared.client!.ip!) },
  };
  const { spec, moved } = fitUnderlayToKind(ownExternal, net!);
  t.log(moved.map((m) => `${m.what}: ${m.from} -> ${m.to}`).join('; '));
  const plan = planScenario(spec);
  const units = plan.topology.bigip!.units;
  for (const u of units) t.true(contains(parsePrefix(net!.subnet), parseIp(u.underlayIp)), `${u.name}'s ${u.underlayIp} is in kind's ${net!.subnet}`);

  // The units' and the client's part of the plan: their hosts (and the switch's segments), links and steps.
  const mine = new Set([UNDERLAY_HOST, 'client', ...units.map((u) => u.name)]);
  const steps = plan.steps.flatMap((s) => {
    const a = s.action;
    if (a.type === 'create-hosts') return [{ ...s, action: { ...a, hosts: a.hosts.filter((h) => mine.has(h.id)) } }];
    if (a.type === 'wire') return [{ ...s, action: { ...a, links: a.links.filter((l) => mine.has(l.a.host) && mine.has(l.b.host)) } }];
    const host = 'host' in a ? a.host : undefined;
    return host && mine.has(host) && host !== UNDERLAY_HOST ? [s] : [];
  });
  const kept = new Set(steps.map((s) => s.id));
  const subPlan = { ...plan, steps: steps.map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => kept.has(d)) })) };

  const runDir = join(state.root, 'run');
  mkdirSync(runDir, { recursive: true });
  const ledger = new ResourceLedger(runDir);
  process.env[KIND_NETWORK_ENV] = KIND_LIKE;
  const provider = new KindProvider({ runId, ledger, topology: plan.topology, scenario: 'failover' });
  delete process.env[KIND_NETWORK_ENV];
  const inUnit = (host: string, ...argv: string[]) => provider.node(host).exec(argv, { allowFailure: true });
  try {
    await executePlan(subPlan, provider, { runDir, runId, ledger });

    const attached = JSON.parse(docker('network', 'inspect', KIND_LIKE, '--format', '{{json .Containers}}')) as Record<string, { Name: string; IPv4Address: string }>;
    for (const u of units) {
      const name = `ol-${runId}.${u.name}`;
      t.truthy(Object.values(attached).find((c) => c.Name === name), `${name} is attached to ${KIND_LIKE}`);
      const wire = plan.steps.flatMap((s) => (s.action.type === 'wire' ? s.action.links : [])).find((l) => l.a.host === UNDERLAY_HOST && l.b.host === u.name)!;
      const addrs = JSON.parse((await inUnit(u.name, 'ip', '-j', '-4', 'addr', 'show', 'dev', wire.b.ifname)).stdout) as { addr_info: { local: string }[] }[];
      t.deepEqual(addrs[0]!.addr_info.map((a) => a.local), [u.underlayIp], `${u.name}/${wire.b.ifname} holds the planned ${u.underlayIp} only (Docker's choice flushed)`);
    }
    const [a, b] = units;
    const ping = async (from: string, to: string) => (await inUnit(from, 'ping', '-c', '1', '-W', '2', to)).exitCode;
    // How a kind node is captured (its image has no tcpdump): this machine's tcpdump in the
    // container's network namespace, tried here on bigip1's container.
    const pid = (await nodePids(dockerClient(), [`ol-${runId}.${a!.name}`])).get(`ol-${runId}.${a!.name}`)!;
    const pcap = join(runDir, 'bigip1-eth0.pcap');
    const capture = spawnInNodeNetns(a!.name, pid, ['tcpdump', '-Z', 'root', '-i', 'eth0', '-n', '-s', '0', '-U', '--immediate-mode', '-w', pcap], ledger, { captureStderr: true });
    const said: string[] = [];
    capture.onStderrLine((l) => said.push(l));
    for (let i = 0; i < 100 && !said.some((l) => l.includes('listening on')); i++) await new Promise((r) => setTimeout(r, 50));
    t.true(said.some((l) => l.includes('listening on eth0')), said.join(' | '));
    t.is(await ping(a!.name, b!.underlayIp), 0, `${a!.name} reaches ${b!.name}'s ${b!.underlayIp} across the kind-like network`);
    await capture.stop('SIGINT', 3000);
    const wire = execFileSync('tcpdump', ['-r', pcap, '-n', 'icmp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    t.regex(wire, new RegExp(`IP ${a!.underlayIp.replaceAll('.', '\\.')} > ${b!.underlayIp.replaceAll('.', '\\.')}: ICMP echo request`), 'the capture in the container\'s namespace holds the request');
    t.regex(wire, new RegExp(`IP ${b!.underlayIp.replaceAll('.', '\\.')} > ${a!.underlayIp.replaceAll('.', '\\.')}: ICMP echo reply`), 'and the reply');
    t.is(await ping(b!.name, a!.underlayIp), 0, `${b!.name} reaches ${a!.name}'s ${a!.underlayIp}`);
    for (const u of units) t.is(await ping('client', u.externalIp), 0, `the client reaches ${u.name}'s external self IP ${u.externalIp}`);
    // The check can fail: an address of the subnet nobody holds does not answer.
    const nobody = net!.subnet.replace(/\.0\/\d+$/, '.250');
    t.not(await ping(a!.name, nobody), 0, `nobody answers for ${nobody}`);
  } finally {
    const errors = await provider.teardown(ledger.entries());
    t.deepEqual(errors.map((e) => e.message), [], 'teardown failed on nothing');
  }
  t.deepEqual(docker('ps', '-aq', '--filter', `label=overlab.run=${runId}`), '', 'no container of the run left');
  t.deepEqual(docker('network', 'ls', '-q', '--filter', `label=overlab.run=${runId}`), '', 'no network of the run left (its external VLAN)');
  t.is(docker('network', 'inspect', KIND_LIKE, '--format', '{{len .Containers}}'), '0', 'the kind-like network is still there, with nothing of the run on it');
});

// How a kind run reaches its pods: containerd keeps each pod sandbox's network namespace as a file
// in the node container's /run/netns, and the probes are this machine's tools run there
// (providers/kind/pod-netns.ts). Here a container of the node image (NET_ADMIN, SYS_ADMIN, as kind's privileged nodes have) holds two such
// files (`ip netns add`, the same bind mount containerd makes), each with a "pod" address: the
// one holding an address is found from this machine through /proc/<pid>/root, commands run in
// it see that address and not the other's, and an address no namespace holds is named.
prereqTest('pod namespaces in a node container: found by the address they hold, entered from this machine', missing, async (t) => {
  t.timeout(3 * 60_000);
  const { dockerClient } = await import('../../harness/providers/docker/engine.js');
  const { ensureImages } = await import('../../harness/providers/docker/images.js');
  const { nodePids } = await import('../../harness/providers/kind/node-capture.js');
  const { inPodNetns, netnsCandidates, netnsOfAddress } = await import('../../harness/providers/kind/pod-netns.js');
  const image = (await ensureImages(dockerClient())).tags.node;
  // Named as kind names a cluster's control plane: a later process finds it by that name.
  const name = `ol-${runId}-control-plane`;
  docker('run', '-d', '--cap-add', 'NET_ADMIN', '--cap-add', 'SYS_ADMIN', '--security-opt', 'seccomp=unconfined', '--name', name, '--label', `overlab.run=${runId}`, '--network', 'none', '--entrypoint', 'sleep', image, 'infinity');
  try {
    const pods = [
      { ns: 'cni-0b7e2a', ip: '10.217.0.2' },
      { ns: 'cni-5c19d4', ip: '10.217.0.3' },
    ];
    for (const p of pods) {
      docker('exec', name, 'ip', 'netns', 'add', p.ns);
      // As the CNI's bridge plugin does: a veth, its pod end eth0 in the sandbox's namespace.
      docker('exec', name, 'ip', 'link', 'add', `veth-${p.ns.slice(4)}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', p.ns);
      docker('exec', name, 'ip', '-n', p.ns, 'addr', 'add', `${p.ip}/24`, 'dev', 'eth0');
      docker('exec', name, 'ip', '-n', p.ns, 'link', 'set', 'eth0', 'up');
      docker('exec', name, 'ip', '-n', p.ns, 'link', 'set', 'lo', 'up'); // the CNI's loopback plugin
    }
    const pid = (await nodePids(dockerClient(), [name])).get(name)!;
    const candidates = await netnsCandidates(pid);
    t.deepEqual(candidates.map((c) => c.path.split('/').pop()).sort(), pods.map((p) => p.ns).sort(), 'the node\'s namespace files, and only those');
    for (const p of pods) {
      const found = netnsOfAddress(candidates, p.ip);
      if (!('path' in found)) return t.fail(found.problem);
      t.true(found.path.endsWith(`/${p.ns}`), found.path);
      const link = JSON.parse(docker('exec', name, 'ip', '-j', '-n', p.ns, 'link', 'show', 'dev', 'eth0')) as { address: string }[];
      t.is(found.mac, link[0]!.address, `${p.ns}'s eth0 MAC, as the kernel has it`);
      const show = inPodNetns(found.path, ['ip', '-j', '-4', 'addr', 'show', 'dev', 'eth0']);
      const seen = JSON.parse(execFileSync(show[0]!, show.slice(1), { encoding: 'utf8' })) as { addr_info: { local: string }[] }[];
      t.deepEqual(seen[0]!.addr_info.map((a) => a.local), [p.ip], `${p.ns} holds ${p.ip} only`);
      const argv = inPodNetns(found.path, ['ping', '-c', '1', '-W', '1', p.ip]);
      t.notThrows(() => execFileSync(argv[0]!, argv.slice(1), { stdio: 'ignore' }), `this machine's ping in ${p.ns} reaches ${p.ip}`);
    }
    const first = netnsOfAddress(candidates, pods[0]!.ip);
    const other = inPodNetns('path' in first ? first.path : '(none)', ['ping', '-c', '1', '-W', '1', pods[1]!.ip]);
    t.throws(() => execFileSync(other[0]!, other.slice(1), { stdio: 'ignore' }), undefined, 'a pod namespace is not the other\'s: no route to its address');
    t.deepEqual(netnsOfAddress(candidates, '10.217.0.9'), { problem: 'no network namespace of its node holds 10.217.0.9 (2 looked at)' });

    // A later process (overlab check of a kept run): the provider reads the booting process's
    // RUNDIR/kind/pod-netns.json, written with a pid that is no longer the node's, and reaches
    // master's pod through the node container's pid as Docker has it now.
    const { loadScenarioFile } = await import('../../harness/spec/load.js');
    const { SCENARIOS_DIR } = await import('../../harness/core/paths.js');
    const { planScenario } = await import('../../harness/plan/plan.js');
    const { ResourceLedger } = await import('../../harness/core/ledger.js');
    const { KindProvider } = await import('../../harness/providers/kind/provider.js');
    const declared = loadScenarioFile(join(SCENARIOS_DIR, 'failover.yaml'));
    const plan = planScenario({ ...declared, flannel: { ...declared.flannel, agent: 'kube-flannel' } });
    const runDir = join(state.root, 'later');
    mkdirSync(join(runDir, 'kind'), { recursive: true });
    const stale = ('path' in first ? first.path : '').replace(/^\/proc\/\d+\//, '/proc/999999/');
    writeFileSync(join(runDir, 'kind', 'pod-netns.json'), JSON.stringify({ 'master.nginx': stale }));
    const later = new KindProvider({ runId, ledger: new ResourceLedger(runDir), topology: plan.topology });
    later.fitPlan(plan);
    const seen = await later.node('master.nginx').exec(['ip', '-j', '-4', 'addr', 'show', 'dev', 'eth0']);
    t.deepEqual((JSON.parse(seen.stdout) as { addr_info: { local: string }[] }[])[0]!.addr_info.map((a) => a.local), [pods[0]!.ip], 'the pod as the booting process found it');
  } finally {
    execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
  }
  t.is(docker('ps', '-aq', '--filter', `name=${name}`), '', 'the container is gone');
});

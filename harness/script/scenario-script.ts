// `overlab plan <scenario> --script`: the whole scenario on netns as one bash script a user can
// read or replay by hand. The boot and configure phases are the plan's own steps (plan-steps.ts);
// the scenario's steps after them are the same commands the harness runs for them: the client's
// traffic probe, the stand-in's failover (sim's release/take/announce commands), the
// reachability probes of a snapshot, the converge wait. What only the harness does (the checks,
// captures' analysis) is a comment. A teardown on EXIT removes every namespace, process and
// directory the script made, and nothing it did not.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Plan } from '../plan/types.js';
import type { ScenarioSpec, StepSpec } from '../spec/schema.js';
import type { BigipTopology } from '../spec/topology.js';
import { CLIENT_HOST, podHostId } from '../plan/plan.js';
import { podPairs } from '../probes/pod-pairs.js';
import { udpPayload, vipProbeCommand, vipProbeCount } from '../probes/vip-reach.js';
import { simTrafficGroup } from '../devices/bigip/sim/failover.js';
import { announceCommands, releaseCommands, takeBatch } from '../devices/bigip/sim/traffic-group.js';
import { HarnessError } from '../core/errors.js';
import { heredoc, shq } from './bash.js';
import { HTTP_REQUEST } from '../probes/pod-http.js';
import { inHost, nftLines, stepLines, type ScriptEnv } from './plan-steps.js';

const PROBE_SCRIPT = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'probes', 'vip-probe.js');

/** A scenario the script cannot express: said before anything is printed (exit 2). */
export class ScriptRefusedError extends HarnessError {}

/** The scenario steps only the harness can take, and why. */
function unscriptable(step: StepSpec): string | undefined {
  if (typeof step === 'string') return undefined;
  if ('bigip-tunnel-key' in step) return 'bigip-tunnel-key remakes the stand-in\'s tunnel from the run\'s changed configuration, inside the harness';
  if ('bigip-forget-node' in step) return 'bigip-forget-node changes the units\' configuration the harness keeps for the run';
  for (const k of ['restart-flanneld', 'delete-vtep', 'flannel-vni', 'node-leave'] as const) if (k in step) return `${k} is a fault of upstream flanneld, a daemon the script does not run`;
  return undefined;
}

/** Why a plan cannot be a script, if it cannot: checked before a single line is printed. */
export function scriptRefusal(plan: Plan, spec: ScenarioSpec, provider: string): string | undefined {
  if (provider !== 'netns') return `--script writes the netns provider's commands, not ${provider}'s; drop --provider ${provider}`;
  const agent = plan.topology.flannel.agent;
  if (agent !== 'emulated') return `the flannel agent ${agent} is a daemon that programs routes, neighbours and FDB itself; the script plays flannel's agent with the emulated agent's commands: pass --agent emulated${spec.steps?.some((s) => unscriptable(s)) ? ' (this scenario\'s fault steps need flanneld, so it has no script)' : ''}`;
  const b = plan.topology.bigip;
  if (b && b.device !== 'sim') return `the BIG-IP device ${b.device} drives units with tmsh (a face and an sshd a unit); the script has the stand-in sim's commands only: use bigip.device: sim`;
  if (b?.units.some((u) => u.ssh)) return 'real BIG-IP units (an inventory) are not hosts of the testbed; the script cannot make them';
  for (const [i, step] of (spec.steps ?? []).entries()) {
    const why = unscriptable(step);
    if (why) return `steps[${i}]: ${why}; the script has no equivalent (run it with overlab scenario ${spec.name})`;
  }
  return undefined;
}

const PRELUDE = String.raw`set -euo pipefail
# System tools first: a node_modules/.bin on PATH can hold an unrelated "nft".
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
[ "$(id -u)" = 0 ] || { echo "run as root: it makes network namespaces" >&2; exit 2; }
for tool in ip bridge nsenter sysctl nft socat fping ping conntrack arping; do
  command -v "$tool" >/dev/null || { echo "missing $tool: sudo bash scripts/setup.sh installs it" >&2; exit 2; }
done
NETNS=() PIDS=() SCRATCH=()
RUNDIR=$(mktemp -d "/tmp/overlab-script-$RUN_ID.XXXXXX")
REACH_OK=0 REACH_FAILED=0

teardown() {
  local code=$?
  trap - EXIT INT TERM
  set +e
  echo "# teardown: processes, namespaces, scratch and the run directory"
  for pid in "${"${"}PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  # What the servers forked (one child a connection) and anything else left inside our namespaces.
  local ns left
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    left=0
    for ns in "${"${"}NETNS[@]}"; do
      [ -e "/run/netns/$ns" ] || continue
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null && left=1; done
    done
    [ "$left" = 0 ] && break
    sleep 0.1
  done
  for ns in "${"${"}NETNS[@]}"; do
    [ -e "/run/netns/$ns" ] && for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  done
  wait 2>/dev/null
  local i
  for ((i = ${"${"}#NETNS[@]} - 1; i >= 0; i--)); do ip netns del "${"${"}NETNS[i]}" 2>/dev/null || echo "teardown: could not delete namespace ${"${"}NETNS[i]}" >&2; done
  for dir in "${"${"}SCRATCH[@]}"; do rm -rf -- "$dir"; done
  rm -rf -- "$RUNDIR"
  exit "$code"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { date +%s%3N; }

# wait_for WHAT TIMEOUT_MS EXPECT COMMAND...: run COMMAND until it exits 0 and its output matches EXPECT (an ERE, or empty).
wait_for() {
  local what=$1 timeout=$2 expect=$3 out
  shift 3
  local end=$(($(now_ms) + timeout))
  while :; do
    if out=$("$@" 2>/dev/null) && { [ -z "$expect" ] || grep -Eq -- "$expect" <<<"$out"; }; then return 0; fi
    if (($(now_ms) > end)); then echo "timed out after $timeout ms waiting for $what" >&2; return 1; fi
    sleep 0.02
  done
}

# reach MATRIX FROM TO OK DETAIL: one line a probe, counted.
reach() {
  if [ "$4" = ok ]; then REACH_OK=$((REACH_OK + 1)); echo "reach ok   $1 $2 -> $3 ($5)"; else REACH_FAILED=$((REACH_FAILED + 1)); echo "reach FAIL $1 $2 -> $3 ($5)"; fi
}

# reach_icmp MATRIX HOST NAMESPACE TARGET...: one fping from HOST to every target, as the harness's matrices do.
reach_icmp() {
  local matrix=$1 host=$2 ns=$3 alive t
  shift 3
  alive=$(nsenter --net="/run/netns/$ns" -- fping -a -r 0 -t 1000 "$@" 2>/dev/null || true)
  for t in "$@"; do
    if grep -qx -- "$t" <<<"$alive"; then reach "$matrix" "$host" "$t" ok reply; else reach "$matrix" "$host" "$t" FAIL "no reply"; fi
  done
}

# reach_vip_tcp NAMESPACE TO MEMBERS ARGV...: the HTTP answer to $REQUEST must name a pool member.
reach_vip_tcp() {
  local ns=$1 to=$2 members=$3 out name
  shift 3
  out=$(printf '%s' "$REQUEST" | nsenter --net="/run/netns/$ns" -- "$@" 2>/dev/null || true)
  name=$(printf '%s' "$out" | tr -d '\r' | sed -n '/^$/,$p' | sed '/^$/d' | head -n 1)
  if [[ $out == "HTTP/1."?" 200 "* ]] && [[ " $members " == *" $name "* ]]; then reach client-to-vip client "$to" ok "answered by $name"; else reach client-to-vip client "$to" FAIL "answer: ${"${"}name:-none}"; fi
}

# reach_vip_udp NAMESPACE TO PAYLOAD ARGV...: the pods' echo must return the payload.
reach_vip_udp() {
  local ns=$1 to=$2 payload=$3 out
  shift 3
  out=$(printf '%s\n' "$payload" | nsenter --net="/run/netns/$ns" -- "$@" 2>/dev/null || true)
  if [ "$out" = "$payload" ]; then reach client-to-vip client "$to" ok echoed; else reach client-to-vip client "$to" FAIL "no echo"; fi
}

# The probe counts answered UDP probes sent after a time (ms): its "R seq sentAt rtt" lines.
replies_after() { awk -v t="$1" '$1 == "R" && $3 > t { n++ } END { print n + 0 }' "$RUNDIR/probe.out" 2>/dev/null || echo 0; }
`;

export function scenarioScript(plan: Plan, spec: ScenarioSpec, env: ScriptEnv): string {
  const t = plan.topology;
  const b = t.bigip;
  const out: string[] = [
    '#!/usr/bin/env bash',
    `# overlab scenario ${spec.name} on netns, as a script (overlab plan ${spec.name} --script --run-id ${env.runId}).`,
    `# Every command below is one the harness runs for this scenario; namespaces are ol-${env.runId}*.`,
    '# Needs root. Set OVERLAB_HOLD=1 to keep the testbed up before the teardown until a line is read',
    '# on stdin (Enter). The teardown (on exit, Ctrl-C or SIGTERM) removes everything the script made.',
    `RUN_ID=${shq(env.runId)}`,
    `REQUEST=$'${HTTP_REQUEST.replaceAll('\r', '\\r').replaceAll('\n', '\\n')}'`,
    PRELUDE,
    `# Not ours to take: a namespace of this run id that exists already.`,
    `for ns in ${plan.hosts.map((h) => shq(env.provider.locationOf(h.id))).join(' ')}; do`,
    `  [ ! -e "/run/netns/$ns" ] || { echo "namespace $ns exists already: choose another --run-id" >&2; trap - EXIT; rm -rf -- "$RUNDIR"; exit 2; }`,
    'done',
    '',
  ];
  let active = b?.active;
  let probing = false;
  let snapshots = 0;
  const phaseSteps = (phases: readonly string[]) => plan.steps.filter((s) => phases.includes(s.phase)).flatMap((s) => [...stepLines(s, env), '']);
  for (const step of spec.steps ?? ['boot', 'configure', 'assert', 'teardown']) {
    if (step === 'boot') out.push('### phase boot: hosts, links, addresses, devices', ...phaseSteps(['boot']));
    else if (step === 'configure') out.push('### phase configure: flannel, the units, the servers, then the readiness ping', ...phaseSteps(['configure', 'ready']), captureComment());
    else if (step === 'traffic-start' && b) {
      out.push('### traffic-start: the client\'s probe through the virtual server (UDP every interval, a TCP request every tcpInterval)', ...trafficStart(spec, b, env), '');
      probing = true;
    } else if (step === 'traffic-stop') {
      out.push('### traffic-stop', ...(probing ? trafficStop() : ['# (no traffic was started)']), '');
      probing = false;
    } else if (step === 'failover' && b && active) {
      out.push(...failoverLines(b, active, env), '');
      active = b.units.find((u) => u.name !== active)?.name;
    } else if (step === 'assert') {
      out.push(`### assert: the harness's checks judge the state (overlab scenario ${spec.name}); the script prints the probes' lines only`);
      // Without snapshots the harness probes reachability here, at the assert step.
      const ids = spec.assertions ?? ['reachability', 'mtu', 'pmtu', 'flannel-control-plane'];
      if (!snapshots && ids.includes('reachability')) out.push(...snapshotLines(plan, active, env));
      out.push('');
    }
    else if (step === 'teardown') out.push('### teardown: the trap set at the top, on exit', '');
    else if (typeof step === 'object' && 'warmup' in step) out.push(`### warmup ${step.warmup} ms`, `sleep ${(step.warmup / 1000).toFixed(3)}`, '');
    else if (typeof step === 'object' && 'snapshot' in step) {
      snapshots++;
      out.push(`### snapshot ${step.snapshot}: the reachability matrices (state is the harness's to read: ip -j, bridge -j fdb)`, ...snapshotLines(plan, active, env), '');
    }
    else if (typeof step === 'object' && 'converge' in step) {
      out.push(`### converge: a UDP reply through the VIP to a probe sent after the failover, ${step.converge.timeoutMs} ms at most`);
      out.push(probing ? `wait_for 'a UDP reply through the VIP after the failover' ${step.converge.timeoutMs} '^[1-9]' replies_after "$FAILOVER_AT" || echo "no reply through the VIP after the failover" >&2` : '# (no traffic runs: nothing to wait for)', '');
    } else if (typeof step === 'object' && 'exec' in step) out.push(`### exec on ${step.exec.host}`, `${inHost(env, step.exec.host)} ${step.exec.argv.map(shq).join(' ')}`, '');
  }
  out.push(
    'if [ -n "${OVERLAB_HOLD:-}" ]; then',
    `  echo "testbed up: namespaces ol-${env.runId}*; ip netns exec ol-${env.runId}.<host> bash to look; press Enter to tear down"`,
    '  read -r _ || true',
    'fi',
    'echo "reachability: $REACH_OK answered, $REACH_FAILED not"',
  );
  return out.join('\n') + '\n';
}

function captureComment(): string {
  return "# (the harness also captures each node's and unit's eth0 with tcpdump here and judges the pcaps; not part of the script)\n";
}

function trafficStart(spec: ScenarioSpec, b: BigipTopology, env: ScriptEnv): string[] {
  const vs = b.virtualServers[0]!;
  const tr = spec.traffic ?? { intervalMs: 10 };
  const argv = [process.execPath, PROBE_SCRIPT, vs.destination, String(vs.udpPort), String(tr.intervalMs), String(vs.tcpPort), String(tr.tcpIntervalMs ?? 100), '{runDir}/probes.json'];
  return [
    `${inHost(env, CLIENT_HOST)} ${argv.map((w) => (w === '{runDir}/probes.json' ? '"$RUNDIR/probes.json"' : shq(w))).join(' ')} >"$RUNDIR/probe.out" 2>&1 &`,
    'PROBE_PID=$!',
    'PIDS+=("$PROBE_PID")',
    `wait_for 'a first UDP reply through ${vs.destination}:${vs.udpPort}' 3000 '^[1-9]' replies_after 0 || echo "no reply through the VIP yet" >&2`,
  ];
}

function trafficStop(): string[] {
  return [
    'kill -TERM "$PROBE_PID"; wait "$PROBE_PID" || true',
    'echo "traffic: $(replies_after 0) UDP probes answered through the VIP; every probe in $RUNDIR/probes.json (removed at teardown)"',
  ];
}

/** The stand-in's `run sys failover standby`: sim's own commands (devices/bigip/sim/traffic-group.ts). */
function failoverLines(b: BigipTopology, fromName: string, env: ScriptEnv): string[] {
  const from = b.units.find((u) => u.name === fromName)!;
  const to = b.units.find((u) => u.name !== fromName)!;
  const release = releaseCommands(simTrafficGroup(b, from));
  const taking = simTrafficGroup(b, to);
  const batch = (lines: string[][]) => lines.map((l) => l.join(' ')).join('\n') + '\n';
  const out = [
    `### failover: ${from.name} releases traffic-group-1 and ${to.name} takes it (the harness does both at once), then ${to.name} announces its addresses`,
    'FAILOVER_AT=$(now_ms)',
    `${inHost(env, from.name)} ${release.first.map(shq).join(' ')} || true`,
  ];
  if (release.batch.length) out.push(...heredoc(`ip -n ${shq(env.provider.locationOf(from.name))} -force -batch -`, batch(release.batch)));
  for (const f of release.flushes) out.push(`${inHost(env, from.name)} ${f.map(shq).join(' ')} >/dev/null 2>&1 || true  # the flows it translated (none is not an error)`);
  const take = takeBatch(taking);
  if (take.length) out.push(...heredoc(`ip -n ${shq(env.provider.locationOf(to.name))} -batch -`, batch(take)));
  out.push(...nftLines({ type: 'nft', host: to.name, ruleset: taking.ruleset }, env));
  for (const argv of announceCommands(taking)) out.push(`${inHost(env, to.name)} ${argv.map(shq).join(' ')} &`, 'PIDS+=($!)');
  out.push(`echo "failover: ${from.name} -> ${to.name}"`);
  return out;
}

/** The reachability matrices of a snapshot, from the same pairs the harness probes. */
function snapshotLines(plan: Plan, active: string | undefined, env: ScriptEnv): string[] {
  const t = plan.topology;
  const ns = (h: string) => shq(env.provider.locationOf(h));
  const pods = t.nodes.flatMap((n) => n.pods.map((p) => ({ host: podHostId(n.name, p.name), ip: p.ip, node: n.name, pod: p.name })));
  const bySource = new Map<string, string[]>();
  for (const { a, b } of podPairs(pods, t).pairs) bySource.set(a.host, [...(bySource.get(a.host) ?? []), b.ip]);
  const out = [...bySource].map(([from, to]) => `reach_icmp pod-to-pod ${shq(from)} ${ns(from)} ${to.join(' ')}`);
  const b = t.bigip;
  if (!b) return out;
  for (const n of t.nodes) out.push(`reach_icmp node-to-pod ${shq(n.name)} ${ns(n.name)} ${pods.map((p) => p.ip).join(' ')}`);
  // Only the active unit probes the pods, as in the harness: a standby carries no traffic.
  if (active) out.push(`reach_icmp unit-to-pod ${shq(active)} ${ns(active)} ${pods.map((p) => p.ip).join(' ')}`);
  for (const vs of b.virtualServers) {
    const members = vs.pool.map((m) => `${m.node}/${m.pod}`).join(' ');
    for (let seq = 0; seq < vipProbeCount(vs.pool.length, 'tcp'); seq++) {
      const c = vipProbeCommand(vs.destination, vs.tcpPort, 'tcp', seq);
      out.push(`reach_vip_tcp ${ns(CLIENT_HOST)} ${shq(`${vs.destination}:${vs.tcpPort}/tcp#${seq + 1}`)} ${shq(members)} ${c.argv.map(shq).join(' ')}`);
    }
    for (let seq = 0; seq < vipProbeCount(vs.pool.length, 'udp'); seq++) {
      const c = vipProbeCommand(vs.destination, vs.udpPort, 'udp', seq);
      out.push(`reach_vip_udp ${ns(CLIENT_HOST)} ${shq(`${vs.destination}:${vs.udpPort}/udp#${seq + 1}`)} ${shq(udpPayload(seq).trimEnd())} ${c.argv.map(shq).join(' ')}`);
    }
  }
  return out;
}

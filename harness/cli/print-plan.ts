// `overlab plan`: the steps, their dependencies and the exact argv each will run. Needs no root.
import type { Plan } from '../plan/types.js';
import type { Provider } from '../providers/types.js';
import { describeArgv } from '../core/command.js';
import { hostActions } from '../plan/host-actions.js';

export function formatPlan(plan: Plan, provider: Pick<Provider, 'kind' | 'render' | 'planLines'>): string {
  const t = plan.topology;
  const out: string[] = [];
  out.push(`scenario ${plan.scenario}: ${t.nodes.length} nodes, ${t.nodes.reduce((n, x) => n + x.pods.length, 0)} pods, ${plan.hosts.length} hosts, ${plan.steps.length} steps`);
  out.push(`underlay ${t.underlay.cidr} mtu ${t.underlay.mtu}; ${t.flannel.device} VNI ${t.flannel.vni} port ${t.flannel.port} ${t.flannel.learning ? 'learning' : 'nolearning'}${t.flannel.bridged ? ' in cni0' : ''} mtu ${t.flannel.mtu}`);
  out.push('');
  out.push('nodes:');
  for (const n of t.nodes) {
    out.push(`  ${n.name} (${n.role}) underlay ${n.underlayIp} ${n.underlayMac}  podCIDR ${n.podCidr}  VTEP ${n.vtepIp} ${n.vtepMac}  cni0 ${n.gatewayIp} ${n.gatewayMac}`);
    for (const p of n.pods) out.push(`    pod ${p.name} ${p.ip} ${p.mac} mtu ${p.mtu}`);
  }
  out.push('');
  // A provider that makes more than the steps say (kind's cluster, manifest, dummy Nodes) says it first.
  if (provider.planLines) out.push(...provider.planLines(plan));
  out.push(`steps (RUN is the run id chosen when the run starts):`);
  // A host's intent is rendered by the Linux device into iproute2's words; say how the netns
  // provider carries them out.
  if (provider.kind === 'netns') out.push(`(ip -n / bridge -n lines: overlab sends the same rtnetlink requests itself when native/netns is built; otherwise, or with OVERLAB_NETNS_CONFIG=iproute2, ip -batch runs them)`);
  for (const step of plan.steps) {
    const deps = step.dependsOn.length > 6 ? `${step.dependsOn.length} steps` : step.dependsOn.join(', ') || '-';
    out.push(`[${step.phase}] ${step.id}: ${placeholders(step.title)}   (after: ${deps})`);
    if (step.action.type === 'write-files') {
      // Written by the harness itself, in the run directory: shown as the file and its content.
      for (const f of step.action.files) out.push(`    write RUNDIR/${f.path}: ${f.content.trimEnd()}`);
    } else for (const argv of hostActions(step.action).flatMap((a) => provider.render(a))) out.push(`    ${describeArgv(argv.map(placeholders))}`);
  }
  return out.join('\n');
}

/** A step's argv names the run as {run} and {runDir} (filled in when it runs); printed as the plan's RUN and RUNDIR. */
function placeholders(word: string): string {
  return word.replaceAll('{runDir}', 'RUNDIR').replaceAll('{run}', 'RUN');
}

// Options several commands share: the provider's choices, the ssh provider's inventory and host
// key policy, the kind provider's sources, the flannel agent override.
import type { ProviderOptions } from '../providers/types.js';
import { providerKinds } from '../providers/registry.js';
import { flannelAgentKinds } from '../overlay/flannel/registry.js';
import { validateSpec } from '../spec/load.js';
import type { ScenarioSpec } from '../spec/schema.js';

/** Options of the providers that reach existing machines (ssh), and the kind provider's sources. */
export interface ProviderArgs {
  inventory?: string;
  'ssh-accept-new'?: boolean;
  'flannel-manifest'?: string;
  'flannel-image'?: string;
  'flannel-cni-plugin-image'?: string;
  'pod-image'?: string;
  'kind-image'?: string;
}

export const providerOptionsOf = (args: ProviderArgs): ProviderOptions => ({
  inventory: args.inventory,
  acceptNewHostKeys: args['ssh-accept-new'],
  kind: { flannelManifest: args['flannel-manifest'], flannelImage: args['flannel-image'], cniPluginImage: args['flannel-cni-plugin-image'], podImage: args['pod-image'], nodeImage: args['kind-image'] },
});

/** The kind provider's options (ignored by the others). */
export const KIND_OPTIONS = {
  'flannel-manifest': { type: 'string', describe: 'with --provider kind: a kube-flannel.yml (default: the Go module cache\'s flannel@v0.28.9 copy, else the release URL)' },
  'flannel-image': { type: 'string', describe: 'with --provider kind: replaces the manifest\'s ghcr.io/flannel-io/flannel image' },
  'flannel-cni-plugin-image': { type: 'string', describe: 'with --provider kind: replaces the manifest\'s flannel-cni-plugin image' },
  'pod-image': { type: 'string', describe: 'with --provider kind: the pods\' image (needs socat; default: the docker provider\'s node image, loaded into the nodes)' },
  'kind-image': { type: 'string', describe: 'with --provider kind: the kind node image (default kindest/node:v1.37.0, or $OVERLAB_KIND_IMAGE)' },
} as const;
export const INVENTORY_OPTION = { type: 'string', describe: 'with --provider ssh: the inventory (YAML) of the machines that play the hosts' } as const;
export const BIGIP_INVENTORY_OPTION = { type: 'string', default: process.env.OVERLAB_BIGIP_INVENTORY, describe: 'an inventory of real BIG-IP units (VEs) by the scenario\'s unit names, driven with tmsh over SSH (default $OVERLAB_BIGIP_INVENTORY)' } as const;
export const ACCEPT_NEW_OPTION = { type: 'boolean', default: false, describe: 'with --provider ssh: record a machine\'s first host key in known_hosts (a changed key still fails)' } as const;
export const AGENT_OPTION = { type: 'string', choices: flannelAgentKinds(), describe: "who programs flannel's state: overrides the scenario's flannel.agent" } as const;
/** --provider without a default: the scenario's own provider field, else netns. */
export const PROVIDER_OPTION = { type: 'string', choices: providerKinds(), describe: 'where the hosts come from (default: the scenario\'s provider, else netns)' } as const;
export const SCENARIO_POSITIONAL = { type: 'string', describe: 'a name from `overlab list` or a path to a .yaml file' } as const;

/** The scenario with its flannel agent overridden from the command line, checked again (a fault step may need flanneld). */
export function withAgent(spec: ScenarioSpec, agent: string | undefined): ScenarioSpec {
  return agent ? validateSpec({ ...spec, flannel: { ...spec.flannel, agent } }, `${spec.name} with --agent ${agent}`) : spec;
}

/** CI: where the run directories go (instead of reports/ or $OVERLAB_REPORTS_DIR); main.ts applies it before the command runs. */
export const REPORT_DIR_OPTION = { type: 'string', describe: 'the reports directory: runs are written to (and looked up in) PATH/<scenario>/<run>/ (default reports/, or $OVERLAB_REPORTS_DIR)' } as const;
/** CI: one JUnit file where the job wants it, besides the run directory's own junit.xml. */
export const JUNIT_FILE_OPTION = { type: 'string', describe: 'also write the JUnit XML to PATH (with --all or --matrix: one file, a testsuite per run)' } as const;
/** CI: a machine-readable summary on stdout, the human lines on stderr. */
export const OUTPUT_OPTION = { type: 'string', choices: ['text', 'json'], default: 'text', describe: 'text: lines for people; json: one JSON document on stdout (shape in the README, "CI"), and the human lines go to stderr' } as const;

// The multi-machine Vagrantfile of a run, generated from the plan (pure: no I/O, golden-tested).
// One machine per node, unit, client and service host; a private_network per segment the host
// is on, with its planned address; provider blocks for docker (the run's local sshd images),
// libvirt and virtualbox (a box). Networks are provider overrides because each provider names
// them its own way: docker takes `name:` (a network the harness made, labelled, carrying the run
// id: without a name Vagrant makes `vagrant_network_<subnet>`, or silently reuses any network
// with that subnet), libvirt `libvirt__network_name`, VirtualBox `virtualbox__intnet`.
//
// Every provider names interfaces its own way too (docker: eth1 after the SSH network's eth0;
// libvirt: ens6...), so a shell provisioner renames the interface that holds each planned address
// to the plan's name (eth0, ext0), as the ssh provider requires of a machine.

export interface VagrantAttachment {
  segment: string;
  ifname: string;
  ip: string;
  prefixLength: number;
}

export interface VagrantMachine {
  name: string;
  /** The docker provider's image (an overlab image with sshd). */
  image: string;
  attachments: VagrantAttachment[];
  /** `<harness path>:<machine path>` bound read-only (flanneld; the client's node and dist/). */
  binds: string[];
}

export interface VagrantfileInput {
  runId: string;
  scenario: string;
  machines: VagrantMachine[];
  /** Segment id → the name of its network (docker network, libvirt network, VirtualBox intnet). */
  networks: Record<string, string>;
  /** The docker network SSH reaches the containers on (its port 22 published on 127.0.0.1). */
  sshNetwork: string;
  /** Private key Vagrant logs in with, and the public half's file bound into each container. */
  privateKey: string;
  authorizedKeys: string;
  /** Labels every container carries (overlab=1, overlab.run, ...: `overlab clean` finds them). */
  labels: Record<string, string>;
  /** The box of the libvirt and VirtualBox machines. */
  box: string;
  /** A run on libvirt (box.ts, libvirt.ts): what its machines' block needs beyond the box. */
  libvirt?: LibvirtRun;
}

/** What a run's libvirt machines get beyond the box: names carrying the run id, the boot, the console. */
export interface LibvirtRun {
  /** Domains and volumes are `<prefix><machine>`. */
  prefix: string;
  /** Vagrant's management network (DHCP, where SSH reaches the machines): the run's own. */
  managementNetwork: string;
  managementCidr: string;
  /** The box's kernel and initrd as this machine caches them (readable by libvirt's QEMU user). */
  kernel: string;
  initrd: string;
  cmdLine: string;
  /** Each machine's serial console is logged to `<consoleDir>/<machine>.console.log`. */
  consoleDir: string;
  /** libvirt's domain type: kvm, or qemu (emulated) where KVM is there but unusable (see README). */
  driver: 'kvm' | 'qemu';
}

/** 24 → 255.255.255.0 */
export const dottedMask = (prefixLength: number): string => {
  const bits = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
};

/** A Ruby double-quoted string literal: JSON's escapes are Ruby's, and `#{` must not interpolate. */
export const rubyString = (s: string): string => JSON.stringify(s).replace(/#(?=[{$@])/g, '\\#');
const rubyArray = (xs: readonly string[], indent: string): string =>
  xs.length === 0 ? '[]' : `[\n${xs.map((x) => `${indent}  ${rubyString(x)},`).join('\n')}\n${indent}]`;

/** Capabilities as the docker provider gives its containers, rather than --privileged. */
const DOCKER_ARGS = ['--cap-add=NET_ADMIN', '--cap-add=NET_RAW', '--cap-add=SYS_ADMIN', '--security-opt=seccomp=unconfined', '--security-opt=systempaths=unconfined', '--sysctl=net.ipv6.conf.all.disable_ipv6=0', '--sysctl=net.ipv6.conf.default.disable_ipv6=0'];

/**
 * The provisioner: each planned address's interface gets the plan's name. Every interface holding
 * one is first given a temporary name, then any other interface with a planned name (Docker's
 * eth0 on the SSH network) becomes mgmtN, then the temporary names become the plan's. Renaming
 * needs the link down: the SSH session over mgmt survives (TCP retransmits), the prefix route
 * comes back with the link. Docker's embedded-DNS nat table goes too, as on the docker provider.
 */
export function renameScript(attachments: readonly VagrantAttachment[]): string {
  const pairs = attachments.map((a) => `${a.ip}=${a.ifname}`).join(' ');
  return [
    'set -eu',
    `PLAN="${pairs}"`,
    // A VM's DHCP client would renew, and flush, by the name it started with (eth0, the underlay's
    // name from now on): stopped without its script, the management address stays as it is.
    // Only on a machine made from the box (/etc/overlab-box), never where the script is tested.
    '[ ! -e /etc/overlab-box ] || for p in $(pgrep -x dhclient); do kill -9 "$p"; done',
    'names=""; i=0',
    'for p in $PLAN; do',
    '  addr=${p%%=*}; want=${p#*=}; names="$names $want"',
    '  cur=$(ip -o -4 addr show to "$addr/32" | awk \'{print $2; exit}\')',
    '  [ -n "$cur" ] || { echo "no interface holds $addr" >&2; exit 1; }',
    '  ip link set dev "$cur" down; ip link set dev "$cur" name "oltmp$i"; i=$((i+1))',
    'done',
    'm=0',
    'for want in $names; do',
    '  if ip link show dev "$want" >/dev/null 2>&1; then ip link set dev "$want" down; ip link set dev "$want" name "mgmt$m"; ip link set dev "mgmt$m" up; m=$((m+1)); fi',
    'done',
    'i=0',
    'for want in $names; do ip link set dev "oltmp$i" name "$want"; ip link set dev "$want" up; i=$((i+1)); done',
    '[ ! -e /.dockerenv ] || nft delete table ip nat 2>/dev/null || true',
  ].join('\n');
}

function machineBlock(m: VagrantMachine, input: VagrantfileInput): string {
  // Docker takes the prefix length; vagrant-libvirt and VirtualBox a dotted netmask (libvirt refuses "24").
  const net = (a: VagrantAttachment, extra: string, dotted = false) => `override.vm.network :private_network, ip: ${rubyString(a.ip)}, netmask: ${rubyString(dotted ? dottedMask(a.prefixLength) : String(a.prefixLength))}, ${extra}`;
  const labels = Object.entries({ ...input.labels, 'overlab.host': m.name }).map(([k, v]) => `--label=${k}=${v}`);
  const i = '      ';
  return `  config.vm.define ${rubyString(m.name)} do |m|
    m.vm.provider :docker do |d, override|
      d.image = ${rubyString(m.image)}
      d.name = ${rubyString(`ol-${input.runId}.${m.name}`)}
      d.has_ssh = true
      d.remains_running = true
      # The container logs in as root with the run's key (no sudo in the image); a box keeps its own user.
      override.ssh.username = "root"
      override.ssh.private_key_path = ${rubyString(input.privateKey)}
      override.ssh.insert_key = false
      override.ssh.sudo_command = "%c"
      # Port 22 on a free port of 127.0.0.1 that Docker picks (--publish in create_args; Vagrant
      # reads it back for ssh-config), instead of Vagrant's 2222-and-up, which two runs at once
      # would both pick. In d.ports Vagrant's collision check takes the empty host port for 0, in use.
      override.vm.network :forwarded_port, id: "ssh", guest: 22, host: 2222, disabled: true
      d.volumes = ${rubyArray([`${input.authorizedKeys}:/overlab/authorized_keys:ro`, ...m.binds.map((b) => `${b}:ro`)], i)}
      d.create_args = ${rubyArray([`--network=${input.sshNetwork}`, '--publish=127.0.0.1::22', `--hostname=${m.name}`, ...DOCKER_ARGS, ...labels], i)}
${m.attachments.map((a) => `${i}${net(a, `name: ${rubyString(input.networks[a.segment]!)}`)}`).join('\n')}
    end
    m.vm.provider :libvirt do |lv, override|
      override.vm.box = ${rubyString(input.box)}
      lv.memory = 512
      lv.cpus = 1
${input.libvirt ? libvirtRunLines(m, input.libvirt, i) : ''}${m.attachments.map((a) => `${i}${net(a, `libvirt__network_name: ${rubyString(input.networks[a.segment]!.replace(/\./g, '-'))}, libvirt__dhcp_enabled: false, libvirt__forward_mode: "none"`, true)}`).join('\n')}
    end
    m.vm.provider :virtualbox do |vb, override|
      override.vm.box = ${rubyString(input.box)}
      vb.memory = 512
      vb.cpus = 1
      vb.name = ${rubyString(`ol-${input.runId}.${m.name}`)}
${m.attachments.map((a) => `${i}${net(a, `virtualbox__intnet: ${rubyString(input.networks[a.segment]!)}`, true)}`).join('\n')}
    end
    m.vm.provision "overlab-interfaces", type: "shell", privileged: true, inline: <<~'SH'
${renameScript(m.attachments).split('\n').map((l) => `${i}${l}`).join('\n')}
    SH
  end`;
}

/** A libvirt run's settings: the run's names, direct kernel boot from the cached kernel, the console log. */
function libvirtRunLines(m: VagrantMachine, lv: LibvirtRun, i: string): string {
  return [
    `lv.driver = ${rubyString(lv.driver)}`,
    `lv.default_prefix = ${rubyString(lv.prefix)}`,
    `lv.management_network_name = ${rubyString(lv.managementNetwork)}`,
    `lv.management_network_address = ${rubyString(lv.managementCidr)}`,
    `lv.kernel = ${rubyString(lv.kernel)}`,
    `lv.initrd = ${rubyString(lv.initrd)}`,
    `lv.cmd_line = ${rubyString(lv.cmdLine)}`,
    'lv.graphics_type = "none"',
    'lv.video_type = "none"',
    // The machine announces its host key here (images/box/overlab-hostkeys): read from the file, not the network.
    `lv.serial :type => "file", :source => { :path => ${rubyString(`${lv.consoleDir}/${m.name}.console.log`)} }`,
    // The box's user logs in with Vagrant's key once, then Vagrant puts a key of the machine's own in.
    'override.ssh.username = "vagrant"',
    // An emulated machine on a busy host takes minutes to its first login.
    `override.vm.boot_timeout = ${lv.driver === 'qemu' ? 900 : 300}`,
  ].map((l) => `${i}${l}\n`).join('');
}

export function renderVagrantfile(input: VagrantfileInput): string {
  return `# Generated by overlab for run ${input.runId} (scenario ${input.scenario}); \`overlab down\` or
# \`overlab clean\` destroys its machines. Providers: docker (used by overlab), libvirt, virtualbox.
Vagrant.configure("2") do |config|
  config.vm.synced_folder ".", "/vagrant", disabled: true
${input.machines.map((m) => machineBlock(m, input)).join('\n')}
end
`;
}

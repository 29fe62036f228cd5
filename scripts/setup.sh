#!/usr/bin/env bash
# Installs what overlab needs on a fresh Debian/Ubuntu machine (run as root): the kernel tools
# the netns provider drives, then the npm dependencies and the build.
set -euo pipefail
cd "$(dirname "$0")/.."
# chromium (with a font for its screenshots) and libxml2-utils (xmllint) are for the report tests:
# report.html in a headless browser, junit.xml against harness/report/junit.xsd.
# etcd-server, etcd-client (etcdctl) and iptables are for upstream flanneld (flannel.agent: flanneld): one etcd member per
# run, and flanneld's own FORWARD rules.
# openssh-server and openssh-client are for the ssh provider's tests: real sshd on test machines (never the host's own sshd).
# zsh is for the completion test: `overlab completion zsh` sourced in a real zsh.
PKGS=(iproute2 g++ make python3 util-linux procps iputils-ping fping iputils-arping tcpdump nftables conntrack socat tshark chromium fonts-dejavu-core libxml2-utils etcd-server etcd-client iptables openssh-server openssh-client zsh)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; the answer does not matter for root.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
# Upstream flanneld, built with Go at the pinned tag into /var/cache/overlab (reused when present).
bash scripts/build-flanneld.sh
# Named namespaces are bind mounts on files in /run/netns. /run is a tmpfs on systemd hosts; where
# it is on disk (some VMs), ext4 allocates an inode for every namespace's file, scanning past the
# recently deleted ones, and a 50x4 testbed boots twice as slowly (~0.9 s against ~0.45 s). Give
# /run/netns the tmpfs a standard host has, unless it already holds namespaces (then nothing is
# changed; `overlab doctor` says so). `umount /run/netns` undoes it; a reboot forgets it.
mkdir -p /run/netns
# stat -f: the filesystem actually seen there (findmnt lists every mount stacked on the path).
if [ "$(stat -f -c %T /run/netns)" != tmpfs ]; then
  if [ -z "$(ls -A /run/netns)" ]; then
    mount -t tmpfs -o mode=0755,nosuid,nodev,noexec tmpfs /run/netns
    echo "setup: /run is not a tmpfs here: mounted a tmpfs on /run/netns (namespaces are created ~2x faster)"
  else
    echo "setup: /run/netns is on $(stat -f -c %T /run/netns) and holds namespaces: left as it is (namespace creation is slower there)"
  fi
fi
# --docker: also what the docker provider needs, and a running dockerd.
if [ "${1:-}" = "--docker" ] || [ "${1:-}" = "--libvirt" ]; then bash scripts/setup-docker.sh; fi
# --libvirt: also libvirtd, QEMU/KVM and qemu-img for the vagrant provider's libvirt machines.
if [ "${1:-}" = "--libvirt" ]; then bash scripts/setup-libvirt.sh; fi
echo "setup: done"

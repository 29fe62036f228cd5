#!/usr/bin/env bash
# What the vagrant provider's libvirt machines need on a Debian machine (run as root), on top of
# `setup.sh --docker` (vagrant, vagrant-libvirt, docker for the box's root image): libvirtd and
# QEMU/KVM, qemu-img (the box's qcow2 disk), dnsmasq (libvirt's DHCP on Vagrant's management
# network), e2fsprogs (mke2fs -d writes the box's file system without a mount). Starts virtlogd
# and libvirtd when none answers (this CI machine has no systemd), and makes libvirt's `default`
# storage pool (where vagrant-libvirt puts box images and machine disks) when it is missing.
# Called by `scripts/setup.sh --libvirt`.
set -euo pipefail
missing=()
command -v libvirtd >/dev/null 2>&1 || missing+=(libvirt-daemon-system)
command -v virsh >/dev/null 2>&1 || missing+=(libvirt-clients)
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
command -v qemu-img >/dev/null 2>&1 || missing+=(qemu-utils)
command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] || missing+=(dnsmasq-base)
command -v mke2fs >/dev/null 2>&1 || missing+=(e2fsprogs)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-libvirt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -c /dev/kvm ]; then
  echo "setup-libvirt: no /dev/kvm: libvirt machines would be emulated (slow); the libvirt tests skip" >&2
elif [ "$(stat -c %G /dev/kvm)" != kvm ]; then
  # What Debian's udev rule does (there is no udev here): libvirt's QEMU runs as libvirt-qemu, in group kvm.
  chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
  echo "setup-libvirt: /dev/kvm given to group kvm (0660), as udev would"
fi
if ! virsh -c qemu:///system version >/dev/null 2>&1; then
  pgrep -x virtlogd >/dev/null || virtlogd -d
  libvirtd -d
  for _ in $(seq 1 40); do virsh -c qemu:///system version >/dev/null 2>&1 && break; sleep 0.25; done
fi
virsh -c qemu:///system version >/dev/null || { echo "setup-libvirt: libvirtd does not answer on qemu:///system" >&2; exit 1; }
if ! virsh -c qemu:///system pool-info default >/dev/null 2>&1; then
  mkdir -p /var/lib/libvirt/images
  virsh -c qemu:///system pool-define-as default dir --target /var/lib/libvirt/images >/dev/null
  virsh -c qemu:///system pool-autostart default >/dev/null
fi
case "$(virsh -c qemu:///system pool-info default)" in *running*) ;; *) virsh -c qemu:///system pool-start default >/dev/null ;; esac
echo "setup-libvirt: libvirtd $(virsh -c qemu:///system version | awk '/Running hypervisor/ {print $3, $4}'), storage pool default at /var/lib/libvirt/images"

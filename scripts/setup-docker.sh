#!/usr/bin/env bash
# What the docker provider needs on a fresh Debian machine (run as root): docker.io and debootstrap
# (the images are built locally from Debian packages; no registry is needed), and a running
# dockerd. When no daemon answers, one is started in the background for a testbed: no iptables
# rules, no masquerading, no default bridge (the testbed's networks are internal), and the vfs
# storage driver when overlay2 does not work here (OVERLAB_DOCKER_STORAGE=vfs forces it).
# Its log: /var/log/overlab-dockerd.log. Called by `scripts/setup.sh --docker`.
# Also vagrant (Debian's 2.3.4 ships the docker provider the vagrant provider drives) and the
# vagrant-libvirt plugin, with which `vagrant validate` checks the generated libvirt block.
set -euo pipefail
LOG=/var/log/overlab-dockerd.log
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v vagrant >/dev/null 2>&1 || missing+=(vagrant)
dpkg -s vagrant-libvirt >/dev/null 2>&1 || missing+=(vagrant-libvirt)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-docker: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d may forbid starting services here; this script starts dockerd itself.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
  echo "setup-docker: dockerd is running ($(docker info -f 'Docker {{.ServerVersion}}, storage {{.Driver}}'))"
  exit 0
fi

start() {
  echo "setup-docker: starting dockerd $*" | tee -a "$LOG"
  setsid nohup dockerd --iptables=false --ip-masq=false --bridge=none "$@" >>"$LOG" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 1 120); do
    if docker info >/dev/null 2>&1; then
      echo "setup-docker: dockerd $pid is up ($(docker info -f 'Docker {{.ServerVersion}}, storage {{.Driver}}'))"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "setup-docker: dockerd $pid exited; its log ends with:" >&2
      tail -n 15 "$LOG" >&2
      return 1
    fi
    sleep 0.25
  done
  echo "setup-docker: dockerd $pid did not answer within 30 s; stopping it" >&2
  kill "$pid" 2>/dev/null || true
  return 1
}

if [ "${OVERLAB_DOCKER_STORAGE:-}" = vfs ]; then
  start --storage-driver=vfs
else
  start || { echo "setup-docker: retrying with the vfs storage driver"; start --storage-driver=vfs; }
fi

#!/usr/bin/env bash
# Installs what overlab needs on a fresh Debian/Ubuntu machine (run as root): the kernel tools
# the netns provider drives, then the npm dependencies and the build.
set -euo pipefail
cd "$(dirname "$0")/.."
# chromium (with a font for its screenshots) and libxml2-utils (xmllint) are for the report tests:
# report.html in a headless browser, junit.xml against harness/report/junit.xsd.
PKGS=(iproute2 g++ make python3 util-linux procps iputils-ping iputils-arping tcpdump nftables conntrack socat tshark chromium fonts-dejavu-core libxml2-utils)
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
# --docker: also what the docker provider needs, and a running dockerd.
if [ "${1:-}" = "--docker" ]; then bash scripts/setup-docker.sh; fi
echo "setup: done"

#!/usr/bin/env bash
# Builds upstream flanneld at the tag pinned in tools/flanneld/go.mod, with the Go toolchain
# (/usr/local/go or PATH), into a machine-wide cache that every checkout reuses:
# /var/cache/overlab/flanneld/<tag>-<hash of tools/flanneld>/flanneld. Rebuilt only when the pin
# or the build module changes; the Go module and build caches (GOMODCACHE, GOCACHE) make a rebuild
# quick. OVERLAB_FLANNELD=/path/to/flanneld skips the build (that binary is used instead).
# Without Go it says so and exits 0 (runs then use `flannel.agent: emulated`), except under
# CI=true, where real flanneld is part of what is tested.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${OVERLAB_FLANNELD:-}" ]; then
  echo "build-flanneld: OVERLAB_FLANNELD=$OVERLAB_FLANNELD, nothing to build"
  exit 0
fi
pin=$(sed -n 's#^require github.com/flannel-io/flannel \(v[0-9.]*\)$#\1#p' tools/flanneld/go.mod)
# The files that make the binary, listed once (harness/overlay/flannel/flanneld/binary.ts reads the same list).
key=$(cd tools/flanneld && cat $(cat BUILD_INPUTS) | sha256sum | cut -c1-12)
dir="${OVERLAB_CACHE_DIR:-/var/cache/overlab}/flanneld/${pin}-${key}"
if [ -x "$dir/flanneld" ]; then
  echo "build-flanneld: flanneld $pin cached at $dir/flanneld"
  exit 0
fi
go=$(command -v go || true)
[ -n "$go" ] || { [ -x /usr/local/go/bin/go ] && go=/usr/local/go/bin/go; } || true
if [ -z "$go" ]; then
  echo "build-flanneld: no Go toolchain (install Go, or set OVERLAB_FLANNELD); scenarios will use flannel.agent: emulated" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi
echo "build-flanneld: building flanneld $pin with $($go version | cut -d' ' -f3) (cgo on; ~2 min cold)"
mkdir -p "$dir"
(cd tools/flanneld && CGO_ENABLED=1 GOFLAGS=-mod=readonly "$go" build -trimpath \
  -ldflags "-s -w -X github.com/flannel-io/flannel/pkg/version.Version=$pin" -o "$dir/flanneld.tmp" github.com/flannel-io/flannel)
mv "$dir/flanneld.tmp" "$dir/flanneld"
echo "build-flanneld: flanneld $("$dir/flanneld" --version 2>&1) at $dir/flanneld"

#!/usr/bin/env bash
# Builds the kind binary at the release the kind provider is written against
# (harness/providers/kind/kind-cli.ts KIND_RELEASE) with `go install` through the Go module proxy,
# into a machine-wide cache every checkout reuses: /var/cache/overlab/kind/<tag>/kind
# (~1 min cold on 2 cores, nothing when cached), and the CNI bridge plugin kind's node image lacks
# (~10 s). OVERLAB_KIND=/path/to/kind skips the build.
# kind alone does not make a cluster here: it also needs a node image (kindest/node) in the Docker
# engine, which needs a registry or `docker load`; `overlab doctor --provider kind` says what is missing.
# Not run by CI: without a node image the kind binary has nothing to run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${OVERLAB_KIND:-}" ]; then
  echo "build-kind: OVERLAB_KIND=$OVERLAB_KIND, nothing to build"
  exit 0
fi
tag=$(sed -n "s/^export const KIND_RELEASE = '\(v[0-9.]*\)';$/\1/p" harness/providers/kind/kind-cli.ts)
[ -n "$tag" ] || { echo "build-kind: cannot read KIND_RELEASE from harness/providers/kind/kind-cli.ts" >&2; exit 1; }
dir="${OVERLAB_CACHE_DIR:-/var/cache/overlab}/kind/${tag}"
# The CNI bridge plugin flannel delegates to, which kind's node image lacks (the cluster config
# mounts it into every node), at the release kind builds its own plugins at, static.
cni=$(sed -n "s/^export const CNI_PLUGINS_RELEASE = '\(v[0-9.]*\)';$/\1/p" harness/providers/kind/kind-cli.ts)
[ -n "$cni" ] || { echo "build-kind: cannot read CNI_PLUGINS_RELEASE from harness/providers/kind/kind-cli.ts" >&2; exit 1; }
if [ -x "$dir/kind" ] && [ -x "$dir/cni-plugins-$cni/bridge" ]; then
  echo "build-kind: kind $tag and the CNI bridge plugin $cni cached in $dir"
  exit 0
fi
go=$(command -v go || true)
[ -n "$go" ] || { [ -x /usr/local/go/bin/go ] && go=/usr/local/go/bin/go; } || true
[ -n "$go" ] || { echo "build-kind: no Go toolchain; install Go, or set OVERLAB_KIND" >&2; exit 1; }
mkdir -p "$dir"
if [ ! -x "$dir/kind" ]; then
  echo "build-kind: building kind $tag with $($go version | cut -d' ' -f3)"
  rm -rf "$dir/.kind.tmp" && mkdir -p "$dir/.kind.tmp"
  GOBIN="$dir/.kind.tmp" GOFLAGS=-mod=mod "$go" install "sigs.k8s.io/kind@$tag"
  mv "$dir/.kind.tmp/kind" "$dir/kind" && rmdir "$dir/.kind.tmp"
fi
if [ ! -x "$dir/cni-plugins-$cni/bridge" ]; then
  echo "build-kind: building the CNI bridge plugin $cni"
  rm -rf "$dir/.cni.tmp" && mkdir -p "$dir/.cni.tmp"
  GOBIN="$dir/.cni.tmp" CGO_ENABLED=0 GOFLAGS=-mod=mod "$go" install "github.com/containernetworking/plugins/plugins/main/bridge@$cni"
  mkdir -p "$dir/cni-plugins-$cni" && mv "$dir/.cni.tmp/bridge" "$dir/cni-plugins-$cni/bridge" && rmdir "$dir/.cni.tmp"
fi
echo "build-kind: $("$dir/kind" version) at $dir/kind; CNI bridge plugin $cni at $dir/cni-plugins-$cni/bridge"

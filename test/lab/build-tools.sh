#!/usr/bin/env bash
# Builds the lab's real upstream programs from their Go modules at the versions pinned in
# test/lab/tools/*/go.mod. A binary is rebuilt only when its module files change (the key is a hash
# of go.mod + go.sum + sources), so a second run takes no time. Binaries live outside the work tree
# (LIFEBOAT_LAB_CACHE, default ~/.cache/lifeboat-lab) so fresh clones on the same machine reuse them;
# Go's own module and build caches stay where Go keeps them by default.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${LIFEBOAT_LAB_CACHE:-$HOME/.cache/lifeboat-lab}"
mkdir -p "$cache/bin"
export GOFLAGS="${GOFLAGS:--buildvcs=false} -mod=mod"
export CGO_ENABLED=0

# name | tools module dir | main package
targets=(
  "etcd|etcd|lifeboat.local/lab/tools/etcd"
  "kube-apiserver|kubernetes|k8s.io/kubernetes/cmd/kube-apiserver"
  "kube-controller-manager|kubernetes|k8s.io/kubernetes/cmd/kube-controller-manager"
  "velero|velero|github.com/vmware-tanzu/velero/cmd/velero"
  "velero-plugin-for-aws|velero-plugin-for-aws|github.com/vmware-tanzu/velero-plugin-for-aws/velero-plugin-for-aws"
  "minio|minio|github.com/minio/minio"
  "fake-gcs-server|fake-gcs-server|github.com/fsouza/fake-gcs-server"
)
only="${1:-}"
for t in "${targets[@]}"; do
  IFS='|' read -r name dir pkg <<<"$t"
  if [ -n "$only" ] && [ "$only" != "$name" ]; then continue; fi
  ldflags="-s -w"
  case "$name" in
    velero)
      v=$(grep -oE 'github.com/vmware-tanzu/velero v[0-9.]+' "$here/tools/$dir/go.mod" | head -1 | awk '{print $2}')
      ldflags="$ldflags -X github.com/vmware-tanzu/velero/pkg/buildinfo.Version=$v" ;;
    kube-apiserver|kube-controller-manager)
      # Stamp the version as Kubernetes' own release build does, so /version reports it.
      v=$(grep -oE 'k8s.io/kubernetes v[0-9.]+' "$here/tools/$dir/go.mod" | head -1 | awk '{print $2}')
      minor=$(echo "$v" | cut -d. -f2)
      pkg_v=k8s.io/component-base/version
      ldflags="$ldflags -X $pkg_v.gitVersion=$v -X $pkg_v.gitMajor=1 -X $pkg_v.gitMinor=$minor -X $pkg_v.gitTreeState=clean -X $pkg_v.buildDate=2026-01-01T00:00:00Z" ;;
  esac
  key=$( (cd "$here/tools/$dir" && cat $(ls go.mod go.sum *.go 2>/dev/null); echo "$ldflags") | sha256sum | cut -c1-16)
  out="$cache/bin/$name-$key"
  if [ -x "$out" ]; then
    ln -sf "$out" "$cache/bin/$name"
    continue
  fi
  echo "lab: building $name from $pkg (first build of this version; Go caches make later ones fast)" >&2
  start=$(date +%s)
  (cd "$here/tools/$dir" && go build -trimpath -ldflags "$ldflags" -o "$out.tmp" "$pkg")
  mv "$out.tmp" "$out"
  ln -sf "$out" "$cache/bin/$name"
  find "$cache/bin" -maxdepth 1 -type f -name "$name-????????????????" ! -path "$out" -delete
  echo "lab: built $name in $(( $(date +%s) - start ))s" >&2
done

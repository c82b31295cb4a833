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
  "velero-restore-helper|velero|github.com/vmware-tanzu/velero/cmd/velero-restore-helper"
  "velero-plugin-for-aws|velero-plugin-for-aws|github.com/vmware-tanzu/velero-plugin-for-aws/velero-plugin-for-aws"
  "minio|minio|github.com/minio/minio"
  "fake-gcs-server|fake-gcs-server|github.com/fsouza/fake-gcs-server"
  "kubelet-stream|kubelet-stream|lifeboat.local/lab/tools/kubelet-stream"
  "kubectl|kubernetes|k8s.io/kubernetes/cmd/kubectl"
  "kustomize|kustomize|sigs.k8s.io/kustomize/kustomize/v5"
)
only="${1:-}"

# The real KOTS, v1.131.4: the kots CLI (kubectl-kots), the admin console server (kotsadm), its
# database (rqlited v8.43.4) and the migrations tool its init containers run (kubectl-schemahero and
# its rqlite driver). The module proxy refuses github.com/replicatedhq/kots (and the schemahero and
# rqlite versions it pins), so they are built from the upstream source trees kept beside the
# repository (LIFEBOAT_UPSTREAM_SRC: the folder holding kots-v1.131.4/, schemahero/ and
# rqlite-v8.43.4/), copied to a writable folder first, with kots's go.mod pointed at the schemahero
# source. Tags, CGO_ENABLED=0 and the version stamp are those of kots's own Makefile, so
# `kubectl kots version` prints v1.131.4.
#
# The lab's license key: a license is accepted only when its key signature verifies against one of
# the global keys compiled into kots (kotskinds pkg/crypto/signature.go, PublicKeysRSA, used by
# pkg/license/signature.go at v1.131.4). `go build -overlay` adds one file to that package that
# registers the lab's key (generated once into the cache); no source file is edited. The lab signs
# its license with the private half (test/lab/kotsinstall/license.ts).
#
# Also installs kots's deploy/assets (the kotsadm image's /scripts) and migrations/tables (the
# migrations image's /tables) into the cache.
LAB_LICENSE_KEY_ID=lifeboat-lab-global
build_kots() {
  local upstream="${LIFEBOAT_UPSTREAM_SRC:-$here/../../../shared/upstream}"
  local src="$upstream/kots-v1.131.4"
  if [ ! -f "$src/go.mod" ] || [ ! -d "$upstream/schemahero" ] || [ ! -d "$upstream/rqlite-v8.43.4" ]; then
    echo "lab: the kots v1.131.4, schemahero and rqlite v8.43.4 sources are not at $upstream (set LIFEBOAT_UPSTREAM_SRC to the folder holding kots-v1.131.4/, schemahero/ and rqlite-v8.43.4/)" >&2
    exit 1
  fi
  local keydir="$cache/lab-license"
  if [ ! -f "$keydir/global.key" ]; then
    mkdir -p "$keydir" && chmod 700 "$keydir"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$keydir/global.key.tmp" 2>/dev/null
    openssl pkey -in "$keydir/global.key.tmp" -pubout -out "$keydir/global.pub"
    mv "$keydir/global.key.tmp" "$keydir/global.key"
  fi
  local tags='netgo containers_image_ostree_stub exclude_graphdriver_devicemapper exclude_graphdriver_btrfs containers_image_openpgp'
  local ld="-s -w -X github.com/replicatedhq/kots/pkg/buildversion.version=v1.131.4 -X github.com/replicatedhq/kots/pkg/buildversion.gitSHA=e229462f208dab54168e9e92ef331d11fdbbe1a3"
  local key
  key=$( (cat "$src/go.mod" "$src/go.sum" "$upstream/schemahero/go.mod" "$upstream/rqlite-v8.43.4/go.mod" "$keydir/global.pub"; echo "$tags $ld v2") | sha256sum | cut -c1-16)
  local stamp="$cache/bin/.kots-$key"
  if [ ! -f "$stamp" ]; then
    echo "lab: building kubectl-kots, kotsadm (v1.131.4), rqlited and schemahero from source (first build takes many minutes; Go caches make later ones fast)" >&2
    local start work="$cache/upstream-src"
    start=$(date +%s)
    mkdir -p "$work"
    for s in kots-v1.131.4 schemahero rqlite-v8.43.4; do rm -rf "${work:?}/$s"; cp -r "$upstream/$s" "$work/$s"; chmod -R u+w "$work/$s"; done
    (cd "$work/kots-v1.131.4" && go mod edit \
      -replace "github.com/schemahero/schemahero=$work/schemahero" \
      -replace "github.com/schemahero/schemahero/plugins/rqlite=$work/schemahero/plugins/rqlite" \
      -replace "github.com/schemahero/schemahero/plugins/postgres=$work/schemahero/plugins/postgres")
    # Go refuses overlays of files in its module cache, so kotskinds (at the version kots pins) is
    # used from a verbatim copy beside the sources, and the overlay adds the key file to that copy.
    local kk="$work/kotskinds"
    local kkmod
    # `go mod download` first: on a cold module cache `go list -m` names no directory.
    kkmod=$(cd "$work/kots-v1.131.4" && GOFLAGS=-mod=mod go mod download -json github.com/replicatedhq/kotskinds | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
    if [ -z "$kkmod" ] || [ ! -f "$kkmod/go.mod" ]; then
      echo "lab: could not download github.com/replicatedhq/kotskinds (the version kots v1.131.4 pins) from the Go module proxy" >&2
      exit 1
    fi
    rm -rf "$kk"
    cp -r "$kkmod" "$kk"
    chmod -R u+w "$kk"
    (cd "$work/kots-v1.131.4" && go mod edit -replace "github.com/replicatedhq/kotskinds=$kk")
    { printf 'package crypto\n\n// Added by the Lifeboat lab build (go build -overlay): the lab license key.\nfunc init() {\n\tPublicKeysRSA["%s"] = []byte(`' "$LAB_LICENSE_KEY_ID"; cat "$keydir/global.pub"; printf '`)\n}\n'; } > "$keydir/lab_key.go"
    printf '{"Replace":{"%s/pkg/crypto/zz_lifeboat_lab_key.go":"%s/lab_key.go"}}\n' "$kk" "$keydir" > "$keydir/overlay.json"
    local out="$cache/bin/kots-$key"
    mkdir -p "$out"
    (cd "$work/kots-v1.131.4" && GOFLAGS=-mod=mod go build -overlay "$keydir/overlay.json" -tags "$tags" -ldflags "$ld" -o "$out/" ./cmd/kots ./cmd/kotsadm)
    mv "$out/kots" "$out/kubectl-kots"
    # rqlite embeds SQLite through cgo (github.com/rqlite/go-sqlite3), so it alone is built with cgo.
    (cd "$work/rqlite-v8.43.4" && CGO_ENABLED=1 GOFLAGS=-mod=mod go build -ldflags "-s -w" -o "$out/rqlited" ./cmd/rqlited)
    (cd "$work/schemahero" && GOFLAGS=-mod=mod go build -ldflags "-s -w" -o "$out/kubectl-schemahero" ./cmd/kubectl-schemahero)
    (cd "$work/schemahero/plugins/rqlite" && GOFLAGS=-mod=mod go build -ldflags "-s -w" -o "$out/schemahero-rqlite" .)
    find "$cache/bin" -maxdepth 1 \( -name "kubectl-kots-????????????????" -o -name "kots-????????????????" -o -name ".kots-????????????????" \) ! -path "$out" -exec rm -rf {} +
    touch "$stamp"
    echo "lab: built the kots programs in $(( $(date +%s) - start ))s" >&2
  fi
  for b in kubectl-kots kotsadm rqlited kubectl-schemahero schemahero-rqlite; do ln -sfn "$cache/bin/kots-$key/$b" "$cache/bin/$b"; done
  rm -rf "$cache/kots-assets.tmp" && cp -r "$src/deploy/assets" "$cache/kots-assets.tmp" && chmod -R a+rX,u+w "$cache/kots-assets.tmp"
  rm -rf "$cache/kots-assets" && mv "$cache/kots-assets.tmp" "$cache/kots-assets"
  rm -rf "$cache/kots-tables.tmp" && cp -r "$src/migrations/tables" "$cache/kots-tables.tmp" && chmod -R a+rX,u+w "$cache/kots-tables.tmp"
  rm -rf "$cache/kots-tables" && mv "$cache/kots-tables.tmp" "$cache/kots-tables"
}
# The kots programs and the other tools are independent builds: with nothing named, they run side by
# side, so one's module downloads, links and rqlite's single-threaded cgo compile fill the core the
# other leaves idle. The Go build and module caches are safe to share between concurrent builds.
kots_pid=
if [ -z "$only" ]; then
  build_kots &
  kots_pid=$!
elif [ "$only" = "kubectl-kots" ] || [ "$only" = "kots" ]; then
  build_kots
fi

for t in "${targets[@]}"; do
  IFS='|' read -r name dir pkg <<<"$t"
  if [ -n "$only" ] && [ "$only" != "$name" ]; then continue; fi
  ldflags="-s -w"
  case "$name" in
    velero)
      v=$(grep -oE 'github.com/vmware-tanzu/velero v[0-9.]+' "$here/tools/$dir/go.mod" | head -1 | awk '{print $2}')
      ldflags="$ldflags -X github.com/vmware-tanzu/velero/pkg/buildinfo.Version=$v" ;;
    kube-apiserver|kube-controller-manager|kubectl)
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
if [ -n "$kots_pid" ] && ! wait "$kots_pid"; then
  echo "lab: building the kots programs failed (its messages are above)" >&2
  exit 1
fi

#!/usr/bin/env bash
# What `npm test` and `npm run demo` need on a fresh Debian machine with Node and Go, installed
# here so that those two commands are the whole set-up: the Debian packages the lab runs
# (docker-registry, skopeo, htpasswd from apache2-utils, Chromium for the browser tests, openssl for
# the lab's certificates, bubblewrap for the kubelet's sandboxes, s3cmd for kots's bucket-check
# scripts) and the npm packages. As root it installs them; otherwise it stops and names the command.
# The lab's Go programs are built by test/lab/build-tools.sh, which both commands run next.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(docker-registry skopeo apache2-utils chromium openssl bubblewrap s3cmd)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Lifeboat needs these Debian packages: ${missing[*]}. Run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "prepare: installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for t in node go; do
  command -v "$t" >/dev/null || { echo "Lifeboat needs $t on PATH (Node 20 and Go >= 1.26): install it, then run this again." >&2; exit 1; }
done

# npm packages: installed when missing or older than the lock file. Electron's own binary is a
# download from outside the npm registry; where it cannot be fetched, npm ci is retried without it
# and Lifeboat runs in web mode (the Electron specs then skip with their reason).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "prepare: npm ci"
  if ! npm ci --no-audit --no-fund; then
    echo "prepare: npm ci failed; trying again without Electron's binary download (web mode only)"
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
fi

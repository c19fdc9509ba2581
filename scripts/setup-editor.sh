#!/usr/bin/env bash
# One command from a fresh machine (apt and npm only, as root) to a real VS Code for the
# integration suite and the UI check: Debian's Chromium and the packages code-server's
# native modules build against, then code-server itself in a folder of its own. Safe to run
# again: each step is skipped when its result is already there.
#
# code-server 4.100.3 is VS Code 1.100 and the newest release whose engines.node is 20.
# See ../shared/REAL-EDITOR.md for the recipe this follows.
set -euo pipefail
cd "$(dirname "$0")/.."

CODE_SERVER_VERSION=4.100.3
CODE_SERVER_DIR=.vscode-test/code-server
# What code-server 4.100.3 pins: @vscode/ripgrep 1.15.11, whose postinstall looks for this
# archive in its cache before it tries to download one (and downloads fail here).
RIPGREP_PACKAGE_VERSION=1.15.11
RIPGREP_ARCHIVE=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
APT_PACKAGES=(libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config ripgrep chromium)

# On a shared machine another apt (unattended-upgrades, a second setup) may hold the package
# system's locks: wait for it, up to a bound, instead of failing at once.
APT_LOCK_WAIT_SECONDS=600
APT_LOCK_POLL_SECONDS=5
DPKG_LOCKS=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock)
# `apt-get update` takes this lock instead, and apt (2.6) applies DPkg::Lock::Timeout only to
# the dpkg locks, so the wait for it is ours.
LISTS_LOCK=/var/lib/apt/lists/lock
# apt-get waits for the dpkg locks itself; at -qq silently, so the messages below say who holds them.
APT_GET=(apt-get -qq -o "DPkg::Lock::Timeout=$APT_LOCK_WAIT_SECONDS")

seconds() { date +%s; }

# Who holds any of the given lock files, as `1234 (apt-get)`, comma-separated; empty when none.
lock_holders() {
  { lslocks --noheadings --raw --output PID,COMMAND,PATH 2>/dev/null || true; } |
    awk -v locks="$*" '
      BEGIN { n = split(locks, paths, " "); for (i = 1; i <= n; i++) wanted[paths[i]] = 1 }
      wanted[$3] && !seen[$1]++ { printf "%s%s (%s)", (count++ ? ", " : ""), $1, $2 }'
}

# Waits until no process holds the lists lock, checking every few seconds; fails after the bound.
wait_for_lists_lock() {
  local deadline=$(($(seconds) + APT_LOCK_WAIT_SECONDS)) holders announced=""
  while holders=$(lock_holders "$LISTS_LOCK") && [[ -n "$holders" ]]; do
    if (($(seconds) >= deadline)); then
      echo "setup-editor: gave up after $((APT_LOCK_WAIT_SECONDS / 60)) minutes: $holders still holds $LISTS_LOCK; run npm run setup:editor again when it has finished" >&2
      exit 1
    fi
    if [[ "$holders" != "$announced" ]]; then
      echo "setup-editor: $holders holds $LISTS_LOCK; waiting for it (up to $((APT_LOCK_WAIT_SECONDS / 60)) minutes, checking every $APT_LOCK_POLL_SECONDS s)"
      announced=$holders
    fi
    sleep "$APT_LOCK_POLL_SECONDS"
  done
}

# apt-get install, waiting for the dpkg locks through DPkg::Lock::Timeout; says who it waits for,
# and says so plainly when the bound passes.
install_packages() {
  local holders
  holders=$(lock_holders "${DPKG_LOCKS[@]}")
  if [[ -n "$holders" ]]; then
    echo "setup-editor: $holders holds the dpkg lock; apt-get waits for it (up to $((APT_LOCK_WAIT_SECONDS / 60)) minutes)"
  fi
  if ! "${APT_GET[@]}" install -y "$@" >/dev/null; then
    holders=$(lock_holders "${DPKG_LOCKS[@]}")
    if [[ -n "$holders" ]]; then
      echo "setup-editor: gave up after $((APT_LOCK_WAIT_SECONDS / 60)) minutes: $holders still holds the dpkg lock; run npm run setup:editor again when it has finished" >&2
    fi
    exit 1
  fi
}

step_started=$(seconds)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "setup-editor: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  wait_for_lists_lock
  "${APT_GET[@]}" update
  install_packages "${missing[@]}"
fi
echo "setup-editor: Debian packages ready in $(($(seconds) - step_started)) s"

step_started=$(seconds)
ripgrep_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}"
if [[ ! -s "$ripgrep_cache/$RIPGREP_ARCHIVE" ]]; then
  staging=$(mktemp -d)
  cp /usr/bin/rg "$staging/rg"
  mkdir -p "$ripgrep_cache"
  tar -czf "$ripgrep_cache/$RIPGREP_ARCHIVE" -C "$staging" rg
  rm -rf "$staging"
fi

installed_version=$(node -p "try { require('./$CODE_SERVER_DIR/node_modules/code-server/package.json').version } catch { '' }")
if [[ "$installed_version" != "$CODE_SERVER_VERSION" ]]; then
  echo "setup-editor: installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_DIR (1-2 minutes)"
  rm -rf "$CODE_SERVER_DIR"
  mkdir -p "$CODE_SERVER_DIR"
  # A package.json of its own keeps this install out of the extension's dependencies.
  echo '{ "name": "kernel-compat-code-server", "private": true }' >"$CODE_SERVER_DIR/package.json"
  (cd "$CODE_SERVER_DIR" && npm_config_yes=true npm_config_unsafe_perm=true \
    npm install --no-audit --no-fund --no-save --loglevel=error "code-server@$CODE_SERVER_VERSION")
fi
echo "setup-editor: code-server $CODE_SERVER_VERSION ready in $CODE_SERVER_DIR in $(($(seconds) - step_started)) s"

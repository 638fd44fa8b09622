#!/bin/sh
# The Debian packages the tests run for real: Redis and PostgreSQL servers that the tests start on loopback, Chromium
# for the viewer's browser tests (driven by playwright-core; no tool downloads a browser), tmux for the
# pseudo-terminal tests, and zsh and fish for the completion scripts' tests. Installs only what is missing, with apt-get as root or through passwordless sudo.
set -eu

missing=""
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
command -v zsh >/dev/null 2>&1 || missing="$missing zsh"
command -v fish >/dev/null 2>&1 || missing="$missing fish"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
else
  echo "ccflow's tests need these Debian packages:$missing. Install them (apt-get install$missing) and run again." >&2
  exit 1
fi
echo "installing Debian packages:$missing" >&2
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null

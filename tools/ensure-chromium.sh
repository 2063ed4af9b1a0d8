#!/usr/bin/env bash
# The preview test renders the page in a real browser: Debian's chromium, driven by
# playwright-core. Browsers are never downloaded by npm; this installs the distribution
# package when it is missing (CHROMIUM_PATH points elsewhere if you have one).
set -euo pipefail
target="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$target" ]; then
  echo "chromium: $("$target" --version 2>/dev/null || echo "$target")"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium not found at $target and apt-get is unavailable: install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium
echo "chromium: $(/usr/bin/chromium --version)"

#!/usr/bin/env bash
# Browser tests need Debian's Chromium and its driver (/usr/bin/chromium, /usr/bin/chromedriver).
# Installs them with apt when absent and running as root; does nothing (quickly) otherwise.
set -euo pipefail
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ctx4j: chromium not installed and cannot install it (needs root and apt-get); browser tests will skip or fail on CI" >&2
  exit 0
fi
echo "ctx4j: installing chromium and chromium-driver for the browser tests (about a minute)..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null 2>&1 || true
# Waits for another apt run's lock (up to 5 minutes) rather than failing at once.
if ! apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium chromium-driver >/tmp/ctx4j-chromium-apt.log 2>&1; then
  echo "ctx4j: apt-get could not install chromium and chromium-driver (log: /tmp/ctx4j-chromium-apt.log):" >&2
  tail -5 /tmp/ctx4j-chromium-apt.log >&2
  exit 1
fi

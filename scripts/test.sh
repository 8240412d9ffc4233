#!/usr/bin/env bash
# Install everything the tests need, then run all of them.
#
#   ./scripts/test.sh            # all tests (unit, AppTest, browser, accessibility)
#   ./scripts/test.sh -k geo     # extra arguments go to pytest
#
# Works on a fresh Debian machine with Python 3.11: installs Debian's chromium,
# chromium-driver, Node.js/npm (for axe-core), PostgreSQL (the store's second backend) and nginx (the
# cluster tests) when missing, creates .venv, installs
# the pinned requirements-dev.txt and the pinned npm packages, and runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || apt_install chromium chromium-driver fonts-dejavu-core
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
# PostgreSQL for the store tests on the second backend and for the cluster tests
# (scripts/pg-throwaway.sh starts a throw-away cluster in a temp dir on a unix socket, as
# the postgres user when run as root, and removes it afterwards; tests/store and
# scripts/serve-cluster.sh use it). NARAVARD_TEST_POSTGRES=0 skips the store tests on
# PostgreSQL, not the cluster tests, so it is installed either way.
command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ] \
  || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null \
  || apt_install postgresql
# nginx for the cluster tests (tests/cluster: replicas behind nginx, scripts/serve-cluster.sh)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt_install nginx
# DejaVu for the PDF handout's å ä ö and minus signs (the tests read the PDF's text)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || apt_install fonts-dejavu-core

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv 2>/dev/null || { apt_install python3-venv; rm -rf .venv; python3 -m venv .venv; }
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
if [ -f package-lock.json ]; then npm ci --silent --no-audit --no-fund >/dev/null; fi

exec .venv/bin/python -m pytest "$@"

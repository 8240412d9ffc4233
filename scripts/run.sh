#!/usr/bin/env bash
# Install the app's pinned requirements into .venv and start it on the embedded data.
#
#   ./scripts/run.sh                 # http://localhost:8501
#   ./scripts/run.sh --server.port 8080
set -euo pipefail
cd "$(dirname "$0")/.."

# Chart images in the handouts (PPTX/PDF) are drawn by Debian's chromium; the PDF's
# fonts are DejaVu. Without them the app still offers the handouts, with tables only.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; } ||
    echo "run.sh: chromium could not be installed; handouts will carry tables only" >&2
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv 2>/dev/null || {
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv; else sudo apt-get update -qq && sudo apt-get install -y -qq python3-venv; fi
    rm -rf .venv; python3 -m venv .venv; }
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
exec .venv/bin/python -m streamlit run app.py "$@"

#!/bin/sh
# Prove the offline bundle: unpack it, install it and serve a page inside a network namespace with no route out.
#
#   sudo deploy/check_offline.sh artifacts/qcity-bundle-XXXX.tar [TARGET]
#
# Everything after the unpacking runs under `unshare -n` (only a loopback device, no route to anywhere): the
# install (apt from the bundle's debs/, pip install --no-index), `scripts/dev.py start` on the demo data, and
# Debian's chromium, itself installed from the bundle, drawing the Overview's charts (deploy/open_page.py, with
# Playwright from this repository's .venv), and the documentation site the app serves. Prints the times; exits 0
# when both showed.
set -eu
ARCHIVE=$(realpath "$1")
REPO=$(cd "$(dirname "$0")/.." && pwd)  # its .venv has Playwright, which drives the bundle's chromium
TARGET=${2:-/tmp/qcity-offline/app}
WORK=$(dirname "$TARGET")
rm -rf "$WORK" && mkdir -p "$WORK"
tar xf "$ARCHIVE" -C "$WORK"
BUNDLE=$(find "$WORK" -maxdepth 1 -name 'qcity-bundle-*' -type d)
unshare -n sh -eu -c '
    ip link set lo up 2>/dev/null || true
    if getent hosts pypi.org >/dev/null 2>&1 && python3 -c "import socket; socket.create_connection((\"pypi.org\", 443), 3)" 2>/dev/null; then
        echo "the namespace reaches the internet: not an honest check"; exit 1
    fi
    started=$(date +%s)
    "$1/install.sh" "$2"
    installed=$(date +%s)
    echo "install: $((installed - started)) s"
    cd "$2" && QCITY_DATA_DIR= python3 scripts/dev.py start --server.headless true --server.port 8765 \
        --server.address 127.0.0.1 > "$3/start.log" 2>&1 &
    for _ in $(seq 1 300); do
        curl -fs http://127.0.0.1:8765/_stcore/health >/dev/null 2>&1 && break
        sleep 1
    done
    echo "start (demo data made, server healthy): $(($(date +%s) - installed)) s"
    status=0
    "$4" "$5" "http://127.0.0.1:8765/?lang=en" || status=1
    if curl -fs http://127.0.0.1:8765/app/static/docs/user-guide/pages.html | grep -q "id=\"spot_checks\""; then
        echo "the documentation site is served by the app, offline"
    else
        echo "the documentation site is missing"; status=1
    fi
    pkill -f "$2/dashboard.py" || true
    [ "$status" = 0 ] && echo "the Overview rendered, offline" || echo "the Overview did not render: see $3/start.log"
    exit "$status"
' check "$BUNDLE" "$TARGET" "$WORK" "$REPO/.venv/bin/python" "$REPO/deploy/open_page.py"

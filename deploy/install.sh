#!/bin/sh
# Install Quality City Dashboard from its offline bundle (see deploy/bundle.py): no network is used.
#
#   sudo ./install.sh [TARGET]        TARGET: where the application goes (default /opt/qcity)
#
# 1. Debian packages from debs/ (a local apt repository): only those this machine lacks.
# 2. The application into TARGET, and its .venv from wheels/ (pip install --no-index), so that
#    `python3 TARGET/scripts/dev.py start` starts at once, without looking for a registry.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TARGET=${1:-/opt/qcity}

# apt reads debs/ as its only repository (its Packages index), in a list folder of its own: it resolves the
# dependencies as from the mirror, installs only what is missing, and never reaches for the network.
LISTS=$(mktemp -d)
mkdir -p "$LISTS/partial"
echo "deb [trusted=yes] file:$HERE/debs ./" > "$LISTS/sources.list"
set -- -o Dir::Etc::SourceList="$LISTS/sources.list" -o Dir::Etc::SourceParts="$LISTS/none" \
    -o Dir::State::Lists="$LISTS" -o APT::Get::List-Cleanup=false
apt-get "$@" update -qq
echo "installing $(cat "$HERE/debs/WANTED")and what they need ..."
# shellcheck disable=SC2046  # the package names, one per word
DEBIAN_FRONTEND=noninteractive apt-get "$@" install -y -q --no-install-recommends $(cat "$HERE/debs/WANTED")
rm -rf "$LISTS"

echo "copying the application to $TARGET ..."
mkdir -p "$TARGET"
cp -a "$HERE/app/." "$TARGET/"
echo "installing the Python packages into $TARGET/.venv (no network) ..."
PIP_NO_INDEX=1 PIP_FIND_LINKS="$HERE/wheels" python3 "$TARGET/scripts/dev.py" setup
echo "done. Start it:   python3 $TARGET/scripts/dev.py start   (demo data; set QCITY_DATA_DIR for yours)"
echo "or as a service:  see $TARGET/docs/operations/install.md (the docs site: /app/static/docs/ in the app)"

#!/usr/bin/env bash
# The one set-up behind the README's two commands, so they cannot drift apart:
#   scripts/bootstrap.sh app [raftlab options]   install what is missing, build, run the app
#   scripts/bootstrap.sh test                    install what is missing, build, run the whole test suite
# Re-runnable: installs nothing when every package is there, and rebuilds only what changed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# Debian 12 packages. libqt6opengl6-dev and qt6-websockets-dev must be named: Qt Charts' and Qt
# HttpServer's CMake configs need them and Debian does not pull them in.
packages=(
    g++ cmake ninja-build ccache
    qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev qt6-svg-dev
    qt6-qpa-plugins libgl1-mesa-dri fonts-dejavu-core
    xvfb xauth imagemagick x11-apps
    libbenchmark-dev libtcmalloc-minimal4
)

usage() {
    echo "usage: scripts/bootstrap.sh app [raftlab options] | test" >&2
    exit 2
}

install_missing_packages() {
    local missing=() package
    for package in "${packages[@]}"; do
        if ! dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null | grep -qx installed; then
            missing+=("$package")
        fi
    done
    ((${#missing[@]})) || return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "bootstrap: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
        sudo=(sudo)
    fi
    echo "bootstrap: installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

mode=${1:-}
[ -n "$mode" ] || usage
shift
install_missing_packages
case "$mode" in
    app)
        cmake --preset dev >/dev/null
        # Only what the app needs: the window opens without building every test and benchmark first.
        cmake --build --preset dev --target raftlab raftlab-node
        exec "$root/build/dev/gui/raftlab" "$@"
        ;;
    test)
        [ $# -eq 0 ] || usage
        exec cmake --workflow --preset dev
        ;;
    *) usage ;;
esac

#!/usr/bin/env bash
# The Linux package: builds the PyInstaller bundle and the .deb (make installer), installs
# the package's Depends from Debian so the test's `dpkg -i` needs nothing else, and exports
# HELPDESK_TEST_DEB for tests/installer/ (install, doctor, ask, purge).
set -euo pipefail
cd "$(dirname "$0")/../.."
. .ci/lib/apt.bash
start=$(date +%s)
# What the build needs, installed here so this script works alone on a fresh machine.
# shellcheck disable=SC2086 - one package name per word
APT_OPTS=--no-install-recommends apt_install $(grep -v '^#' installer/linux/build-depends)
make installer
DEB=$(ls -t build/installer/helpdesk-assistant_*.deb | head -1)
DEPENDS=$(dpkg-deb -f "$DEB" Depends | sed 's/([^)]*)//g; s/,/ /g')
# shellcheck disable=SC2086 - one package name per word
APT_OPTS=--no-install-recommends apt_install $DEPENDS
echo "HELPDESK_TEST_DEB=$(pwd)/$DEB" >> .ci/env
echo "installer.sh: $DEB ready in $(( $(date +%s) - start )) s"

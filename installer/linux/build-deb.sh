#!/usr/bin/env bash
# Build the .deb from the PyInstaller bundle with dpkg-deb alone (no debhelper):
#   installer/linux/build-deb.sh build/installer/dist/helpdesk-assistant build/installer
# Output: build/installer/helpdesk-assistant_<version>_<arch>.deb
#
#   /opt/helpdesk-assistant/                      the bundle
#   /usr/bin/helpdesk-assistant                   launcher (tray app, or a verb: doctor, ask…)
#   /usr/share/applications/helpdesk-assistant.desktop
#   /etc/xdg/autostart/helpdesk-assistant.desktop  starts in the tray at every user's login
#   /usr/share/icons/hicolor/scalable/apps/helpdesk-assistant.svg
#   /etc/helpdesk-assistant/policy.toml           written by postinst (see postinst), not a conffile
set -euo pipefail
cd "$(dirname "$0")/../.."
BUNDLE="${1:?usage: build-deb.sh BUNDLE_DIR OUT_DIR}"
OUT="${2:?usage: build-deb.sh BUNDLE_DIR OUT_DIR}"
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' desktop/__init__.py)
ARCH=$(dpkg --print-architecture)
ROOT="$OUT/deb-root"
DEB="$OUT/helpdesk-assistant_${VERSION}_${ARCH}.deb"

rm -rf "$ROOT"
mkdir -p "$ROOT/DEBIAN" "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/applications" "$ROOT/etc/xdg/autostart" \
         "$ROOT/usr/share/icons/hicolor/scalable/apps" "$ROOT/usr/share/doc/helpdesk-assistant"
cp -a "$BUNDLE" "$ROOT/opt/helpdesk-assistant"
install -m 0755 installer/linux/launcher.sh "$ROOT/usr/bin/helpdesk-assistant"
install -m 0644 installer/linux/helpdesk-assistant.desktop "$ROOT/usr/share/applications/helpdesk-assistant.desktop"
install -m 0644 installer/linux/helpdesk-assistant-autostart.desktop "$ROOT/etc/xdg/autostart/helpdesk-assistant.desktop"
install -m 0644 desktop/ui/icons/helpdesk.svg "$ROOT/usr/share/icons/hicolor/scalable/apps/helpdesk-assistant.svg"
install -m 0644 installer/policy.toml.template "$ROOT/usr/share/doc/helpdesk-assistant/policy.toml.example"
install -m 0755 installer/linux/postinst installer/linux/postrm "$ROOT/DEBIAN/"
# The autostart entry is a conffile (dpkg lists files under /etc it ships): IT may edit it.
echo "/etc/xdg/autostart/helpdesk-assistant.desktop" > "$ROOT/DEBIAN/conffiles"
SIZE_KB=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
cat > "$ROOT/DEBIAN/control" <<CONTROL
Package: helpdesk-assistant
Version: ${VERSION}
Architecture: ${ARCH}
Maintainer: Helpdesk Assistant maintainers <maintainers@example.com>
Installed-Size: ${SIZE_KB}
Depends: libc6 (>= 2.36), libegl1, libgl1, libxcb1, libwayland-client0, libwayland-cursor0, libwayland-egl1
Recommends: fonts-dejavu-core | fonts-liberation2, gnome-keyring | kwalletmanager
Section: utils
Priority: optional
Homepage: https://example.com/helpdesk-assistant
Description: offline-first IT helpdesk assistant for the system tray
 Answers IT questions from a local knowledge base (French and English), walks
 people through guided troubleshooting, and files complete tickets in the
 company's ITSM. Self-contained: Python, Qt and the language model are inside.
 IT configures it with /etc/helpdesk-assistant/policy.toml and checks it with
 "helpdesk-assistant doctor".
CONTROL
# Reproducible-ish: root-owned files, fixed permissions.
find "$ROOT" -type d -exec chmod 0755 {} +
# zstd -9: 140 MB in ~11 s; xz -6: 125 MB in ~4 min (the 4-bit model barely compresses). DEB_COMPRESSION=xz for a release.
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-zstd}" -z"${DEB_LEVEL:-9}" --build "$ROOT" "$DEB" >/dev/null
rm -rf "$ROOT"
echo "$DEB"

#!/usr/bin/env bash
# Build the macOS installer package. NOT TESTED HERE (no macOS in CI): see installer/README.md.
#   installer/macos/build.sh            -> build/installer/helpdesk-assistant-<version>.pkg
# Needs: Xcode command-line tools (pkgbuild, productbuild, codesign, notarytool), Python 3.11.
# Signing: set DEVELOPER_ID_APP="Developer ID Application: …" and DEVELOPER_ID_INSTALLER="Developer ID
# Installer: …" (and NOTARY_PROFILE for `xcrun notarytool` credentials stored with store-credentials).
#
# What the package installs:
#   /Applications/Helpdesk Assistant.app
#   /usr/local/bin/helpdesk-assistant                        command line (doctor, ask, login…)
#   /Library/LaunchAgents/com.example.helpdesk-assistant.plist   tray app at every user's login
#   /Library/Application Support/HelpdeskAssistant/policy.toml  (postinstall; see scripts/postinstall)
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' desktop/__init__.py)
OUT=build/installer
ROOT="$OUT/pkg-root"
IDENT=com.example.helpdesk-assistant

python3 -m venv .venv
.venv/bin/python -m pip install --quiet -e '.[installer]'
.venv/bin/python -m kb_snapshots build kb_snapshots/sample_kb --output build/sample_kb.sqlite
HELPDESK_VERSION="$VERSION" .venv/bin/python -m PyInstaller --noconfirm --distpath "$OUT/dist" \
    --workpath "$OUT/work" installer/helpdesk-assistant.spec
APP="$OUT/dist/Helpdesk Assistant.app"
.venv/bin/python installer/size_report.py "$OUT/dist/helpdesk-assistant"

if [ -n "${DEVELOPER_ID_APP:-}" ]; then
  # Hardened runtime; every Mach-O inside first, then the app (codesign --deep is deprecated).
  find "$APP/Contents" -type f \( -name "*.so" -o -name "*.dylib" -o -perm -u+x \) -print0 |
    xargs -0 codesign --force --timestamp --options runtime --entitlements installer/macos/entitlements.plist \
      --sign "$DEVELOPER_ID_APP"
  codesign --force --timestamp --options runtime --entitlements installer/macos/entitlements.plist \
    --sign "$DEVELOPER_ID_APP" "$APP"
fi

rm -rf "$ROOT"
mkdir -p "$ROOT/Applications" "$ROOT/usr/local/bin" "$ROOT/Library/LaunchAgents" \
         "$ROOT/Library/Application Support/HelpdeskAssistant"
cp -R "$APP" "$ROOT/Applications/"
install -m 0755 installer/macos/helpdesk-assistant "$ROOT/usr/local/bin/helpdesk-assistant"
install -m 0644 installer/macos/$IDENT.plist "$ROOT/Library/LaunchAgents/$IDENT.plist"
install -m 0644 installer/policy.toml.template "$ROOT/Library/Application Support/HelpdeskAssistant/policy.toml.template"

SIGN=()
[ -n "${DEVELOPER_ID_INSTALLER:-}" ] && SIGN=(--sign "$DEVELOPER_ID_INSTALLER" --timestamp)
pkgbuild --root "$ROOT" --identifier "$IDENT" --version "$VERSION" --scripts installer/macos/scripts \
  --install-location / "${SIGN[@]}" "$OUT/helpdesk-assistant-$VERSION.pkg"
if [ -n "${NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$OUT/helpdesk-assistant-$VERSION.pkg" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$OUT/helpdesk-assistant-$VERSION.pkg"
fi
echo "$OUT/helpdesk-assistant-$VERSION.pkg"

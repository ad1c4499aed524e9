#!/usr/bin/env bash
# Headless Chromium for the dashboard's browser test; its path goes to .ci/env.
set -euo pipefail
cd "$(dirname "$0")/../.."
. .ci/lib/apt.bash
apt_install chromium
chromium --version
touch .ci/env
grep -v '^HELPDESK_TEST_CHROMIUM=' .ci/env > .ci/env.tmp || true
mv .ci/env.tmp .ci/env
echo "HELPDESK_TEST_CHROMIUM=$(command -v chromium)" >> .ci/env

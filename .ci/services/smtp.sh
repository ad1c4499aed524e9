#!/usr/bin/env bash
# A real SMTP server for the self-service actions' one-time codes: aiosmtpd from Debian.
# The tests start their own on loopback (python3 -m aiosmtpd, a Maildir per test) and read
# the codes from it; this script installs it and puts the interpreter in .ci/env.
set -euo pipefail
cd "$(dirname "$0")/../.."
. .ci/lib/apt.bash
apt_install python3-aiosmtpd
/usr/bin/python3 -c "import aiosmtpd; print('aiosmtpd', aiosmtpd.__version__)"
touch .ci/env
grep -v '^HELPDESK_TEST_SMTPD=' .ci/env > .ci/env.tmp || true
mv .ci/env.tmp .ci/env
echo "HELPDESK_TEST_SMTPD=/usr/bin/python3" >> .ci/env

#!/usr/bin/env bash
# OpenLDAP for the directory variables' test ({{user.email}} from the directory): the
# test starts its own slapd on loopback with a throw-away database; this script installs
# the server and puts its path in .ci/env. The system's slapd is not started or used.
set -euo pipefail
cd "$(dirname "$0")/../.."
. .ci/lib/apt.bash
RUNLEVEL=1 apt_install slapd ldap-utils
/usr/sbin/slapd -VV 2>&1 | head -1 || true
test -x /usr/sbin/slapd && test -x /usr/sbin/slapadd
touch .ci/env
grep -v '^HELPDESK_TEST_SLAPD=' .ci/env > .ci/env.tmp || true
mv .ci/env.tmp .ci/env
echo "HELPDESK_TEST_SLAPD=/usr/sbin/slapd" >> .ci/env

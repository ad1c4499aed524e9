#!/usr/bin/env bash
# Request Tracker 5 (Debian request-tracker5 + rt5-db-sqlite), REST2 on 127.0.0.1:$RT_PORT.
# Idempotent: installs once, initialises the SQLite database once, starts rt-server if it
# is not already answering, and appends HELPDESK_TEST_RT_URL to .ci/env.
set -euo pipefail
cd "$(dirname "$0")/../.."
RT_PORT="${RT_PORT:-8980}"
RT_URL="http://127.0.0.1:${RT_PORT}"
RT_LOG="${RT_LOG:-/tmp/rt-server.log}"
. .ci/lib/apt.bash
apt_install curl ca-certificates

if ! dpkg -s request-tracker5 rt5-db-sqlite >/dev/null 2>&1; then
  # Preseed: SQLite through dbconfig-common, root password "password", no web server
  # configuration and no prompts.
  debconf-set-selections <<'SEL'
request-tracker5 request-tracker5/dbconfig-install boolean true
request-tracker5 request-tracker5/database-type select sqlite3
request-tracker5 request-tracker5/db/dbname string rtdb
request-tracker5 request-tracker5/initial-root-password password password
request-tracker5 request-tracker5/rtname string helpdesk-test
request-tracker5 request-tracker5/organization string helpdesk.test
request-tracker5 request-tracker5/correspondaddress string rt@helpdesk.test
request-tracker5 request-tracker5/commentaddress string rt-comment@helpdesk.test
request-tracker5 request-tracker5/webbaseurl string http://127.0.0.1:8980
request-tracker5 request-tracker5/webpath string
request-tracker5 request-tracker5/handle-siteconfig-permissions boolean true
request-tracker5 request-tracker5/install-cronjobs boolean false
rt5-db-sqlite rt5-db-sqlite/available boolean true
SEL
  APT_OPTS="--no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold" \
    apt_install request-tracker5 rt5-db-sqlite
fi

# Test-friendly site settings: the web base URL matches the loopback port, and RT does
# not try to send mail.
cat > /etc/request-tracker5/RT_SiteConfig.d/90-helpdesk-test.pm <<PM
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, ${RT_PORT});
Set(\$WebBaseURL, '${RT_URL}');
Set(\$MailCommand, 'testfile');
Set(\$RestrictReferrer, 0);
PM

# Initialise the database when dbconfig-common did not (or the file is empty).
DB_FILE=$(ls /var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb 2>/dev/null || true)
if [ -z "$DB_FILE" ] || [ ! -s "$DB_FILE" ]; then
  mkdir -p /var/lib/dbconfig-common/sqlite3/request-tracker5
  printf 'password\n' | /usr/sbin/rt-setup-database-5 --action init --skip-create \
      --dba-password '' >/dev/null 2>&1 \
    || /usr/sbin/rt-setup-database-5 --action init --dba-password ''
fi
# The ticket custom field Helpdesk Assistant uses for exactly-once delivery (the same
# file RT admins load, see README "Tickets and ITSMs"): loaded once into each database
# (the mark names the database file, so a database made anew gets it again).
DB_FILE=$(ls /var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb 2>/dev/null || true)
MARK=/var/lib/request-tracker5/.helpdesk-initialdata
if [ "$(cat "$MARK" 2>/dev/null)" != "$(stat -c '%i %W' "$DB_FILE" 2>/dev/null)" ]; then
  /usr/sbin/rt-setup-database-5 --action insert --skip-create \
    --datafile desktop/itsm/rt_initialdata.pm
  stat -c '%i %W' "$DB_FILE" > "$MARK"
fi
chown -R www-data:www-data /var/lib/dbconfig-common/sqlite3/request-tracker5 2>/dev/null || true

answering() {
  curl -fsS -u root:password "${RT_URL}/REST/2.0/rt" >/dev/null 2>&1
}
if ! answering; then
  nohup /usr/share/request-tracker5/libexec/rt-server --host 127.0.0.1 --port "$RT_PORT" \
    >"$RT_LOG" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    answering && break
    sleep 1
  done
fi
if ! answering; then
  echo "rt.sh: Request Tracker did not answer on ${RT_URL}/REST/2.0 (log: $RT_LOG)" >&2
  tail -30 "$RT_LOG" >&2 || true
  exit 1
fi
# An RT auth token for root, for the token-authentication tests: created once, and again
# when the kept one no longer authenticates (RT's database was made anew).
TOKEN_FILE=/var/lib/request-tracker5/.helpdesk-test-token
token_works() {
  [ -s "$TOKEN_FILE" ] && curl -fsS -H "Authorization: token $(cat "$TOKEN_FILE")" \
    "${RT_URL}/REST/2.0/queues/all" >/dev/null 2>&1
}
if ! token_works; then
  perl -I/usr/share/request-tracker5/lib -e '
    use RT; RT::LoadConfig(); RT::Init();
    my $user = RT::User->new(RT->SystemUser); $user->Load("root");
    my $token = RT::AuthToken->new(RT::CurrentUser->new($user));
    my ($id, $msg, $auth) = $token->Create(Owner => $user->Id,
                                           Description => "Helpdesk Assistant tests");
    die "rt.sh: cannot create an RT auth token: $msg\n" unless $id;
    print $auth;' 2>/dev/null > "$TOKEN_FILE.new"
  mv "$TOKEN_FILE.new" "$TOKEN_FILE"
  token_works || { echo "rt.sh: the new RT auth token does not authenticate" >&2; exit 1; }
fi
echo "HELPDESK_TEST_RT_URL=${RT_URL}" >> .ci/env
echo "HELPDESK_TEST_RT_TOKEN=$(cat "$TOKEN_FILE")" >> .ci/env
echo "rt.sh: Request Tracker ready at ${RT_URL}"

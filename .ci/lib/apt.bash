# Sourced by .ci/services/*.sh: `apt_install PKG...` installs the Debian packages that are
# not installed yet, quietly, with no prompts. On a machine whose package lists were never
# fetched (or are stale), it runs `apt-get update` once and tries again, so every service
# script works when run alone.
export DEBIAN_FRONTEND=noninteractive
APT_OPTS="${APT_OPTS:-}"   # e.g. --no-install-recommends

apt_install() {
  local missing="" p
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  [ -n "$missing" ] || return 0
  # shellcheck disable=SC2086 - one package name per word
  if ! apt-get install -y -qq $APT_OPTS $missing >/dev/null 2>/tmp/apt-install.err; then
    apt-get update -qq
    apt-get install -y -qq $APT_OPTS $missing >/dev/null
  fi
}

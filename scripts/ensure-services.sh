#!/usr/bin/env bash
# Starts PostgreSQL and Redis if they are not running (installing them from Debian packages if
# absent) and installs Debian's Chromium for the browser tests. Needs root (as on CI machines).
set -euo pipefail
APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "Installing PostgreSQL from Debian packages…"
    apt_install postgresql
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n1)
  conf=/etc/postgresql/$version/main/pg_hba.conf
  # Local trust auth for the test user, as on the development machines.
  if ! grep -q "rathaus-ci" "$conf"; then
    sed -i '1i host all postgres 127.0.0.1/32 trust # rathaus-ci\nhost all postgres ::1/128 trust # rathaus-ci\nlocal all postgres trust # rathaus-ci' "$conf"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432

if ! (command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 ping 2>/dev/null | grep -q PONG); then
  command -v redis-server >/dev/null || { echo "Installing Redis…"; apt_install redis-server; }
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping 2>/dev/null | grep -q PONG && break; sleep 0.5; done
fi
redis-cli -h 127.0.0.1 ping

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian Chromium for the browser tests…"
  apt_install chromium fonts-dejavu-core
fi
/usr/bin/chromium --version

# WeasyPrint (PDF agendas and minutes) needs Pango from Debian.
if ! ldconfig -p | grep -q libpangoft2-1.0.so.0; then
  echo "Installing Pango for WeasyPrint…"
  apt_install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
fi

# Directory sign-in (rathaus.core.signin): python-ldap builds against the OpenLDAP and SASL
# headers; its tests start their own slapd (in a temporary directory, never the system's
# configuration) and a local OpenID Connect provider under Node.js.
if ! dpkg -s slapd ldap-utils libldap2-dev libsasl2-dev >/dev/null 2>&1; then
  echo "Installing OpenLDAP (slapd, ldap-utils, headers for python-ldap)…"
  apt_install slapd ldap-utils libldap2-dev libsasl2-dev
fi
command -v node >/dev/null || { echo "Installing Node.js…"; apt_install nodejs npm; }
provider_dir="$(dirname "$0")/../rathaus/core/signin/tests/oidc_provider"
if [ ! -d "$provider_dir/node_modules/oidc-provider" ]; then
  npm ci --prefix "$provider_dir" --no-audit --no-fund --ignore-scripts
fi

#!/usr/bin/env bash
# Debian packages that `pip install` needs to build a dependency from source: python-ldap
# (directory sign-in) compiles against OpenLDAP's and Cyrus SASL's headers. Installs them
# when missing and run as root; else names the command and stops.
set -euo pipefail
missing=()
[ -f /usr/include/ldap.h ] || missing+=(libldap2-dev)
[ -f /usr/include/sasl/sasl.h ] || missing+=(libsasl2-dev)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${missing[*]} (headers for python-ldap)…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "python-ldap needs: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

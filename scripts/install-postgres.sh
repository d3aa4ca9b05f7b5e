#!/usr/bin/env bash
# Install Debian's PostgreSQL server programs for the PostgreSQL gradebook
# (what `make postgres`, `make test` and .ci/run use). Only the programs: no
# system cluster is created or started, because the tests and the hub start a
# server of their own in a folder and stop it afterwards
# (src/coproduction/hub/postgres.py). Needs root and apt-get; says what to do otherwise.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL not found: the PostgreSQL gradebook tests need its server programs (sudo apt-get install postgresql)."
  exit 0
fi
# Debian's package would create and start a cluster called main: ask it not to.
mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/coproduction.conf
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null

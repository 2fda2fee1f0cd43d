#!/usr/bin/env bash
# Start a local PostgreSQL for the storage tests; safe to run more than once.
#
#   eval "$(.ci/postgres.sh | tail -n 1)"     # sets DATABASE_URL_TEST
#
# Installs Debian's postgresql when missing, starts the cluster (the packaged "main" cluster, or an
# initdb'd one under $PGDATA_DIR when no packaged cluster exists or PG_FORCE_INITDB=1), creates role rahnuma / password
# rahnuma and database rahnuma_test, waits for connections and prints the export line last.
# Progress goes to stderr so stdout is only the export line. Works as root (via runuser/su) or as
# the postgres user.
set -euo pipefail

PGPORT="${PGPORT:-5432}"
PGHOST_ADDR=127.0.0.1
DB_USER=rahnuma
DB_PASS=rahnuma
DB_NAME=rahnuma_test
PGDATA_DIR="${PGDATA_DIR:-/tmp/rahnuma-pgdata}"

log() { echo "postgres.sh: $*" >&2; }

as_postgres() {
  # Run a command as the postgres OS user, whoever we are.
  if [ "$(id -un)" = postgres ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  elif [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    sudo -u postgres "$@"
  fi
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

pg_bindir() {
  local ver
  ver="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$ver" ] && [ -x "/usr/lib/postgresql/$ver/bin/pg_ctl" ] || return 1
  echo "/usr/lib/postgresql/$ver/bin"
}

# 1. Install when missing.
if ! pg_bindir >/dev/null; then
  log "installing postgresql (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
fi
BINDIR="$(pg_bindir)"
VER="$(basename "$(dirname "$BINDIR")")"
log "using PostgreSQL $VER ($BINDIR)"

# 2. Start a cluster unless one already answers on the port.
if "$BINDIR/pg_isready" -q -h "$PGHOST_ADDR" -p "$PGPORT"; then
  log "a server already accepts connections on $PGHOST_ADDR:$PGPORT"
elif [ -z "${PG_FORCE_INITDB:-}" ] && command -v pg_ctlcluster >/dev/null 2>&1 \
     && [ -d "/etc/postgresql/$VER/main" ]; then
  log "starting Debian cluster $VER/main"
  as_root pg_ctlcluster "$VER" main start || as_root pg_ctlcluster "$VER" main status >&2
else
  log "no packaged cluster; using initdb in $PGDATA_DIR"
  if [ ! -s "$PGDATA_DIR/PG_VERSION" ]; then
    as_root mkdir -p "$PGDATA_DIR"
    as_root chown postgres:postgres "$PGDATA_DIR" 2>/dev/null || true
    as_postgres "$BINDIR/initdb" -D "$PGDATA_DIR" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 >&2
  fi
  as_postgres "$BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w \
    -o "-p $PGPORT -k /tmp -c listen_addresses=$PGHOST_ADDR" start >&2
fi

# 3. Wait until it accepts connections.
for _ in $(seq 1 60); do
  if "$BINDIR/pg_isready" -q -h "$PGHOST_ADDR" -p "$PGPORT"; then break; fi
  sleep 1
done
if ! "$BINDIR/pg_isready" -h "$PGHOST_ADDR" -p "$PGPORT" >&2; then
  log "server did not come up on $PGHOST_ADDR:$PGPORT"
  exit 1
fi

# 4. Role and database (as the postgres superuser over the local socket).
SOCKDIR=/var/run/postgresql
[ -S "$SOCKDIR/.s.PGSQL.$PGPORT" ] || SOCKDIR=/tmp
[ -S "$SOCKDIR/.s.PGSQL.$PGPORT" ] || { log "no local socket for port $PGPORT"; exit 1; }
psql_su() { as_postgres "$BINDIR/psql" -h "$SOCKDIR" -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

if [ "$(psql_su -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != 1 ]; then
  log "creating role $DB_USER"
  psql_su -d postgres -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASS'"
else
  psql_su -d postgres -c "ALTER ROLE $DB_USER LOGIN PASSWORD '$DB_PASS'"
fi
if [ "$(psql_su -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
  log "creating database $DB_NAME"
  psql_su -d postgres -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
fi
# PostgreSQL 15 no longer lets every role create in schema public; the tests make their own schemas.
psql_su -d "$DB_NAME" -c "GRANT CREATE ON DATABASE $DB_NAME TO $DB_USER; ALTER SCHEMA public OWNER TO $DB_USER"

# 5. Check the password login the tests will use.
PGPASSWORD="$DB_PASS" "$BINDIR/psql" -h "$PGHOST_ADDR" -p "$PGPORT" -U "$DB_USER" -d "$DB_NAME" -qtAc "SELECT 1" >/dev/null
log "ready"
echo "export DATABASE_URL_TEST=postgresql+psycopg://$DB_USER:$DB_PASS@$PGHOST_ADDR:$PGPORT/$DB_NAME"

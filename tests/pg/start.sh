#!/usr/bin/env bash
# start.sh WORKDIR
#
# Starts a private PostgreSQL server for the tests (the Debian package's
# binaries, no systemd, no cluster of the package's):
#   - a data and socket directory of its own in /tmp/mt-pg.XXXXXX (the
#     server refuses to run as root: as root it is owned by and run as the
#     "postgres" account), linked from WORKDIR/base;
#   - listens on 127.0.0.1 only, on a free port, with a pid file;
#   - host logins by password only (scram-sha-256); a role "mailtrace" with
#     a random password, kept in WORKDIR/pgpass (mode 600) for libpq, and
#     its database "mailtrace";
#   - writes WORKDIR/env (shell assignments: PG_URL, PGPASSFILE, PG_PORT,
#     PG_BASE, PG_BIN, PG_ADMIN (a command prefix running psql as the
#     superuser over the socket)) and waits (bounded) until it answers.
# Stop it with stop.sh WORKDIR.  Needs: postgresql-15 (or another version
# under /usr/lib/postgresql).
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 WORKDIR" >&2
    exit 2
fi
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)

die() {
    echo "pg/start: $*" >&2
    exit 1
}

bin=
for d in /usr/lib/postgresql/*/bin; do
    [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]] && bin=$d
done
[[ -n $bin ]] || die "PostgreSQL server not found under /usr/lib/postgresql (install postgresql)"
command -v psql >/dev/null 2>&1 || die "psql not found (install postgresql-client)"
command -v python3 >/dev/null 2>&1 || die "python3 not found"

mkdir -p -- "$1"
workdir=$(cd -- "$1" && pwd)
# An instance still running in WORKDIR is stopped first.
if [[ -r $workdir/env ]]; then
    bash "$here/stop.sh" "$workdir" >/dev/null || die "could not stop the old instance in $workdir"
fi
if [[ -n $(ls -A -- "$workdir") && ! -e $workdir/env && ! -e $workdir/initdb.log ]]; then
    die "$workdir is not empty and is not a PostgreSQL harness directory; refusing to wipe it"
fi
find "$workdir" -mindepth 1 -delete

if [[ $EUID -eq 0 ]]; then
    getent passwd postgres >/dev/null || die "user 'postgres' missing (is postgresql installed?)"
    as() { runuser -u postgres -- "$@"; }
    owner=postgres
else
    as() { "$@"; }
    owner=$(id -un)
fi

base=$(mktemp -d /tmp/mt-pg.XXXXXX)
chmod 0700 "$base"
[[ $EUID -eq 0 ]] && chown postgres: "$base"
ln -s "$base" "$workdir/base"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
admin_pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')

printf '%s\n' "$admin_pw" >"$base/admin.pw"
[[ $EUID -eq 0 ]] && chown postgres: "$base/admin.pw"
chmod 600 "$base/admin.pw"
as "$bin/initdb" -D "$base/data" -U "$owner" --pwfile="$base/admin.pw" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale \
    >"$workdir/initdb.log" 2>&1 || {
    tail -n 20 "$workdir/initdb.log" >&2
    die "initdb failed"
}
rm -f "$base/admin.pw"
cat >>"$base/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$base'
external_pid_file = '$base/postmaster.pid.ext'
max_connections = 60
fsync = off
full_page_writes = off
synchronous_commit = off
log_min_messages = warning
CONF
# The server itself loads nothing from /etc: its own pg_hba from initdb.
as "$bin/pg_ctl" -D "$base/data" -l "$base/pg.log" -w -t 30 start >"$workdir/pg_ctl.log" 2>&1 || {
    tail -n 20 "$base/pg.log" >&2 || true
    die "the server did not start"
}
ln -s "$base/pg.log" "$workdir/pg.log"

admin() { as psql -X -q -v ON_ERROR_STOP=1 -h "$base" -p "$port" -U "$owner" -d postgres "$@"; }
admin -c "CREATE ROLE mailtrace LOGIN PASSWORD '$pw'" ||
    die "creating the role failed"
# The store's database as docs/scale.md makes it (records byte for byte);
# and one in UTF-8, which the store refuses.
admin -c "CREATE DATABASE mailtrace OWNER mailtrace ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" ||
    die "creating the database failed"
admin -c "CREATE DATABASE utf8 OWNER mailtrace ENCODING 'UTF8' TEMPLATE template0" ||
    die "creating the database failed"

# libpq's own password file: 127.0.0.1:PORT:*:mailtrace:PASSWORD
printf '127.0.0.1:%s:*:mailtrace:%s\n' "$port" "$pw" >"$workdir/pgpass"
chmod 600 "$workdir/pgpass"

cat >"$workdir/env" <<ENV
PG_BIN=$bin
PG_BASE=$base
PG_PORT=$port
PG_OWNER=$owner
PG_URL=postgresql://mailtrace@127.0.0.1:$port/mailtrace
PGPASSFILE=$workdir/pgpass
ENV
echo "pg/start: PostgreSQL on 127.0.0.1:$port ($base)"

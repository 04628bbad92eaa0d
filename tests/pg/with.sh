#!/usr/bin/env bash
# with.sh WORKDIR COMMAND [ARG...]
#
# Runs COMMAND with the PostgreSQL of start.sh WORKDIR in its environment
# (PG_URL, PGPASSFILE, PG_PORT, PG_BIN, PG_BASE, PG_OWNER exported); an
# argument that is exactly @PG_URL@ becomes the URL.
set -euo pipefail
[[ $# -ge 2 ]] || {
    echo "usage: $0 WORKDIR COMMAND [ARG...]" >&2
    exit 2
}
[[ -r $1/env ]] || {
    echo "pg/with: no PostgreSQL in $1 (tests/pg/start.sh)" >&2
    exit 1
}
set -a
# shellcheck source=/dev/null
. "$1/env"
set +a
shift
args=()
for a in "$@"; do
    [[ $a == @PG_URL@ ]] && a=$PG_URL
    args+=("$a")
done
exec "${args[@]}"

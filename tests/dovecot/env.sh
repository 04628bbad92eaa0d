#!/usr/bin/env bash
# shellcheck disable=SC2317 # "exit" is reached when executed instead of sourced
# Source it from a test script:  . tests/dovecot/env.sh WORKDIR
# Loads WORKDIR/env written by start.sh and exports its DOVECOT_* variables.
# Returns non-zero (without exiting the caller) if the env file is missing.
if [[ $# -ne 1 ]]; then
    echo "usage: . env.sh WORKDIR" >&2
    return 2 2>/dev/null || exit 2
fi
if [[ ! -r $1/env ]]; then
    echo "dovecot/env: $1/env not found (run tests/dovecot/start.sh first)" >&2
    return 1 2>/dev/null || exit 1
fi
set -a
# shellcheck disable=SC1091
. "$1/env"
set +a

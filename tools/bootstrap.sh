#!/usr/bin/env bash
# tools/bootstrap.sh - README command 1: install the build and runtime
# packages, build mailtrace into build/, and run the demo (tools/demo.sh).
# SPDX-License-Identifier: BSD-2-Clause
set -eu
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
bash tools/demo.sh build

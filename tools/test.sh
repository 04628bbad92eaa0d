#!/usr/bin/env bash
# tools/test.sh - README command 2: install what the tests need (Dovecot
# included), then build with -Werror and run the whole suite, and again with
# AddressSanitizer + UndefinedBehaviorSanitizer.  .ci/run runs this.
# SPDX-License-Identifier: BSD-2-Clause
set -eu
cd "$(dirname "$0")/.."
bash tools/install-deps.sh --test
status=0
for variant in werror asan; do
	dir=build-test-$variant
	opts="-DMT_WERROR=ON"
	[ "$variant" = asan ] && opts="$opts -DMT_SANITIZE=ON"
	echo "== $variant build ($dir)"
	rm -rf "$dir"
	# shellcheck disable=SC2086
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug $opts >/dev/null
	if ! cmake --build "$dir" -j "$(nproc)" >"$dir/build.log" 2>&1; then
		grep -E 'error|warning' "$dir/build.log" | head -40
		echo "test.sh: the $variant build failed (see $dir/build.log)"
		exit 1
	fi
	echo "== $variant suite"
	(cd "$dir" && ctest --output-on-failure -j 2 --timeout 300) || status=1
done
exit $status

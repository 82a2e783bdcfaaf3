#!/usr/bin/env bash
# bench.sh — what `make bench` runs: the Go micro-benchmarks, then whole-tool
# figures against the fake forum on 127.0.0.1 (examples/bench). The output is
# Markdown; the README's "Performance" section is a copy of it.
# BENCH_SIZE (default medium) picks the fake forum; BENCH_LARGE=0 skips the large load.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "## Go benchmarks (go test -bench, $(nproc) cores)"
echo
echo '```'
go test -run '^$' -bench . -benchmem -benchtime 2s ./internal/parse ./internal/record ./internal/store ./internal/fetch 2>&1 |
  grep -E '^(Benchmark|ok|PASS|FAIL|goos|cpu)' || true
echo '```'
echo
large=--large
[ "${BENCH_LARGE:-1}" = 0 ] && large=
go run ./examples/bench --bin bin --size "${BENCH_SIZE:-medium}" $large

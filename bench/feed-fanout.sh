#!/usr/bin/env bash
# Fan-out: time from a token change to the last of N running containers holding it (issue 11).
# Needs a running dockerd and para-test-base:latest (.ci/make-test-image.sh). Containers run with
# network none and are removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 1 10 50
dotnet run -c Release --project bench/Para.Bench -- feed-fanout "$@"

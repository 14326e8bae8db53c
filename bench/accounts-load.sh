#!/usr/bin/env bash
# The account API under load with many accounts: builds Release, seeds COUNT accounts into a fresh
# data folder through AccountStore (Para.Bench seed-accounts), starts the real service on a
# loopback port with that folder, and runs wrk --latency with 1 and 16 connections against the
# list, one account and /health/auth, printing p50/p99 per run.
#   bash bench/accounts-load.sh [count] [seconds]   (default 1001 accounts, 10 s per run)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-1001}
seconds=${2:-10}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)" >&2; exit 1; }

work=$(mktemp -d /tmp/para-accounts-load.XXXXXX)
service_pid=""
cleanup() {
  if [[ -n "$service_pid" ]]; then kill "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "::: building (Release)"
dotnet build "$root/bench/Para.Bench" -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
bin="$root/bench/Para.Bench/bin/Release/net10.0"

echo "::: seeding $count accounts into $work/data"
started=$(date +%s.%N)
account_id=$(dotnet "$bin/Para.Bench.dll" seed-accounts "$work/data" "$count")
echo "    $(echo "$(date +%s.%N) - $started" | bc) s"

port=$((20000 + RANDOM % 10000))
base="http://127.0.0.1:$port"
# Nothing listens on port 9: no token request can leave the machine (the seeded tokens are not due).
PARA_DATA_DIR="$work/data" ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$base" \
  dotnet "$root/src/Para.Accounts/bin/Release/net10.0/Para.Accounts.dll" \
  --Para:OAuth:TokenUrl=http://127.0.0.1:9/token --Para:OAuth:ApiKeyUrl=http://127.0.0.1:9/api-key \
  >"$work/service.log" 2>&1 &
service_pid=$!
for _ in $(seq 1 300); do
  curl -fsS "$base/ready" >/dev/null 2>&1 && break
  kill -0 "$service_pid" 2>/dev/null || { cat "$work/service.log"; exit 1; }
  sleep 0.1
done
key=$(cat "$work/data/admin.key")
header="Authorization: Bearer $key"
listed=$(curl -fsS -H "$header" "$base/api/accounts" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
bytes=$(curl -fsS -H "$header" "$base/api/accounts" | wc -c)
echo "::: service up at $base: $listed accounts listed, $bytes bytes"

run() { # path connections [accept-encoding]
  local threads=$(( $2 < 2 ? 1 : 2 ))
  local encoding=()
  [ -n "${3:-}" ] && encoding=(-H "Accept-Encoding: $3")
  wrk -t"$threads" -c"$2" -d"${seconds}s" --latency -H "$header" "${encoding[@]}" "$base$1" >"$work/wrk.txt"
  if grep -q "Non-2xx" "$work/wrk.txt"; then cat "$work/wrk.txt"; echo "non-2xx answers" >&2; exit 1; fi
  awk -v path="$1${3:+ ($3)}" -v c="$2" '
    $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 } $1 == "Requests/sec:" { rps = $2 }
    END { printf "%-36s %3d conn   p50 %9s   p99 %9s   %9s req/s\n", path, c, p50, p99, rps }' "$work/wrk.txt"
}

echo "::: warm-up"
for path in /api/accounts "/api/accounts/$account_id" /health/auth; do
  wrk -t1 -c4 -d3s -H "$header" "$base$path" >/dev/null
done

echo "::: wrk, ${seconds} s per run"
for path in /api/accounts "/api/accounts/$account_id" /health/auth; do
  for connections in 1 16; do run "$path" "$connections"; done
done
# What the console and every HttpClient with automatic decompression ask for.
for path in /api/accounts /health/auth; do
  for connections in 1 16; do run "$path" "$connections" gzip; done
done

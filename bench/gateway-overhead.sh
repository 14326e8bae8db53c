#!/usr/bin/env bash
# What the gateway adds to a Claude request: builds Release, seeds two accounts, starts the real
# account API and the real gateway on loopback ports in front of a local upstream (Para.Bench
# bench-upstream, which answers at once), then runs wrk --latency with 1, 16 and 64 connections
# against the upstream directly, through a bare YARP proxy (Para.Bench bench-bare-proxy: the floor
# any proxy has here) and through the gateway (POST /v1/messages, plain JSON), and times
# the first byte of a streamed answer with curl, both ways; each wrk run also shows the CPU time per
# request of the upstream, the account API and the gateway (from /proc).
#   [WARMUP_SECONDS=3] bash bench/gateway-overhead.sh [seconds] [ttfb-samples] [upstream-delay-ms]
# (default 10 s per run, 200 samples, an upstream that answers at once; a delay such as 50 makes it
# answer as a provider does, after the model worked, so throughput is bounded by latency, not CPU)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
samples=${2:-200}
delay_ms=${3:-0}
# Long enough for tiered compilation to settle, or the first runs' CPU figures are mostly the JIT's.
warmup_seconds=${WARMUP_SECONDS:-3}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)" >&2; exit 1; }

work=$(mktemp -d /tmp/para-gateway-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "::: building (Release)"
dotnet build "$root/bench/Para.Bench" -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
bin="$root/bench/Para.Bench/bin/Release/net10.0"

port() { echo $((20000 + RANDOM % 10000)); }
wait_ready() { # url pid log
  for _ in $(seq 1 300); do
    curl -fsS "$1/ready" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3"; exit 1; }
    sleep 0.1
  done
  cat "$3"; exit 1
}

dotnet "$bin/Para.Bench.dll" seed-accounts "$work/data" 2 >/dev/null
upstream="http://127.0.0.1:$(port)"
accounts="http://127.0.0.1:$(port)"
gateway="http://127.0.0.1:$(port)"

dotnet "$bin/Para.Bench.dll" bench-upstream "${upstream##*:}" "$delay_ms" >"$work/upstream.log" 2>&1 &
pids+=($!); wait_ready "$upstream" "${pids[-1]}" "$work/upstream.log"

# Nothing listens on port 9: no token request can leave the machine.
PARA_DATA_DIR="$work/data" ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$accounts" \
  ASPNETCORE_CONTENTROOT="$root/src/Para.Accounts/bin/Release/net10.0" \
  dotnet "$root/src/Para.Accounts/bin/Release/net10.0/Para.Accounts.dll" \
  --Para:OAuth:TokenUrl=http://127.0.0.1:9/token --Para:OAuth:ApiKeyUrl=http://127.0.0.1:9/api-key \
  >"$work/accounts.log" 2>&1 &
pids+=($!); wait_ready "$accounts" "${pids[-1]}" "$work/accounts.log"

admin="Authorization: Bearer $(cat "$work/data/admin.key")"
# The seeded priority-0 account is a console one; pause it so the max (Bearer + beta) path is measured.
curl -fsS -X PATCH -H "$admin" -H 'Content-Type: application/json' -d '{"paused":true}' "$accounts/api/accounts/account-0000" >/dev/null
key=$(curl -fsS -X POST -H "$admin" -H 'Content-Type: application/json' -d '{"name":"bench"}' "$accounts/api/gateway-keys" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')

# Its own folder as content root, so its appsettings.json (log levels) applies as it does when deployed.
PARA_DATA_DIR="$work/data" ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$gateway" \
  ASPNETCORE_CONTENTROOT="$root/src/Para.Gateway/bin/Release/net10.0" \
  dotnet "$root/src/Para.Gateway/bin/Release/net10.0/Para.Gateway.dll" \
  --Para:Client:AccountsAddress="$accounts" --Para:Gateway:DefaultEndpoint="$upstream" \
  >"$work/gateway.log" 2>&1 &
pids+=($!); wait_ready "$gateway" "${pids[-1]}" "$work/gateway.log"

# The floor: YARP alone (Kestrel, one route, the key swapped), what any proxy costs on this machine.
bare="http://127.0.0.1:$(port)"
dotnet "$bin/Para.Bench.dll" bench-bare-proxy "${bare##*:}" "$upstream" >"$work/bare.log" 2>&1 &
pids+=($!); wait_ready "$bare" "${pids[-1]}" "$work/bare.log"

body='{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"Hi"}]}'
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
wrk.headers["anthropic-beta"] = "claude-code-20250219"
LUA

# CPU time (user + system, clock ticks) a process has used so far, from /proc.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tick_us=$(( 1000000 / $(getconf CLK_TCK) ))

run() { # label url connections
  local threads=$(( $3 < 2 ? 1 : 2 ))
  local before=() pid
  for pid in "${pids[@]}"; do before+=("$(cpu_ticks "$pid")"); done
  wrk -t"$threads" -c"$3" -d"${seconds}s" --latency -s "$work/post.lua" -H "Authorization: Bearer $key" "$2/v1/messages" >"$work/wrk.txt"
  if grep -q "Non-2xx" "$work/wrk.txt"; then cat "$work/wrk.txt"; echo "non-2xx answers" >&2; exit 1; fi
  awk -v label="$1" -v c="$3" '
    $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 } $1 == "Requests/sec:" { rps = $2 }
    END { printf "%-8s %3d conn   p50 %9s   p99 %9s   %9s req/s", label, c, p50, p99, rps }' "$work/wrk.txt"
  # CPU per request of each process (upstream, account API, gateway, bare proxy) during this run.
  local requests i names=(upstream accounts gateway bare)
  requests=$(awk '$2 == "requests" && $3 == "in" { print $1 }' "$work/wrk.txt")
  printf "   CPU/request:"
  for i in "${!pids[@]}"; do
    printf " %s %d µs" "${names[$i]}" $(( ($(cpu_ticks "${pids[$i]}") - ${before[$i]}) * tick_us / requests ))
  done
  echo
}

ttfb() { # label url
  local stream='{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Hi"}]}'
  for _ in $(seq 1 "$samples"); do
    curl -sS -N -o /dev/null -w '%{time_starttransfer}\n' -X POST -H "Authorization: Bearer $key" \
      -H 'Content-Type: application/json' -d "$stream" "$2/v1/messages"
  done | sort -n | awk -v label="$1" '{ v[NR] = $1 } END {
    printf "%-8s stream first byte   p50 %.2f ms   p99 %.2f ms   (%d samples)\n", label, v[int(NR*0.5)]*1000, v[int(NR*0.99)]*1000, NR }'
}

echo "::: warm-up, ${warmup_seconds} s each way"
for target in "$upstream" "$bare" "$gateway"; do
  wrk -t1 -c4 -d"${warmup_seconds}s" -s "$work/post.lua" -H "Authorization: Bearer $key" "$target/v1/messages" >/dev/null
done

echo "::: wrk, ${seconds} s per run, POST /v1/messages"
for connections in 1 16 64; do
  run direct "$upstream" "$connections"
  run bare "$bare" "$connections"
  run gateway "$gateway" "$connections"
done
echo "::: curl, time to first byte of a stream"
ttfb direct "$upstream"
ttfb bare "$bare"
ttfb gateway "$gateway"
recorded=$(curl -fsS -H "$admin" "$accounts/api/accounts/account-0001" | python3 -c 'import json,sys; print(json.load(sys.stdin)["usage"]["totalRequests"])')
echo "::: the account API recorded $recorded requests for the serving account"

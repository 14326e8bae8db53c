#!/usr/bin/env bash
# The whole Para set under the Aspire AppHost, measured as a user runs it headless:
#   1. time from starting the (already built) AppHost to "both services healthy";
#   2. then, idle for N seconds (default 60): CPU of every process (AppHost, DCP, dashboard,
#      both services) from /proc/<pid>/stat, and their memory as PSS from smaps_rollup.
# Processes are found by the AppHost's own data folder in their environment (DCP detaches, so
# they are not all its descendants).   bench/apphost-idle.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
dll=AppHost/bin/Debug/net10.0/Para.AppHost.dll
[ -f "$dll" ] || { echo "build the AppHost first: dotnet build AppHost"; exit 1; }
data=$(mktemp -d)
log=$(mktemp)
# SIGTERM: a job started with & from a script ignores SIGINT.
cleanup() { [ -n "${apphost:-}" ] && kill -TERM "$apphost" 2>/dev/null; sleep 5; rm -rf "$data" "$log"; }
trap cleanup EXIT

start=$(date +%s.%N)
env ASPNETCORE_URLS=http://localhost:15180 ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://localhost:19180 \
  ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://localhost:20180 ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
  DOTNET_ENVIRONMENT=Development PARA_DATA_DIR="$data" Para__Ports__accounts=5380 Para__Ports__container-auth=5381 \
  dotnet "$dll" --headless >"$log" 2>&1 </dev/null &
apphost=$!
until grep -q "both services healthy" "$log"; do
  kill -0 "$apphost" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
ready=$(date +%s.%N)
awk -v s="$start" -v e="$ready" 'BEGIN { printf "start to both services healthy: %.1f s (wall, from process start)\n", e - s }'
grep "both services healthy" "$log"

pids() {
  for dir in /proc/[0-9]*; do
    { tr '\0' '\n' <"$dir/environ"; } 2>/dev/null | grep -qx "PARA_DATA_DIR=$data" && basename "$dir"
  done
}
sleep 10   # first health checks, dashboard start-up: not idle
ticks=$(getconf CLK_TCK)
declare -A before
for pid in $(pids); do before[$pid]=$(awk '{print $14 + $15}' "/proc/$pid/stat"); done
t0=$(date +%s.%N)
sleep "$seconds"
t1=$(date +%s.%N)
total_cpu=0; total_pss=0
printf "%-8s %-28s %10s %10s\n" pid process "cpu %" "pss MiB"
for pid in "${!before[@]}"; do
  [ -d "/proc/$pid" ] || continue
  after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup")
  name=$(tr '\0' ' ' <"/proc/$pid/cmdline" | awk '{ n = $1; if (n ~ /dotnet$/) n = $2; sub(".*/", "", n); print n " " $2 }' | cut -c1-28)
  cpu=$(awk -v a="$after" -v b="${before[$pid]}" -v t="$ticks" -v w0="$t0" -v w1="$t1" 'BEGIN { printf "%.2f", 100 * (a - b) / t / (w1 - w0) }')
  printf "%-8s %-28s %10s %10.1f\n" "$pid" "$name" "$cpu" "$(awk -v p="$pss" 'BEGIN { print p / 1024 }')"
  total_cpu=$(awk -v a="$total_cpu" -v b="$cpu" 'BEGIN { print a + b }')
  total_pss=$((total_pss + pss))
done
awk -v c="$total_cpu" -v p="$total_pss" -v s="$seconds" 'BEGIN { printf "idle %ss, whole set: cpu %.2f%% of one core, pss %.1f MiB\n", s, c, p / 1024 }'

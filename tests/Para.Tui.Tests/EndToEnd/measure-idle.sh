#!/usr/bin/env bash
# Idle cost of the console: runs the built para binary at 80x24 in tmux for a minute and reports
# its CPU (from /proc/<pid>/stat utime+stime) and resident memory (VmRSS, sampled every second).
#   measure-idle.sh [seconds] [accounts-url] [container-auth-url]
# Without URLs both services point at a closed port (the header shows them down).
set -euo pipefail
cd "$(dirname "$0")/../../.."
seconds=${1:-60}
closed="http://127.0.0.1:9"
accounts=${2:-$closed}
containerauth=${3:-$closed}
dll=tui/Para.Tui/bin/Debug/net10.0/para.dll
[ -f "$dll" ] || { echo "build tui/Para.Tui first"; exit 1; }
data=$(mktemp -d); (umask 077; echo measure-key >"$data/admin.key")
session="para-idle-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$data"' EXIT

tmux new-session -d -s "$session" -x 80 -y 24 \
  "env ${PARA_IDLE_ENV:-} PARA_DATA_DIR=$data services__accounts__http__0=$accounts services__container-auth__http__0=$containerauth dotnet $dll; sleep 600"
shell=$(tmux display -p -t "$session" '#{pane_pid}')
sleep 10   # start-up and first loads are not idle
pid=$(pgrep -P "$shell" dotnet) || { echo "para is not running:"; tmux capture-pane -p -t "$session"; exit 1; }
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
start_cpu=$(cpu); start=$(date +%s.%N); min_rss=; max_rss=0
for _ in $(seq "$seconds"); do
  [ -d "/proc/$pid" ] || { echo "para exited:"; tmux capture-pane -p -t "$session"; exit 1; }
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  [ -z "$min_rss" ] || [ "$rss" -lt "$min_rss" ] && min_rss=$rss
  [ "$rss" -gt "$max_rss" ] && max_rss=$rss
  sleep 1
done
end_cpu=$(cpu); end=$(date +%s.%N)
awk -v c=$((end_cpu - start_cpu)) -v t="$ticks" -v s="$start" -v e="$end" -v lo="$min_rss" -v hi="$max_rss" 'BEGIN {
  wall = e - s; used = c / t
  printf "idle %.0fs: cpu %.2fs = %.2f%% of one core; rss %.1f-%.1f MiB\n", wall, used, 100 * used / wall, lo / 1024, hi / 1024 }'
tmux capture-pane -p -t "$session" | head -1

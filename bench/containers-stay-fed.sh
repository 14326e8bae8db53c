#!/usr/bin/env bash
# Containers stay fed (issue 11, end-to-end scenario). Two ways, see bench/containers-stay-fed.md:
#   bash bench/containers-stay-fed.sh                 the scenario as a test: real AppHost, real engine,
#                                                     the in-test OpenIddict server with 20 s tokens
#   bash bench/containers-stay-fed.sh watch C1 C2 ... samples running containers of your own Para
#                                                     every 2 s (PARA_WATCH_SECONDS, default 120)
# Never prints a token: fingerprints (sha256, 12 hex) only.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != watch ]; then
  dotnet build tests/Para.IntegrationTests -v q -clp:ErrorsOnly --nologo
  dotnet test tests/Para.IntegrationTests --no-build --filter "FullyQualifiedName~ContainersStayFedTests" \
    --logger "console;verbosity=normal" | grep -E "fed after start|samples over|requires-reauth after|fed the new token|Passed!|Failed!|Failed |Assert"
  exit "${PIPESTATUS[0]}"
fi

shift
[ $# -gt 0 ] || { echo "usage: $0 watch CONTAINER..." >&2; exit 2; }
seconds=${PARA_WATCH_SECONDS:-120}
end=$(( $(date +%s) + seconds ))
oldest=0; problems=0; samples=0
declare -A ids started
for c in "$@"; do
  ids[$c]=$(docker inspect --format '{{.Id}}' "$c")
  started[$c]=$(docker inspect --format '{{.State.StartedAt}}' "$c")
done
while [ "$(date +%s)" -lt "$end" ]; do
  samples=$((samples + 1))
  now_ms=$(( $(date +%s%N) / 1000000 ))
  line="$(date -u +%H:%M:%S)"
  for c in "$@"; do
    json=$(docker exec "$c" sh -c 'cat "$HOME/.claude/.credentials.json"')
    fp=$(printf '%s' "$json" | python3 -c 'import hashlib,json,sys; t=json.load(sys.stdin)["claudeAiOauth"]; print("sha256:"+hashlib.sha256(t["accessToken"].encode()).hexdigest()[:12], t["expiresAt"], len(t.get("refreshToken") or ""))')
    read -r fingerprint expires refresh_len <<<"$fp"
    left=$(( (expires - now_ms) / 1000 ))
    flag=""
    [ "$left" -gt 0 ] || { flag=" EXPIRED"; problems=$((problems + 1)); }
    [ "$refresh_len" -eq 0 ] || { flag="$flag REFRESH-TOKEN"; problems=$((problems + 1)); }
    [ "$(docker inspect --format '{{.Id}} {{.State.StartedAt}}' "$c")" = "${ids[$c]} ${started[$c]}" ] || { flag="$flag RESTARTED"; problems=$((problems + 1)); }
    line="$line  $c $fingerprint ${left}s left$flag"
  done
  echo "$line"
  sleep 2
done
echo "$samples samples of $# containers over ${seconds}s: $problems problem(s) (expired, refresh token held, restarted)"
[ "$problems" -eq 0 ]

#!/usr/bin/env bash
# Para's reauth-all over the same images as reauth-all-docker-cli.sh (base + BENCH_COUNT custom), end
# to end: the container-auth service (Release build) on a loopback port, a stand-in account API
# (python3 on loopback, fake tokens), and `para auth reauth-all` timed from the shell.
#   bash bench/reauth-all-para.sh [runs] [parallel]   (default 3 runs, the service's parallelism)
# Every run starts like the docker CLI script: no authenticated images yet (removed untimed).
set -euo pipefail
cd "$(dirname "$0")"
source ./images.sh
root=$(cd .. && pwd)
runs=${1:-3}
parallel=${2:-}

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  bench_remove_images
  rm -rf "$work"
}
trap cleanup EXIT

echo "::: building (Release)"
dotnet build "$root/src/Para.ContainerAuth" -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
dotnet build "$root/tui/Para.Tui" -c Release --nologo -v q -clp:ErrorsOnly >/dev/null

accounts_port=$((20000 + RANDOM % 10000))
service_port=$((30000 + RANDOM % 10000))
key=bench-admin-key

# The account API's credentials export, for any account name: the tokens are fake.
python3 - "$accounts_port" >"$work/accounts.log" 2>&1 <<'PY' &
import json, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["api", "accounts"] and parts[3] == "credentials":
            expires = int((time.time() + 30 * 86400) * 1000)
            body = json.dumps({
                "accountName": parts[2],
                "expiresAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires / 1000)),
                "fingerprint": "bench-%d" % expires,
                "credentials": {"claudeAiOauth": {"accessToken": "fake-access", "refreshToken": "fake-refresh",
                    "expiresAt": expires, "scopes": ["user:inference"], "subscriptionType": "max"}},
                "accountDetails": {"oauthAccount": {"accountUuid": "uuid-bench", "emailAddress": "bench@example.test",
                    "organizationName": None}, "hasCompletedOnboarding": True},
            }).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(200 if self.path == "/alive" else 404)
            self.end_headers()
    def log_message(self, *args):
        pass
HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY
pids+=($!)

PARA_DATA_DIR="$work/data" \
ASPNETCORE_URLS="http://127.0.0.1:$service_port" \
Para__AdminKey=$key Para__Client__AdminKey=$key \
services__accounts__http__0="http://127.0.0.1:$accounts_port" \
Para__ContainerAuth__NamePrefix="$BENCH_PREFIX" \
Para__ContainerAuth__BaseImage="$BENCH_BASE" \
Para__ContainerAuth__AuthenticatedImage="$BENCH_AUTHENTICATED" \
Para__ContainerAuth__DefaultAccount=bench \
Logging__LogLevel__Default=Warning \
  dotnet "$root/src/Para.ContainerAuth/bin/Release/net10.0/Para.ContainerAuth.dll" >"$work/service.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$service_port/alive" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$service_port/alive" >/dev/null || { echo "service did not start:"; tail -20 "$work/service.log"; exit 1; }

bench_remove_images
bench_make_images

para() {
  PARA_DATA_DIR="$work/data" Para__Client__ContainerAuthAddress="http://127.0.0.1:$service_port" Para__Client__AdminKey=$key \
    dotnet "$root/tui/Para.Tui/bin/Release/net10.0/para.dll" "$@"
}

for run in $(seq 1 "$runs"); do
  docker images --format '{{.Repository}}:{{.Tag}}' | grep "^${BENCH_PREFIX}.*authenticated:latest$" | xargs -r docker rmi -f >/dev/null  || true
  start=$(date +%s.%N)
  # Named: plain builds carry no label of Para's, and reauth-all takes only managed or named images.
  para auth reauth-all ${parallel:+--parallel "$parallel"} "${BENCH_CUSTOM[@]}" >"$work/run-$run.log"
  end=$(date +%s.%N)
  grep -E "^(ok|FAILED)" "$work/run-$run.log" | sed "s/^/    /"
  tail -1 "$work/run-$run.log"
  printf 'para auth reauth-all, run %s: %s images (base + %s custom) in %.2f s\n' "$run" "$BENCH_TOTAL" "$BENCH_COUNT" "$(awk "BEGIN { print $end - $start }")"
done

para verify "${BENCH_CUSTOM[-1]%:latest}-authenticated:latest" --command true >/dev/null

#!/usr/bin/env bash
# The seed's reauth-all done the way its scripts do it: with the docker CLI, one image at a time.
# For the base and each custom image (BENCH_COUNT, default 20): create a container (network none),
# copy the credential files in (0600, owned by para), commit as <name>-authenticated:latest with
# labels, remove the container. Prints the wall time of that loop (image creation is not timed).
#   bash bench/reauth-all-docker-cli.sh [parallel]
# With parallel > 1 (the plain loop Para is held to: 4, its default): the base first, then the
# custom images that many at a time (xargs -P), the same four docker calls each.
set -euo pipefail
cd "$(dirname "$0")"
source ./images.sh
parallel=${1:-1}

work=$(mktemp -d)
trap 'rm -rf "$work"; bench_remove_images' EXIT

# Fake credentials in Claude Code's format (the tokens are not real; the Docker side is).
expires_ms=$(( ($(date +%s) + 30 * 86400) * 1000 ))
mkdir -p "$work/home/.claude"
printf '{"claudeAiOauth":{"accessToken":"fake-access","refreshToken":"fake-refresh","expiresAt":%s,"scopes":["user:inference"],"subscriptionType":"max"}}' \
  "$expires_ms" >"$work/home/.claude/.credentials.json"
printf '{"oauthAccount":{"accountUuid":"uuid-bench","emailAddress":"bench@example.test","organizationName":null},"hasCompletedOnboarding":true}' \
  >"$work/home/.claude.json"
chmod 700 "$work/home/.claude"
chmod 600 "$work/home/.claude/.credentials.json" "$work/home/.claude.json"
tar -C "$work/home" --owner=1000 --group=1000 --numeric-owner -cf "$work/credentials.tar" .claude .claude.json

bench_remove_images
bench_make_images

authenticate() { # source target
  local container
  container=$(docker create --pull never --network none --name "${BENCH_PREFIX}auth-tmp-$$-$RANDOM" "$1")
  docker cp - "$container:/home/para" <"$work/credentials.tar"
  docker commit \
    --change "LABEL para.account=bench para.expires-at=$expires_ms para.fingerprint=bench" \
    "$container" "$2" >/dev/null
  docker rm -f "$container" >/dev/null
}

export -f authenticate
export work expires_ms BENCH_PREFIX
start=$(date +%s.%N)
authenticate "$BENCH_BASE" "$BENCH_AUTHENTICATED"
if [ "$parallel" -le 1 ]; then
  for image in "${BENCH_CUSTOM[@]}"; do
    authenticate "$image" "${image%:latest}-authenticated:latest"
  done
else
  printf '%s\n' "${BENCH_CUSTOM[@]}" | xargs -P "$parallel" -I{} bash -c 'authenticate "$1" "${1%:latest}-authenticated:latest"' _ {}
fi
end=$(date +%s.%N)

# The same check as Para's verify: the file is there, 0600 and para's.
docker run --pull never --rm --network none "${BENCH_CUSTOM[-1]%:latest}-authenticated:latest" \
  stat -c '%a %u' /home/para/.claude/.credentials.json | grep -qx '600 1000'
printf 'docker CLI, %s at a time: %s images (base + %s custom) in %.2f s\n' "$parallel" "$BENCH_TOTAL" "$BENCH_COUNT" "$(awk "BEGIN { print $end - $start }")"

#!/usr/bin/env bash
# Shared by both reauth-all benchmarks: the same images (the base plus BENCH_COUNT custom images,
# default 20), all made from para-test-base:latest (USER para) without network, and their removal afterwards.
set -euo pipefail

BENCH_PREFIX=${BENCH_PREFIX:-para-bench-}
BENCH_BASE="${BENCH_PREFIX}claude:latest"
BENCH_AUTHENTICATED="${BENCH_PREFIX}authenticated:latest"
BENCH_CUSTOM=()
BENCH_COUNT=${BENCH_COUNT:-20}
BENCH_TOTAL=$((BENCH_COUNT + 1))
for i in $(seq -w 1 "$BENCH_COUNT"); do BENCH_CUSTOM+=("${BENCH_PREFIX}repo${i}:latest"); done

bench_make_images() {
  DOCKER_BUILDKIT=0 docker build -q -t "$BENCH_BASE" - >/dev/null 2>&1 <<'DOCKERFILE'
FROM para-test-base:latest
USER para
DOCKERFILE
  local i=0
  for image in "${BENCH_CUSTOM[@]}"; do
    i=$((i + 1))
    # Distinct images, as real custom images are: each one its own layer on the base.
    DOCKER_BUILDKIT=0 docker build -q -t "$image" - >/dev/null 2>&1 <<DOCKERFILE
FROM $BENCH_BASE
USER root
RUN echo "custom image $i" > /etc/para-custom
USER para
DOCKERFILE
  done
}

bench_remove_images() {
  docker ps -aq --filter "name=^${BENCH_PREFIX}" | xargs -r docker rm -f >/dev/null
  docker images --format '{{.Repository}}:{{.Tag}}' | grep "^${BENCH_PREFIX}" | xargs -r docker rmi -f >/dev/null || true
}

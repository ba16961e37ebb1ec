#!/usr/bin/env bash
# Builds the bench module and measures resident memory over a long DPO run on the built-in diffusion model;
# writes bench/results/dpo-memory.md.
# Usage: OMP_NUM_THREADS=1 nice bash bench/run-dpo-memory.sh [STEPS=2000] [PAIRS=4] [EVERY=50] [WARMUP=200] [CHECKPOINT_EVERY=250] [OUT] [MODE=raw|trim]
# (glibc allocator variables such as MALLOC_ARENA_MAX in the environment are recorded in the report)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -o -pl bench -am package -DskipTests
OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Xms768m -Xmx768m -XX:+AlwaysPreTouch \
  -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.genalign.bench.DpoMemory "${1:-2000}" "${2:-4}" \
  "${3:-50}" "${4:-200}" "${5:-250}" "${6:-bench/results/dpo-memory.md}" "${7:-raw}"

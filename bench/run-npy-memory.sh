#!/usr/bin/env bash
# Builds the bench module and measures the memory of reading a large float32 .npy; writes bench/results/npy-memory.md.
# Usage: bash bench/run-npy-memory.sh [SIZE_MIB]   (default 1024; needs about 4x that in free memory)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests
OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Xmx6g \
  -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.genalign.bench.NpyMemory "${1:-1024}"

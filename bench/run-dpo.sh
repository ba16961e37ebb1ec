#!/usr/bin/env bash
# Builds the bench module and runs the diffusion / f-divergence DPO benchmark; writes bench/results/dpo.md.
# Usage: bash bench/run-dpo.sh [REPS] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests
OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Xmx3g \
  -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.genalign.bench.DpoBench "${1:-5}" "${2:-8}"

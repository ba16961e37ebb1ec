#!/usr/bin/env bash
# Builds the bench module and runs the latent particle flow benchmark; writes bench/results/flow.md.
# Usage: bash bench/run-flow.sh [REPS] [SCALING_STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests
java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Xmx4g \
  -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.genalign.bench.FlowBench "${1:-3}" "${2:-3}"

#!/usr/bin/env bash
# Builds the bench module and runs the noise-alignment benchmark; writes bench/results/align.md.
# Usage: bash bench/run-align.sh [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests
java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Xmx2g \
  -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.genalign.bench.AlignBench "${1:-5}"

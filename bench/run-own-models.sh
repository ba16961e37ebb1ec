#!/usr/bin/env bash
# Builds the bench module and runs genalign's noise-alignment step side by side with the same step written in
# PyTorch (examples/tiny-t2i/bench_align_step.py, run with Debian's /usr/bin/python3), one thread each,
# interleaved step by step; writes bench/results/own-models-run.md (the last run; bench/results/own-models.md is the
# curated report). Needs /usr/bin/python3 with torch (apt-get install python3-torch); never run by tests or CI.
# Usage: bash bench/run-own-models.sh [ROUNDS] [WARMUP] [STEPS] [OUT]  (defaults 4 20 80; the three sides take
# one step each in turn, so ROUNDS x STEPS timed steps per side)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp -o -q -pl bench -am package -DskipTests
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Xmx2g \
  -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.genalign.bench.OwnModelBench \
  --blocks "${1:-4}" --warmup "${2:-20}" --steps "${3:-80}" --out "${4:-bench/results/own-models-run.md}" \
  --command "bash bench/run-own-models.sh ${*}"

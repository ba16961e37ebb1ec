#!/usr/bin/env bash
# Builds the bench module and runs the noise-alignment benchmark; writes bench/results/align.md.
# Usage: bash bench/run-align.sh [REPS]
# With TORCH_THREADS=N in the environment, PyTorch runs N intra-op threads (OMP_NUM_THREADS and DJL's setting); on a
# machine shared with other CPU-heavy jobs, TORCH_THREADS=1 avoids OpenMP threads waiting for each other.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests
threads=()
if [[ -n "${TORCH_THREADS:-}" ]]; then
  export OMP_NUM_THREADS="$TORCH_THREADS"
  threads=(-Dai.djl.pytorch.num_threads="$TORCH_THREADS")
fi
java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Xmx2g "${threads[@]}" \
  -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.genalign.bench.AlignBench "${1:-5}"

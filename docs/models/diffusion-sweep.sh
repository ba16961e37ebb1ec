#!/usr/bin/env bash
# Figures of the built-in diffusion model under other sampler settings. Usage:
#   bash docs/models/diffusion-sweep.sh [WEIGHTS.params|shipped] PER_CLASS STEPS:GUIDANCE...
set -euo pipefail
cd "$(dirname "$0")/../.."
./genalign zoo list > /dev/null # builds the command-line tool when needed
OPT_OUT_TRACKING=true exec java -Dai.djl.offline=true -cp "cli/target/genalign-cli.jar:cli/target/lib/*" \
  bench/src/main/java/io/genalign/bench/tools/DiffusionSweep.java "$@"

#!/usr/bin/env bash
# Prints the per-class table of docs/models.md ("The two phases, measured") for the generator weight files given
# ("shipped" = the generator inside genalign). Usage: bash docs/models/compare-generators.sh A.params shipped
set -euo pipefail
cd "$(dirname "$0")/../.."
./genalign zoo list > /dev/null # builds the command-line tool when needed
OPT_OUT_TRACKING=true exec java -Dai.djl.offline=true -cp "cli/target/genalign-cli.jar:cli/target/lib/*" \
  bench/src/main/java/io/genalign/bench/tools/CompareGenerators.java "$@"

#!/usr/bin/env bash
# GMI's mollifier sigma and KRR ridge, each against KDE on the same latents (docs/results/gmi-sweep/README.md).
# Five settings of `genalign experiment refine --methods kde,gmi --seeds 4 --batches 1 --particles 64`, each
# written to OUT/NAME (default OUT: a scratch folder), then summarised by summarise.py. About 6 minutes per
# setting on one core. Usage, from the repository root: bash docs/results/gmi-sweep/run.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/../../.."
out="${1:-$(mktemp -d)}"
for s in "s0.05-r1 0.05 1r" "s0.2-r1 0.2 1r" "s0.5-r1 0.5 1r" "s0.05-r0.1 0.05 0.1r" "s0.05-r10 0.05 10r"; do
  set -- $s
  ./genalign experiment refine --methods kde,gmi --seeds 4 --batches 1 --particles 64 --mollifier-sigma "$2" \
    --ridge "$3" --out "$out/$1"
done
python3 docs/results/gmi-sweep/summarise.py "$out"

#!/usr/bin/env bash
# Reproduces the reward-hacking demonstration of docs/alignment.md: the contrast reward ("aesthetic"-style)
# optimised without a regularizer and with MPGR, 8 seeds of "sneaker", 200 steps, default optimizer settings.
# Writes docs/results/hacking-none/ and docs/results/hacking-mpgr/ (each a full align report with index.html).
set -euo pipefail
cd "$(dirname "$0")/../.."
for reg in none mpgr; do
  ./genalign align --prompt sneaker --reward contrast --regularizer "$reg" --steps 200 --seeds 8 --seed 3 \
    --out "docs/results/hacking-$reg" --overwrite
done

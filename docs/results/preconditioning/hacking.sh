#!/usr/bin/env bash
# The reward-hacking demonstration of docs/alignment.md (contrast reward, "sneaker", 8 seeds, 200 steps, seed 3,
# default optimizer) rerun on the current tree with no regularizer, MPGR, and the preconditioned update (no
# regularizer). Writes docs/results/preconditioning/hacking-{none,mpgr,preconditioned}/ (full align reports).
set -euo pipefail
cd "$(dirname "$0")/../../.."
export OMP_NUM_THREADS=1
for reg in none mpgr; do
  ./genalign align --prompt sneaker --reward contrast --regularizer "$reg" --steps 200 --seeds 8 --seed 3 \
    --out "docs/results/preconditioning/hacking-$reg" --overwrite
done
./genalign align --prompt sneaker --reward contrast --regularizer none --update preconditioned --steps 200 --seeds 8 \
  --seed 3 --out docs/results/preconditioning/hacking-preconditioned --overwrite

#!/usr/bin/env bash
# Regenerates the sample grids of docs/models.md from the shipped generator (seed 0, 16 images per class).
set -euo pipefail
cd "$(dirname "$0")/../.."
for c in "t-shirt/top" trouser pullover dress coat sandal shirt sneaker bag "ankle boot"; do
  f="docs/models/$(echo "$c" | tr -c 'a-z\n' '-').png"
  ./genalign sample --prompt "$c" -n 16 --seed 0 --out "$f" --overwrite
done

#!/usr/bin/env python3
"""Paired per-seed differences of `genalign experiment refine` results (from its provenance.json).

Usage: python3 docs/results/refine-paired.py docs/results/refine/provenance.json
Prints, for FID, gmi minus every other row (mean over seeds ± 95% Student-t half-width, and in how many seeds
GMI was lower), and the within-class diversity differences gmi − base and gmi − kde.
"""
import json, math, sys

T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}

def mean_ci(v):
    n = len(v)
    m = sum(v) / n
    if n < 2:
        return m, float("nan")
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (n - 1))
    return m, T95.get(n - 1, 1.96) * sd / math.sqrt(n)

t = json.load(open(sys.argv[1]))["results"]["table"]
fid = t["fid"]
print("| comparison | ΔFID | GMI lower |\n|---|---|---|")
for other in [k for k in fid if k != "gmi"]:
    d = [g - o for g, o in zip(fid["gmi"], fid[other])]
    m, h = mean_ci(d)
    print(f"| gmi − {other} | {m:+.3f} ± {h:.3f} | {sum(x < 0 for x in d)}/{len(d)} |")
div = t["diversity"]
for other in ("base", "kde"):
    m, h = mean_ci([g - o for g, o in zip(div["gmi"], div[other])])
    print(f"\nDiversity gmi − {other}: {m:+.3f} ± {h:.3f}")

#!/usr/bin/env python3
"""Summarises the GMI sweep folders written by run.sh: per setting, GMI's FID, KDE's FID on the same latents,
the paired difference GMI − KDE (mean over seeds ± 95% Student-t half-width, seeds where GMI was lower) and the
within-class diversity of both. Usage: python3 docs/results/gmi-sweep/summarise.py OUT"""
import json, math, os, sys

T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571}

def mean_ci(v):
    n = len(v)
    m = sum(v) / n
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (n - 1)) if n > 1 else float("nan")
    return m, T95.get(n - 1, 1.96) * sd / math.sqrt(n)

out = sys.argv[1]
print("| setting | mollifier σ_q | ridge λ | base FID | KDE FID | GMI FID | GMI − KDE (paired) | GMI lower | diversity KDE | diversity GMI |")
print("|---|---|---|---|---|---|---|---|---|---|")
for name in sorted(os.listdir(out)):
    p = os.path.join(out, name, "provenance.json")
    if not os.path.exists(p):
        continue
    prov = json.load(open(p))
    opts = prov["config"]["options"]
    t = prov["results"]["table"]
    fid, div = t["fid"], t["diversity"]
    d = [g - k for g, k in zip(fid["gmi"], fid["kde"])]
    m, h = mean_ci(d)
    f = lambda row: "%.3f ± %.3f" % mean_ci(fid[row])
    print(f"| {name} | {opts['mollifier_sigma']} | {opts['ridge']} | {f('base')} | {f('kde')} | {f('gmi')} | "
          f"{m:+.3f} ± {h:.3f} | {sum(x < 0 for x in d)}/{len(d)} | {mean_ci(div['kde'])[0]:.3f} | {mean_ci(div['gmi'])[0]:.3f} |")

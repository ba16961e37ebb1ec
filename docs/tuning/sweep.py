#!/usr/bin/env python3
"""Learning-rate / optimizer / regularizer-weight sweep that chose genalign align's defaults.

Runs `./genalign align` on tuning prompts with tuning seeds (base seed 1000, disjoint from the experiment's
seed 0) and summarises, per setting, the mean over prompts and seeds of: the best target reward (classifier A's
log-probability), classifier B's held-out log-probability at that best iterate, realism at that iterate, and
the KS distance of the best latent to N(0,1). Usage: python3 docs/tuning/sweep.py OUT_DIR > docs/tuning/sweep.md
"""
import itertools, json, os, subprocess, sys

out = sys.argv[1]
prompts = ["t-shirt", "sneaker"]
grid = []
for rule, lrs in (("SGD_NESTEROV", [0.003, 0.01, 0.03, 0.1, 0.3]), ("ADAM", [0.003, 0.01, 0.03, 0.1])):
    for lr in lrs:
        for reg, w in (("none", None), ("mpgr", 1.0)):
            grid.append((rule, lr, reg, w))
extra = sys.argv[2:]  # optional: extra settings "RULE:LR:REG:W"
if extra:
    grid = [(r, float(l), g, float(w) if w != "-" else None) for r, l, g, w in (e.split(":") for e in extra)]

def summarise(folder):
    rows = json.load(open(os.path.join(folder, "metrics.json")))
    by_seed = {}
    for r in rows:
        if r.get("target") is None:
            continue
        s = by_seed.setdefault(r["seed"], None)
        if s is None or r["target"] > s["target"]:
            by_seed[r["seed"]] = r
    init = {r["seed"]: r for r in rows if r["step"] == 0}
    keys = ["target", "heldout_classifier-b", "heldout_realism", "latent_ks"]
    best = {k: sum(v[k] for v in by_seed.values()) / len(by_seed) for k in keys}
    start = {k: sum(v[k] for v in init.values()) / len(init) for k in keys}
    return start, best

print("| optimizer | lr | regularizer | weight | target start -> best | classifier B at best | realism at best | KS of best latent |")
print("|---|---|---|---|---|---|---|---|")
for rule, lr, reg, w in grid:
    acc = []
    for p in prompts:
        name = f"{rule}-{lr}-{reg}-{w}-{p.replace(' ', '_')}"
        folder = os.path.join(out, name)
        if not os.path.exists(folder):
            cmd = ["./genalign", "align", "--prompt", p, "--optimizer", rule, "--lr", str(lr), "--regularizer", reg,
                   "--seed", "1000", "--seeds", "4", "--steps", "100", "--out", folder]
            if w is not None:
                cmd += ["--reg-weight", str(w)]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        acc.append(summarise(folder))
    n = len(acc)
    mean = lambda part, k: sum(a[part][k] for a in acc) / n
    print(f"| {rule} | {lr} | {reg} | {w if w is not None else '-'} | {mean(0,'target'):.2f} -> {mean(1,'target'):.2f} | "
          f"{mean(0,'heldout_classifier-b'):.2f} -> {mean(1,'heldout_classifier-b'):.2f} | "
          f"{mean(0,'heldout_realism'):.2f} -> {mean(1,'heldout_realism'):.2f} | {mean(1,'latent_ks'):.3f} |", flush=True)

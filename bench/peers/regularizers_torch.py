#!/usr/bin/env python3
"""PyTorch peer of genalign's regularizer benchmark (issue 13).

MPGR, DNO's PRNO and ReNO's norm written directly in PyTorch with autograd, the way a researcher would write them
(conventions of docs/regularizers.md: MPGR with moment orders {1, 2}, lambda 25, blocks of 16 bins of the full
|FFT|/sqrt(D), natural + one randomly permuted spectrum averaged; PRNO with k = 4, the sequential term plus 100
shuffles, as in DNO's compute_probability_regularization; the norm 0.5*||x||^2 - (D-1)*ln||x||).

It reads the inputs that the Java side (io.genalign.bench.RegularizerPeerBench) wrote into WORK/inputs, times value +
gradient per call (median of many calls, batch 1, float32, torch.set_num_threads(THREADS)), checks its values (and
two gradients) against the Java side's deterministic checks in WORK/java-checks.json, and writes WORK/torch-ROUND.json.
Installs nothing: it needs python3-torch (Debian: apt-get install python3-torch) and NumPy.

Usage: /usr/bin/python3 bench/peers/regularizers_torch.py --work DIR [--threads 1] [--round 1] [--seconds 1.5]
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

SQRT_PI_2 = math.sqrt(math.pi) / 2


# --- the regularizers, per sample of a (B, D) batch --------------------------------------------------------------

def moment_target(n):
    if n % 2 == 1:
        return 0.0
    f = 1.0
    for k in range(n - 1, 1, -2):
        f *= k
    return f ** (1.0 / n)


def power_loss(z, block=16, mu=SQRT_PI_2):
    d = z.shape[1]
    a = torch.fft.fft(z, dim=1).abs() / math.sqrt(d)
    nb = d // block
    means = a[:, :nb * block].reshape(z.shape[0], nb, block).mean(dim=2)
    return (means - mu).abs().mean(dim=1)


def mpgr(x, orders=(1, 2), lam=25.0, mode="both"):
    loss = 0
    for n in orders:
        m = (x ** n).mean(dim=1)
        stat = m.abs() if n == 1 else m.abs().pow(1.0 / n)
        loss = loss + (stat - moment_target(n)).abs()
    if mode == "natural":
        return loss + lam * power_loss(x)
    perm = torch.randperm(x.shape[1])
    return loss + lam * 0.5 * (power_loss(x) + power_loss(x[:, perm]))


def prno_single(z, k):
    # z: (m, k); DNO's compute_probability_regularization_single
    m = z.shape[0]
    mean = z.mean(dim=0)
    zs = z / math.sqrt(m)
    cov = zs.T @ zs
    m1 = torch.norm(mean)
    m2 = torch.linalg.matrix_norm(cov - torch.eye(k, dtype=z.dtype), ord=2)
    p1 = -m * m1 ** 2 / 2 / k
    p2 = -torch.clamp(torch.sqrt(1 + m2) - 1 - math.sqrt(k / m), min=0) ** 2 * m / 2
    p1 = torch.clamp(p1, max=math.log(0.5))
    p2 = torch.clamp(p2, max=math.log(0.5))
    return -(p1 + p2)


def prno(x, k=4, shuffles=100):
    out = []
    for row in x:
        d = row.shape[0]
        m = d // k
        value = prno_single(row[:m * k].view(m, k), k)
        shuffled = 0
        for _ in range(shuffles):
            s = row[torch.randperm(d)]
            shuffled = shuffled + prno_single(s[:m * k].view(m, k), k)
        out.append(value + shuffled / max(shuffles, 1) if shuffles else value)
    return torch.stack(out)


def norm(x):
    d = x.shape[1]
    r = torch.linalg.norm(x, dim=1)
    return 0.5 * r ** 2 - (d - 1) * torch.log(r)


REGULARIZERS = {"mpgr": mpgr, "prno": prno, "norm": norm}


def value_and_gradient(reg, x):
    """One measured call: per-sample values read back to Python and the gradient of their sum."""
    xr = x.detach().requires_grad_(True)
    v = reg(xr)
    values = v.tolist()
    v.sum().backward()
    return values, xr.grad


def median_ms(fn, seconds, min_calls=5, max_calls=400):
    t0 = time.perf_counter()
    fn()  # warm-up
    warm = 1
    while warm < 200 and (time.perf_counter() - t0) < 1.0:
        fn()
        warm += 1
    times = []
    cpu = []
    start = time.perf_counter()
    while len(times) < max_calls and (len(times) < min_calls or time.perf_counter() - start < seconds):
        c = time.thread_time()
        a = time.perf_counter()
        fn()
        times.append((time.perf_counter() - a) * 1e3)
        cpu.append((time.thread_time() - c) * 1e3)
    times.sort()
    cpu.sort()
    return times[len(times) // 2], len(times), times[0], cpu[len(cpu) // 2]


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " / ".join(f.read().split()[:3])
    except OSError:
        return "n/a"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--round", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=1.5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    with open(os.path.join(a.work, "java-checks.json")) as f:
        checks = json.load(f)
    result = {"side": "pytorch", "round": a.round, "torch": torch.__version__, "numpy": np.__version__,
              "python": sys.version.split()[0], "threads": torch.get_num_threads(),
              "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "unset"), "load_before": loadavg(),
              "cases": [], "checks": []}
    for c in checks["inputs"]:
        d = c["D"]
        x = torch.from_numpy(np.load(os.path.join(a.work, c["file"]))).reshape(1, -1)
        assert x.dtype == torch.float32 and x.shape[1] == d
        for name in checks["regularizers"]:
            reg = REGULARIZERS[name]
            med, n, best, cpu = median_ms(lambda: value_and_gradient(reg, x), a.seconds)
            result["cases"].append({"regularizer": name, "D": d, "median_ms": med, "calls": n, "min_ms": best,
                                    "median_cpu_ms": cpu})
            print(f"pytorch {name:5s} D={d:7d}: median {med:9.3f} ms over {n} calls", flush=True)
        # deterministic values against the Java side (float32 both sides)
        det = {"mpgr_natural": lambda z: mpgr(z, mode="natural"), "prno_sequential": lambda z: prno(z, shuffles=0),
               "norm": norm}
        for key, fn in det.items():
            if key not in c["values"]:
                continue
            values, grad = value_and_gradient(fn, x)
            java = c["values"][key]
            rel = abs(values[0] - java) / max(abs(java), 1e-30)
            entry = {"D": d, "what": key, "java": java, "pytorch": values[0], "rel_diff": rel}
            gfile = c.get("gradients", {}).get(key)
            if gfile:
                gj = np.load(os.path.join(a.work, gfile)).reshape(-1).astype(np.float64)
                gp = grad.reshape(-1).double().numpy()
                entry["grad_max_abs_diff_rel"] = float(np.max(np.abs(gj - gp)) / max(np.max(np.abs(gp)), 1e-30))
            result["checks"].append(entry)
    result["load_after"] = loadavg()
    out = os.path.join(a.work, f"torch-{a.round}.json")
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    print("wrote " + out)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""PyTorch peer benchmark: one noise-alignment step on tiny-t2i, written directly in PyTorch.

    /usr/bin/python3 examples/tiny-t2i/bench_align_step.py [--steps 200] [--warmup 20] [--threads 1]
                                                          [--lambda 1.0] [--model-dir examples/tiny-t2i]
                                                          [--scaling raw|match] [--lr 0.05] [--times]
                                                          [--serve]

What one step does (timed from the generator call to the end of the optimiser update):

    images  = G(z, ids)                         # generator.pt, z (4,4,8,8) float32 requires_grad
    target  = clip_score(images, ids)           # clip_score.pt, (4,)
    loss    = -target.sum() + lambda * MPGR(z).sum()
    loss.backward()
    held    = aesthetic(images.detach())        # aesthetic.pt under torch.no_grad (held-out reward)
    Adam(lr 0.05).step()                        # torch.optim.Adam on z, default betas (0.9, 0.999), eps 1e-8
                                                # (--lr sets the rate; genalign's default is 0.1)

z starts at the fixed reference latents (reference/z.npy), ids are reference/token_ids.npy (the four
reference prompts). Prints one JSON line: median and mean ms per step over --steps timed steps after --warmup
untimed ones, plus the settings and the final target and held-out values (--times adds every timed step's
milliseconds as "times_ms", for a caller that pools several runs). With --serve the steps run on request: each
stdin line "N" runs N steps and answers one JSON line {"times_ms": [...]}, "end" prints the summary (statistics
over the steps after the first --warmup); bench/run-own-models.sh drives it this way to interleave it step by step
with genalign.

MPGR, following docs/regularizers.md and shared/specs/gaussianity.md ("Project conventions"), per sample:

  * each sample z_i (4,8,8) is flattened in C order to x of length D = 256;
  * moment losses, orders {1, 2}: L_n = | |mean(x^n)|^(1/n) - mu_n^(1/n) |, mu_1 = 0, mu_2 = 1,
    so L_1 = |mean x| and L_2 = |rms(x) - 1|;
  * power-spectrum loss: X = unnormalised DFT of x over all D bins, a_k = |X_k| / sqrt(D); contiguous blocks
    of 16 bins from k = 0 (D = 256 gives 16 blocks, no remainder); L_power = mean over blocks of
    |block mean of a_k - sqrt(pi)/2|;
  * permutation mode BOTH (the project default): L_power is the average of the natural-order value and the
    value on one fresh uniform permutation per call and per sample (drawn from a seeded torch.Generator,
    seed 0);
  * MPGR = L_1 + L_2 + 25 * L_power.

Choices where the documents leave room (written down here as the brief asks):

  * |X_k| is computed as genalign's Mpgr does it: a real FFT (bins 0..D/2) mirrored to all D bins
    (|X_k| = |X_(D-k)| for real x), and the magnitude as sqrt(max(Re^2 + Im^2, 1e-40)) in float32, i.e. no
    eps added to the value, a zero gradient where X_k = 0. Same values and gradients as a full-length FFT.
  * Regularizer weighting: the step uses the plain sum loss = -sum(target) + lambda * sum(MPGR) (per-sample
    values summed, as the brief specifies; docs/regularizers.md calls the mean the "batch loss", which only
    rescales lambda by the batch size). lambda defaults to 1.0 (genalign's default regulariser weight). This
    is genalign's RAW scaling; genalign's default MATCH_REWARD_NORM rescales the regulariser gradient per
    seed to the reward gradient's norm, which needs the two gradients separately: --scaling match does that
    (two autograd.grad calls instead of one backward).
  * Permutations: argsort of uniform noise per sample (torch.rand + argsort), one set per step, drawn in
    the step (its cost is part of the step, as in genalign).
  * No gradient clipping, no best-iterate tracking (genalign tracks the best iterate per seed; that is a
    few comparisons per step and is left out).
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MU_POWER = math.sqrt(math.pi) / 2
LAMBDA_POWER = 25.0
BLOCK = 16


def magnitudes(x):
    """|X_k| for all D bins of each row of x (B, D): rfft mirrored; sqrt(max(|X|^2, tiny))."""
    d = x.shape[1]
    spec = torch.fft.rfft(x, dim=1)
    p = spec.real.square() + spec.imag.square()
    tiny = 1e-60 if x.dtype == torch.float64 else 1e-40
    half = p.clamp(min=tiny).sqrt()
    mirrored = d - (d // 2 + 1)
    if mirrored == 0:
        return half
    return torch.cat([half, half[:, 1:mirrored + 1].flip(1)], dim=1)


def power_loss(x):
    b, d = x.shape
    a = magnitudes(x) / math.sqrt(d)
    blocks = d // BLOCK
    means = a[:, :blocks * BLOCK].reshape(b, blocks, BLOCK).mean(2)
    return (means - MU_POWER).abs().mean(1)


def moment_loss(x, n):
    m = x.pow(n).mean(1)
    stat = m.abs() if n == 1 else m.abs().pow(1.0 / n)
    target = 0.0 if n % 2 == 1 else math.prod(range(n - 1, 0, -2)) ** (1.0 / n)
    return (stat - target).abs()


def mpgr(z, gen, mode="both", orders=(1, 2)):
    """Per-sample MPGR values (B,) of a latent batch z (B, ...)."""
    x = z.reshape(z.shape[0], -1)
    total = sum(moment_loss(x, n) for n in orders)
    if mode == "natural":
        power = power_loss(x)
    else:
        perm = torch.argsort(torch.rand(x.shape, generator=gen, dtype=torch.float32), dim=1)
        xp = x.gather(1, perm)
        if mode == "permuted":
            power = power_loss(xp)
        else:  # both: one batched FFT over natural and permuted rows
            both = power_loss(torch.cat([x, xp], 0))
            power = 0.5 * (both[:x.shape[0]] + both[x.shape[0]:])
    return total + LAMBDA_POWER * power


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=200, help="timed steps")
    ap.add_argument("--warmup", type=int, default=20, help="untimed steps before timing")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    ap.add_argument("--lambda", dest="lam", type=float, default=1.0, help="regulariser weight")
    ap.add_argument("--scaling", choices=["raw", "match"], default="raw")
    ap.add_argument("--lr", type=float, default=0.05, help="Adam learning rate")
    ap.add_argument("--times", action="store_true", help="also print every timed step's ms (times_ms)")
    ap.add_argument("--serve", action="store_true",
                    help="run steps on request from stdin (a line N: N steps, 'end': summary) instead of a loop")
    ap.add_argument("--mode", choices=["both", "natural", "permuted"], default="both")
    ap.add_argument("--model-dir", default=HERE)
    ap.add_argument("--reference-dir", default=os.path.join(HERE, "reference"))
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    load = lambda f: torch.jit.load(os.path.join(args.model_dir, f)).eval()
    G, clip, aes = load("generator.pt"), load("clip_score.pt"), load("aesthetic.pt")
    for m in (G, clip, aes):
        for p in m.parameters():
            p.requires_grad_(False)
    z = torch.from_numpy(np.load(os.path.join(args.reference_dir, "z.npy"))).clone().requires_grad_(True)
    ids = torch.from_numpy(np.load(os.path.join(args.reference_dir, "token_ids.npy")))
    opt = torch.optim.Adam([z], lr=args.lr)
    gen = torch.Generator().manual_seed(0)

    state = {}

    def one_step():
        """One timed alignment step; returns its milliseconds and keeps the last values in state."""
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        images = G(z, ids)
        target = clip(images, ids)
        reg = mpgr(z, gen, args.mode)
        if args.scaling == "raw":
            loss = -target.sum() + args.lam * reg.sum()
            loss.backward()
        else:
            (g_r,) = torch.autograd.grad(-target.sum(), z)
            (g_reg,) = torch.autograd.grad(reg.sum(), z)
            nr = g_r.flatten(1).norm(dim=1)
            ng = g_reg.flatten(1).norm(dim=1)
            ratio = torch.where(ng > 0, nr / ng.clamp(min=1e-30), torch.zeros_like(ng))
            z.grad = g_r + args.lam * g_reg * ratio.view(-1, 1, 1, 1)
        with torch.no_grad():
            held = aes(images.detach())
        opt.step()
        t1 = time.perf_counter()
        state.update(target=target, held=held, reg=reg)
        return (t1 - t0) * 1e3

    times = []
    if args.serve:
        # driven step by step by a caller (bench/run-own-models.sh): a line "N" runs N steps and answers
        # {"times_ms": [...]}; a line "end" (or end of input) prints the summary below, whose statistics skip
        # the first --warmup steps run
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            line = line.strip()
            if line == "end":
                break
            batch = [one_step() for _ in range(int(line))]
            times.extend(batch)
            print(json.dumps({"times_ms": [round(t, 4) for t in batch]}), flush=True)
        times = times[args.warmup:]
        args.steps = len(times)
    else:
        for step in range(args.warmup + args.steps):
            ms = one_step()
            if step >= args.warmup:
                times.append(ms)
    target, held, reg = state.get("target"), state.get("held"), state.get("reg")

    out = {
        "bench": "tiny-t2i align step (PyTorch peer)",
        "torch": torch.__version__,
        "model_dir": os.path.relpath(os.path.abspath(args.model_dir), os.getcwd()),
        "batch": int(z.shape[0]),
        "latent_shape": list(z.shape[1:]),
        "threads": args.threads,
        "steps": args.steps,
        "warmup": args.warmup,
        "lambda": args.lam,
        "scaling": args.scaling,
        "lr": args.lr,
        "mpgr_mode": args.mode,
        "median_ms": round(statistics.median(times), 4) if times else None,
        "mean_ms": round(statistics.fmean(times), 4) if times else None,
        "min_ms": round(min(times), 4) if times else None,
        "final_clip_score": [round(v, 6) for v in target.tolist()],
        "final_aesthetic": [round(v, 6) for v in held.tolist()],
        "final_mpgr": [round(v, 6) for v in reg.tolist()],
    }
    if args.times:
        out["times_ms"] = [round(t, 4) for t in times]
    print(json.dumps(out))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Checks that real PyTorch loads the TorchScript file `genalign dpo --model DIR` wrote and reproduces genalign.

    /usr/bin/python3 examples/tiny-t2i/check_dpo_output.py REPORT_DIR [--rtol 1e-5]

REPORT_DIR is the dpo report folder: it holds policy.pt (the fine-tuned network) and check/ with the inputs
(x.npy, t.npy, token_ids.npy when the network takes token ids) and genalign's output eps.npy of the fine-tuned
network as it was in memory at the end of training. The script runs torch.jit.load(policy.pt) on the same inputs and requires
max |eps_pytorch - eps_genalign| <= rtol * max |eps_genalign| (rtol 1e-5 by default). Exit status 0 when it holds.
It also reports how far policy.pt is from the base network (eps.pt beside this script), so a run that did not
change the weights is visible.
"""

import os
import sys

import numpy as np
import torch


def main():
    args = [a for a in sys.argv[1:]]
    rtol = 1e-5
    if "--rtol" in args:
        i = args.index("--rtol")
        rtol = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__)
        return 2
    report = args[0]
    check = os.path.join(report, "check")
    m = torch.jit.load(os.path.join(report, "policy.pt"), map_location="cpu").eval()
    x = torch.from_numpy(np.load(os.path.join(check, "x.npy"))).to(torch.float32)
    t = torch.from_numpy(np.load(os.path.join(check, "t.npy"))).to(torch.int64)
    inputs = [x, t]
    tok = os.path.join(check, "token_ids.npy")
    if os.path.exists(tok):
        inputs.append(torch.from_numpy(np.load(tok)).to(torch.int64))
    expected = np.load(os.path.join(check, "eps.npy"))
    with torch.no_grad():
        got = m(*inputs).numpy()
    scale = float(np.abs(expected).max())
    diff = float(np.abs(got - expected).max())
    print("policy.pt: %d parameters; max |pytorch - genalign| = %.3g, scale %.3g, relative %.3g (rtol %g)"
          % (sum(p.numel() for p in m.parameters()), diff, scale, diff / scale, rtol))
    base_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), "eps.pt")
    if os.path.exists(base_file):
        base = torch.jit.load(base_file, map_location="cpu").eval()
        with torch.no_grad():
            b = base(*inputs).numpy()
        moved = max(float((p - q).abs().max()) for p, q in zip(m.parameters(), base.parameters()))
        print("versus the base eps.pt: max |output change| = %.3g, max |parameter change| = %.3g"
              % (float(np.abs(got - b).max()), moved))
    ok = diff <= rtol * scale
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

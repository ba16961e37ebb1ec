#!/usr/bin/python3
"""Adds the `diffusion` section to tiny-t2i: a tiny text-conditioned epsilon-prediction network.

Run with Debian's PyTorch (PyTorch 1.13, CPU):

    /usr/bin/python3 examples/tiny-t2i/export_diffusion.py [OUT_DIR]

Run it after export.py (which rewrites genalign-model.json without the section). It writes

  OUT_DIR/eps.pt                 forward(x_t: f32 (B,3,32,32), t: i64 (B,), token_ids: i64 (B,16)) -> eps f32 (B,3,32,32)
                                 (torch.jit.script; random weights from its own seed; deterministic)
  OUT_DIR/reference/eps_*.npy    inputs (eps_x, eps_t, eps_token_ids) and PyTorch's output (eps_out)
  OUT_DIR/genalign-model.json    export.py's manifest plus the `diffusion` section (scripted folder only)

Why a separate script: torch.jit.script stores the source text and the absolute path of the defining file in
each archive's debug information (code/__torch__.py.debug_pkl), so any edit of export.py changes every committed
.pt file (and so does running export.py from another checkout path: the committed files were exported from
/work/wt-fixture). This script imports export.py's helpers without running its main(), so the other fixture files
stay byte-identical.
"""

import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export  # noqa: E402  (the tiny-t2i exporter: tokenizer, helpers, the other modules)

DIFFUSION = {"file": "eps.pt", "condition": "tokens:clip",
             "schedule": {"kind": "linear", "T": 1000, "beta_start": 1e-4, "beta_end": 0.02}}


class EpsNet(nn.Module):
    """forward(x_t (B,3,32,32) f32, t (B,) i64, token_ids (B,16) i64) -> eps (B,3,32,32) f32.
    Sinusoidal time embedding -> MLP, masked-mean text embedding -> linear, both added as per-channel biases
    between 3x3 convolutions (SiLU); a GroupNorm in the middle; 22,659 parameters."""

    def __init__(self, vocab_size: int, width: int = 32):
        super().__init__()
        self.width = width
        self.time1 = nn.Linear(width, 2 * width)
        self.time2 = nn.Linear(2 * width, width)
        self.embed = nn.Embedding(vocab_size, width)
        self.text = nn.Linear(width, width)
        self.conv_in = nn.Conv2d(3, width, 3, padding=1)
        self.norm = nn.GroupNorm(4, width)
        self.conv_mid = nn.Conv2d(width, width, 3, padding=1)
        self.conv_out = nn.Conv2d(width, 3, 3, padding=1)

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, token_ids: torch.Tensor) -> torch.Tensor:
        half = self.width // 2
        freqs = torch.exp(torch.arange(half, dtype=torch.float32, device=x_t.device) * (-math.log(10000.0) / half))
        args = t.to(torch.float32).unsqueeze(1) * freqs.unsqueeze(0)
        temb = torch.cat([torch.sin(args), torch.cos(args)], dim=1)                 # (B,width)
        temb = self.time2(F.silu(self.time1(temb)))
        keep = (token_ids != 0).to(x_t.dtype).unsqueeze(-1)                         # masked mean of embeddings
        text = (self.embed(token_ids) * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        cond = temb + self.text(text)                                               # (B,width)
        h = F.silu(self.conv_in(x_t) + cond.unsqueeze(-1).unsqueeze(-1))
        h = F.silu(self.conv_mid(self.norm(h))) + h
        return self.conv_out(h)


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":   # as export.py: stable constant order in the archive
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else here
    ref_dir = os.path.join(out, "reference")
    torch.manual_seed(export.SEED + 100)
    torch.set_num_threads(1)
    net = EpsNet(len(export.VOCAB)).eval()
    torch.jit.script(net).save(os.path.join(out, "eps.pt"))
    loaded = torch.jit.load(os.path.join(out, "eps.pt")).eval()
    g = torch.Generator().manual_seed(export.SEED + 101)
    x = torch.randn(4, 3, 32, 32, generator=g)
    t = torch.tensor([0, 10, 500, 999], dtype=torch.int64)
    ids = export.token_ids(export.PROMPTS)
    with torch.no_grad():
        e, e2 = net(x, t, ids), loaded(x, t, ids)
    assert (e - e2).abs().max().item() <= 1e-6
    for k, a in (("eps_x", x), ("eps_t", t), ("eps_token_ids", ids), ("eps_out", e2)):
        export.save_npy(os.path.join(ref_dir, k + ".npy"), a)
    m = export.model_json()
    m["diffusion"] = DIFFUSION
    export.write_json(os.path.join(out, "genalign-model.json"), m)
    print("eps: %d parameters, output std %.3f" % (sum(p.numel() for p in net.parameters()), e2.std().item()))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Exports tiny-t2i: a small, randomly initialised text-to-image pipeline as a genalign model folder.

Run with Debian's PyTorch (apt-get install python3-torch; PyTorch 1.13, CPU):

    /usr/bin/python3 examples/tiny-t2i/export.py [OUT_DIR]

OUT_DIR defaults to this script's folder (examples/tiny-t2i). The script writes

  OUT_DIR/                 torch.jit.script exports + genalign-model.json, tokenizer.json, real.npy
  OUT_DIR/reference/       PyTorch reference outputs and input gradients (see reference/README.md)
  OUT_DIR/../tiny-t2i-traced/  (i.e. a sibling folder named <OUT_DIR name>-traced) the torch.jit.trace exports
                           of the same weights (eval mode), with copies of the json files and real.npy

Everything is deterministic: fixed seeds, random weights, CPU, float32. The weights carry no meaning; the
models exist so that genalign's Java side can load real PyTorch-exported TorchScript files and compare its
outputs and gradients against PyTorch's.

Module interfaces (all float32 except the token ids; B is free):

  generator.pt      forward(z: f32 (B,4,8,8), token_ids: i64 (B,16)) -> images f32 (B,3,32,32) in [-1,1]
  clip_score.pt     forward(image: f32 (B,3,32,32), token_ids: i64 (B,16)) -> f32 (B,) cosine in [-1,1]
  aesthetic.pt      forward(image: f32 (B,3,32,32)) -> f32 (B,)
  features.pt       forward(image: f32 (B,3,32,32)) -> f32 (B,64)
  discriminator.pt  forward(image: f32 (B,3,32,32), token_ids: i64 (B,16)) -> f32 (B,) logits

Token ids come from tokenizer.json (HuggingFace tokenizers format: lowercase normaliser, whitespace
pre-tokenizer, WordLevel model, [PAD]=0, [UNK]=1, no special tokens added), padded with 0 and truncated to 16.
Id 0 is padding everywhere: attention ignores it (additive -1e4 mask, finite, so an all-padding row gives
finite outputs), pooling averages only non-padding positions.

Design rules so that both torch.jit.script and torch.jit.trace produce the same graph on libtorch 1.13 and
on DJL's libtorch 2.7.1: hand-written attention (no nn.TransformerEncoderLayer / nn.MultiheadAttention,
whose inference fast paths trace to fused inference-only kernels), nearest-neighbour upsampling + Conv2d
(no ConvTranspose2d), no data-dependent Python control flow, sizes read from tensors.
"""

import json
import math
import os
import re
import shutil
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20261201
MAX_LENGTH = 16
DIM = 48          # width of text states and latent tokens in the generator
HEADS = 4
PROMPTS = ["a red shoe", "a photo of a cat", "a blue car on a road", "an unknownword here"]

# ----------------------------------------------------------------------------------------------------------
# Vocabulary and tokenizer
# ----------------------------------------------------------------------------------------------------------

WORDS = """
a an the of on in at with and by under over near next to from for is are this that its
photo picture painting drawing sketch render image portrait closeup close up view shot
red blue green yellow orange purple pink brown black white gray grey gold silver golden
dark light bright pale colorful colourful
cat dog bird horse cow sheep fish rabbit lion tiger bear elephant zebra giraffe fox owl duck
man woman child boy girl person people
shoe shoes boot hat shirt dress bag umbrella glasses
car bus truck bicycle bike train boat ship airplane plane motorcycle
house building tree flower flowers grass mountain mountains river lake sea ocean beach sky cloud clouds
sun moon star stars forest field garden city street road bridge tower castle
table chair bed sofa lamp cup mug bottle vase book clock window door
apple banana orange cake pizza bread coffee
small large big tiny huge old new young beautiful cute happy sad
sitting standing running flying walking sleeping eating
day night sunset sunrise winter summer snow rain fog
wooden metal glass stone paper plastic
style art oil watercolor digital realistic cartoon minimalist
two three many one
,
.
""".split()


def build_vocab():
    vocab = {"[PAD]": 0, "[UNK]": 1}
    for w in WORDS:
        if w not in vocab:
            vocab[w] = len(vocab)
    return vocab


VOCAB = build_vocab()


def tokenizer_json(vocab):
    special = [
        {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for t, i in (("[PAD]", 0), ("[UNK]", 1))
    ]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": special,
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": None,
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "[UNK]"},
    }


_WHITESPACE = re.compile(r"\w+|[^\w\s]+")   # the `tokenizers` Whitespace pre-tokenizer's pattern


def tokenize(prompt, vocab=VOCAB, max_length=MAX_LENGTH):
    """Python mirror of tokenizer.json: lowercase, whitespace split, WordLevel lookup, pad 0 / truncate."""
    words = _WHITESPACE.findall(prompt.lower())
    ids = [vocab.get(w, vocab["[UNK]"]) for w in words][:max_length]
    return ids + [0] * (max_length - len(ids))


def token_ids(prompts):
    return torch.tensor([tokenize(p) for p in prompts], dtype=torch.int64)


# ----------------------------------------------------------------------------------------------------------
# Building blocks (scriptable and traceable)
# ----------------------------------------------------------------------------------------------------------

# padding_bias uses the additive mask value -1e4: finite, so a row of only padding gives a uniform softmax, not NaN


class Attention(nn.Module):
    """Multi-head attention written out: queries (B,Lq,D), keys/values (B,Lk,D), additive key mask (B,Lk)."""

    def __init__(self, dim: int, heads: int, kv_dim: int):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.scale = 1.0 / math.sqrt(self.head_dim)
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(kv_dim, dim)
        self.v = nn.Linear(kv_dim, dim)
        self.o = nn.Linear(dim, dim)

    def split(self, x: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape[0], x.shape[1], x.shape[2]
        return x.reshape(b, n, self.heads, self.head_dim).transpose(1, 2)          # (B,H,N,hd)

    def forward(self, x: torch.Tensor, ctx: torch.Tensor, key_bias: torch.Tensor) -> torch.Tensor:
        q = self.split(self.q(x))
        k = self.split(self.k(ctx))
        v = self.split(self.v(ctx))
        scores = torch.matmul(q, k.transpose(2, 3)) * self.scale                    # (B,H,Lq,Lk)
        scores = scores + key_bias.unsqueeze(1).unsqueeze(2)
        attn = torch.softmax(scores, dim=-1)
        out = torch.matmul(attn, v).transpose(1, 2)                                 # (B,Lq,H,hd)
        out = out.reshape(out.shape[0], out.shape[1], out.shape[2] * out.shape[3])
        return self.o(out)


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.gelu(self.fc1(x)))


class SelfBlock(nn.Module):
    """Pre-LN transformer encoder layer with a key padding mask."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads, dim)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, 2 * dim)

    def forward(self, x: torch.Tensor, key_bias: torch.Tensor) -> torch.Tensor:
        h = self.ln1(x)
        x = x + self.attn(h, h, key_bias)
        return x + self.mlp(self.ln2(x))


class CrossBlock(nn.Module):
    """Latent tokens: self-attention, cross-attention to the text states (padding masked), MLP."""

    def __init__(self, dim: int, heads: int, text_dim: int):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.self_attn = Attention(dim, heads, dim)
        self.ln2 = nn.LayerNorm(dim)
        self.cross = Attention(dim, heads, text_dim)
        self.ln3 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, 2 * dim)

    def forward(self, x: torch.Tensor, text: torch.Tensor, text_bias: torch.Tensor,
                self_bias: torch.Tensor) -> torch.Tensor:
        h = self.ln1(x)
        x = x + self.self_attn(h, h, self_bias)
        x = x + self.cross(self.ln2(x), text, text_bias)
        return x + self.mlp(self.ln3(x))


def padding_bias(token_ids: torch.Tensor) -> torch.Tensor:
    """(B,L) int64 ids -> (B,L) float32 additive bias: 0 for tokens, -1e4 for padding (id 0)."""
    return (token_ids == 0).to(torch.float32) * -1.0e4


def masked_mean(x: torch.Tensor, token_ids: torch.Tensor) -> torch.Tensor:
    """Mean over the non-padding positions of x (B,L,D); an all-padding row gives 0."""
    keep = (token_ids != 0).to(x.dtype).unsqueeze(-1)
    return (x * keep).sum(1) / keep.sum(1).clamp(min=1.0)


class TextEncoder(nn.Module):
    def __init__(self, vocab_size: int, dim: int, heads: int, layers: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.randn(MAX_LENGTH, dim) * 0.1)
        self.blocks = nn.ModuleList([SelfBlock(dim, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(dim)

    def forward(self, token_ids: torch.Tensor) -> torch.Tensor:
        bias = padding_bias(token_ids)
        x = self.embed(token_ids) + self.pos
        for blk in self.blocks:
            x = blk(x, bias)
        return self.ln(x)


def conv_tower(widths):
    """3x3 convs with SiLU, each but the first halving the resolution: (B,3,32,32) -> (B,widths[-1],·,·).
    He-normal weights, small biases: PyTorch's default init shrinks the signal at every layer, which makes
    a random tower's pooled features almost constant across images."""
    layers = []
    cin = 3
    for i, w in enumerate(widths):
        conv = nn.Conv2d(cin, w, 3, stride=1 if i == 0 else 2, padding=1)
        nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
        nn.init.normal_(conv.bias, std=0.1)
        layers += [conv, nn.SiLU()]
        cin = w
    return nn.Sequential(*layers)


# ----------------------------------------------------------------------------------------------------------
# The five modules
# ----------------------------------------------------------------------------------------------------------


class Generator(nn.Module):
    """forward(z (B,4,8,8) f32, token_ids (B,16) i64) -> images (B,3,32,32) f32 in [-1,1] (tanh)."""

    def __init__(self, vocab_size: int):
        super().__init__()
        self.text = TextEncoder(vocab_size, DIM, HEADS, layers=2)
        self.inp = nn.Conv2d(4, DIM, 1)
        self.lat_pos = nn.Parameter(torch.randn(64, DIM) * 0.1)
        self.block = CrossBlock(DIM, HEADS, DIM)
        self.ln_out = nn.LayerNorm(DIM)
        self.up1 = nn.Upsample(scale_factor=2.0, mode="nearest")
        self.conv1 = nn.Conv2d(DIM, 32, 3, padding=1)
        self.up2 = nn.Upsample(scale_factor=2.0, mode="nearest")
        self.conv2 = nn.Conv2d(32, 24, 3, padding=1)
        self.conv3 = nn.Conv2d(24, 3, 3, padding=1)
        self.skip = nn.Conv2d(4, 3, 1)        # keeps z visible in the image (gradients reach every z entry)
        self.film = nn.Linear(DIM, 2 * 32)    # pooled text -> per-channel scale and shift after conv1
        nn.init.normal_(self.film.weight, std=0.5)

    def forward(self, z: torch.Tensor, token_ids: torch.Tensor) -> torch.Tensor:
        text = self.text(token_ids)                                             # (B,16,D)
        text_bias = padding_bias(token_ids)
        h = self.inp(z)                                                         # (B,D,8,8)
        b, d, hh, ww = h.shape[0], h.shape[1], h.shape[2], h.shape[3]
        x = h.flatten(2).transpose(1, 2) + self.lat_pos                         # (B,64,D)
        self_bias = torch.zeros_like(x[:, :, 0])                                # no mask among latents
        x = self.block(x, text, text_bias, self_bias)
        x = self.ln_out(x).transpose(1, 2).reshape(b, d, hh, ww)                # (B,D,8,8)
        film = self.film(masked_mean(text, token_ids))                          # (B,64)
        gamma = film[:, :32].unsqueeze(-1).unsqueeze(-1)
        beta = film[:, 32:].unsqueeze(-1).unsqueeze(-1)
        x = F.silu(self.conv1(self.up1(x)) * (1.0 + gamma) + beta)              # (B,32,16,16)
        x = F.silu(self.conv2(self.up2(x)))                                     # (B,24,32,32)
        x = self.conv3(x) + F.interpolate(self.skip(z), scale_factor=4.0, mode="nearest")
        return torch.tanh(x)


class ClipScore(nn.Module):
    """forward(image (B,3,32,32) f32 in [-1,1], token_ids (B,16) i64) -> (B,) f32 cosine similarity."""

    def __init__(self, vocab_size: int, dim: int = 48):
        super().__init__()
        self.image_tower = conv_tower([16, 24, 32, 48])                         # 32 -> 4
        self.image_proj = nn.Linear(48, dim)
        self.embed = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.randn(MAX_LENGTH, dim) * 0.1)
        self.text_block = SelfBlock(dim, 4)
        self.pool_query = nn.Parameter(torch.randn(1, 1, dim))
        self.pool = Attention(dim, 4, dim)                                      # attention pooling
        self.text_proj = nn.Linear(dim, dim)

    def forward(self, image: torch.Tensor, token_ids: torch.Tensor) -> torch.Tensor:
        img = self.image_tower(image).mean(dim=[2, 3])
        img = F.normalize(self.image_proj(img), dim=-1)
        bias = padding_bias(token_ids)
        t = self.text_block(self.embed(token_ids) + self.pos, bias)
        q = self.pool_query.expand(t.shape[0], 1, t.shape[2])
        t = self.pool(q, t, bias)[:, 0, :]
        t = F.normalize(self.text_proj(t), dim=-1)
        return (img * t).sum(-1)


class Aesthetic(nn.Module):
    """forward(image (B,3,32,32) f32 in [-1,1]) -> (B,) f32 score."""

    def __init__(self):
        super().__init__()
        self.tower = conv_tower([16, 24, 32])                                   # 32 -> 8
        self.mlp = nn.Sequential(nn.Linear(32 * 2, 64), nn.SiLU(), nn.Linear(64, 1))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        h = self.tower(image)
        pooled = torch.cat([h.mean(dim=[2, 3]), h.std(dim=[2, 3])], dim=1)
        return self.mlp(pooled)[:, 0]


class Features(nn.Module):
    """forward(image (B,3,32,32) f32 in [-1,1]) -> (B,64) f32 features."""

    def __init__(self):
        super().__init__()
        self.tower = conv_tower([16, 24, 32, 48])                               # 32 -> 4
        self.proj = nn.Linear(96, 64)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        h = self.tower(image)
        return self.proj(torch.cat([h.mean(dim=[2, 3]), h.std(dim=[2, 3])], dim=1))


class Discriminator(nn.Module):
    """Projection discriminator: forward(image f32 (B,3,32,32), token_ids i64 (B,16)) -> (B,) f32 logits,
    logit = linear(phi(x)) + <phi(x), embed(text)>, embed(text) = masked mean of token embeddings."""

    def __init__(self, vocab_size: int, dim: int = 48):
        super().__init__()
        self.tower = conv_tower([16, 24, 32, dim])
        self.out = nn.Linear(dim, 1)
        self.embed = nn.Embedding(vocab_size, dim)
        with torch.no_grad():
            self.embed.weight.mul_(0.1)

    def forward(self, image: torch.Tensor, token_ids: torch.Tensor) -> torch.Tensor:
        phi = F.leaky_relu(self.tower(image).sum(dim=[2, 3]) / 16.0, 0.2)
        e = masked_mean(self.embed(token_ids), token_ids)
        return self.out(phi)[:, 0] + (phi * e).sum(-1)


# ----------------------------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------------------------


def real_samples(n=64, seed=SEED + 7):
    """n smooth images (n,3,32,32) f32 in [-1,1]: a coloured background gradient plus 2-4 Gaussian colour blobs."""
    g = torch.Generator().manual_seed(seed)
    coords = (torch.arange(32, dtype=torch.float32) + 0.5) / 32.0
    yy, xx = torch.meshgrid(coords, coords, indexing="ij")
    out = torch.empty(n, 3, 32, 32)
    for i in range(n):
        c0 = torch.rand(3, 1, 1, generator=g) * 1.6 - 0.8
        c1 = torch.rand(3, 1, 1, generator=g) * 1.6 - 0.8
        angle = torch.rand(1, generator=g).item() * 2 * math.pi
        t = (math.cos(angle) * (xx - 0.5) + math.sin(angle) * (yy - 0.5)) + 0.5
        img = c0 + (c1 - c0) * t.clamp(0, 1)
        blobs = 2 + int(torch.randint(0, 3, (1,), generator=g).item())
        for _ in range(blobs):
            cx, cy = torch.rand(2, generator=g).tolist()
            r = 0.06 + 0.18 * torch.rand(1, generator=g).item()
            col = torch.rand(3, 1, 1, generator=g) * 2 - 1
            w = torch.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
            img = img * (1 - w) + col * w
        out[i] = img
    return out.clamp(-1, 1).contiguous()


@torch.no_grad()
def calibrate(modules, images, ids):
    """Rescales the last linear layers (a data-dependent init, deterministic) so that, over the calibration
    images (real samples and generator outputs): aesthetic has mean 5 and sd 1, each feature mean 0 and sd 1,
    and each of the discriminator's two terms (linear, projection) mean 0 and sd 1."""
    def affine(linear, out, mean, sd):   # out = W x + b  ->  (out - m) / s * sd + mean, per output
        m, s = out.mean(0), out.std(0)
        linear.weight.mul_((sd / s).unsqueeze(1))
        linear.bias.copy_((linear.bias - m) / s * sd + mean)

    a = modules["aesthetic"]
    affine(a.mlp[2], a.mlp(_pooled(a.tower(images))), 5.0, 1.0)
    f = modules["features"]
    affine(f.proj, f(images), 0.0, 1.0)
    d = modules["discriminator"]
    phi = F.leaky_relu(d.tower(images).sum(dim=[2, 3]) / 16.0, 0.2)
    affine(d.out, d.out(phi), 0.0, 1.0)
    proj = (phi * masked_mean(d.embed(ids), ids)).sum(-1)
    d.embed.weight.div_(proj.std())


def _pooled(h):
    return torch.cat([h.mean(dim=[2, 3]), h.std(dim=[2, 3])], dim=1)


CALIBRATION_PROMPTS = ["a red shoe", "a photo of a cat", "a blue car on a road", "a dog in a field",
                       "a green tree", "a white house near the sea", "a painting of a horse", "a yellow flower"]


# ----------------------------------------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------------------------------------


def model_json():
    return {
        "format": 1,
        "name": "tiny-t2i",
        "image": {"channels": 3, "height": 32, "width": 32, "range": [-1, 1]},
        "prompts": {"kind": "text"},
        "tokenizers": {"clip": {"file": "tokenizer.json", "max_length": MAX_LENGTH}},
        "generator": {"file": "generator.pt", "latent_shape": [4, 8, 8], "condition": "tokens:clip"},
        "rewards": {"clip-score": {"file": "clip_score.pt", "condition": "tokens:clip"},
                    "aesthetic": {"file": "aesthetic.pt", "condition": "none"}},
        "features": {"file": "features.pt", "dim": 64},
        "discriminator": {"file": "discriminator.pt", "condition": "tokens:clip"},
        "real_samples": "real.npy",
    }


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def save_npy(path, t):
    np.save(path, np.ascontiguousarray(t.detach().cpu().numpy()))


def references(m, z, ids):
    """Outputs and input gradients of the module dict m (eager, scripted or traced) at (z, ids)."""
    r = {}
    with torch.no_grad():
        images = m["generator"](z, ids)
        r["images"] = images
        r["clip_score"] = m["clip_score"](images, ids)
        r["aesthetic"] = m["aesthetic"](images)
        r["features"] = m["features"](images)
        r["discriminator"] = m["discriminator"](images, ids)
    zz = z.clone().requires_grad_(True)
    m["clip_score"](m["generator"](zz, ids), ids).sum().backward()
    r["grad_z_clip"] = zz.grad
    for name in ("aesthetic", "features"):
        x = images.clone().requires_grad_(True)
        m[name](x).sum().backward()
        r["grad_image_" + name] = x.grad
    x = images.clone().requires_grad_(True)
    m["discriminator"](x, ids).sum().backward()
    r["grad_image_discriminator"] = x.grad
    return r


def max_diff(a, b):
    return max((a[k] - b[k]).abs().max().item() for k in a)


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # torch.jit.script writes module constants in set order, which follows Python's string hashing:
        # a fixed hash seed makes the .pt files byte-identical from run to run
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else here
    traced_out = out.rstrip("/") + "-traced"
    ref_dir = os.path.join(out, "reference")
    for d in (out, traced_out, ref_dir):
        os.makedirs(d, exist_ok=True)

    torch.manual_seed(SEED)
    torch.set_num_threads(1)         # reproducible reductions
    v = len(VOCAB)
    modules = {
        "generator": Generator(v),
        "clip_score": ClipScore(v),
        "aesthetic": Aesthetic(),
        "features": Features(),
        "discriminator": Discriminator(v),
    }
    for mod in modules.values():
        mod.eval()
        for p in mod.parameters():
            p.requires_grad_(False)

    # calibration of the output scales on real samples and generator outputs
    real = real_samples()
    gc = torch.Generator().manual_seed(SEED + 2)
    cal_ids = token_ids([CALIBRATION_PROMPTS[i % len(CALIBRATION_PROMPTS)] for i in range(128)])
    with torch.no_grad():
        fake = modules["generator"](torch.randn(64, 4, 8, 8, generator=gc), cal_ids[64:])
    calibrate(modules, torch.cat([real, fake]), cal_ids)

    # inputs
    g = torch.Generator().manual_seed(SEED + 1)
    z = torch.randn(4, 4, 8, 8, generator=g)
    ids = token_ids(PROMPTS)
    ex_img = torch.rand(2, 3, 32, 32, generator=g) * 2 - 1
    ex_z = torch.randn(2, 4, 8, 8, generator=g)
    ex_ids = token_ids(["a photo of a dog", "green tree"])

    examples = {
        "generator": (ex_z, ex_ids),
        "clip_score": (ex_img, ex_ids),
        "aesthetic": (ex_img,),
        "features": (ex_img,),
        "discriminator": (ex_img, ex_ids),
    }
    files = {k: k + ".pt" for k in modules}
    scripted, traced = {}, {}
    for name, mod in modules.items():
        s = torch.jit.script(mod)
        s.save(os.path.join(out, files[name]))
        with torch.no_grad():
            t = torch.jit.trace(mod, examples[name])
        t.save(os.path.join(traced_out, files[name]))
        scripted[name] = torch.jit.load(os.path.join(out, files[name]))
        traced[name] = torch.jit.load(os.path.join(traced_out, files[name]))
        for m in (scripted[name], traced[name]):
            m.eval()

    # shared files
    for d in (out, traced_out):
        write_json(os.path.join(d, "genalign-model.json"), model_json())
        write_json(os.path.join(d, "tokenizer.json"), tokenizer_json(VOCAB))
        save_npy(os.path.join(d, "real.npy"), real)

    # references: eager modules; scripted and traced reloads must agree
    ref = references(modules, z, ids)
    ref_s = references(scripted, z, ids)
    ref_t = references(traced, z, ids)
    d_st, d_se, d_te = max_diff(ref_s, ref_t), max_diff(ref_s, ref), max_diff(ref_t, ref)
    print(f"max |scripted - traced| = {d_st:.3g}, |scripted - eager| = {d_se:.3g}, |traced - eager| = {d_te:.3g}")
    assert d_st <= 1e-6 and d_se <= 1e-6 and d_te <= 1e-6, "scripted, traced and eager modules disagree"

    # a different batch size through the traced files (shapes must not be baked in)
    z5 = torch.randn(5, 4, 8, 8, generator=g)
    ids5 = token_ids(["a cat", "", "red red red red red red red red red red red red red red red red red red",
                      "a photo of a cat", "sunset"])
    with torch.no_grad():
        a, b = scripted["generator"](z5, ids5), traced["generator"](z5, ids5)
        assert a.shape == (5, 3, 32, 32) and torch.isfinite(a).all()
        assert (a - b).abs().max().item() <= 1e-6
        im = a
        for name in ("clip_score", "discriminator"):
            assert (scripted[name](im, ids5) - traced[name](im, ids5)).abs().max().item() <= 1e-6
        for name in ("aesthetic", "features"):
            assert (scripted[name](im) - traced[name](im)).abs().max().item() <= 1e-6

    save_npy(os.path.join(ref_dir, "z.npy"), z)
    save_npy(os.path.join(ref_dir, "token_ids.npy"), ids)
    with open(os.path.join(ref_dir, "prompts.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(PROMPTS) + "\n")
    for k, t in ref.items():
        save_npy(os.path.join(ref_dir, k + ".npy"), t)

    img = ref["images"]
    print("images: shape", tuple(img.shape), "min %.3f max %.3f mean %.3f std %.3f"
          % (img.min(), img.max(), img.mean(), img.std()))
    for k in ("clip_score", "aesthetic", "discriminator"):
        print(k, [round(x, 5) for x in ref[k].tolist()])
    print("features: shape", tuple(ref["features"].shape))
    print("token_ids:", ids.tolist())
    print("vocabulary:", v, "tokens")
    print("wrote", out, "and", traced_out)


if __name__ == "__main__":
    main()

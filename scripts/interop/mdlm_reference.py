#!/usr/bin/python3
"""Reference forward of the public MDLM and BD3-LM DiT backbones, written from their published architecture.

Builds the network in PyTorch with plain softmax attention (no flash-attention), fills every weight with seeded
random values (the official zero-initialised adaLN and output layers would make any comparison trivial), writes
the weights under the Hugging Face names (``backbone.*``) as a safetensors file, and writes the logits of that
forward for random tokens, so that an importer can be checked against it.

    /usr/bin/python3 scripts/interop/mdlm_reference.py --arch mdlm --out DIR [--seed 0] [sizes...]

DIR/model.safetensors: the weights. DIR/reference.safetensors: ``tokens`` (int64 [B, L], the noisy input, mask id
= vocab - 1), for bd3lm also ``clean`` (int64 [B, L]), and ``logits`` (float32 [B, L, vocab]). With --bench the
script instead times the forward at the given sizes and prints one JSON line.
"""
import argparse
import json
import math
import os
import struct
import time

import torch
import torch.nn.functional as F


def layer_norm(x, weight):
    """LayerNorm over the last dimension without bias, then a learned per-channel scale."""
    return F.layer_norm(x, [x.shape[-1]]) * weight


def rotate(x, cos, sin):
    """Half-split rotary embedding of x [B, H, S, hd] with tables [S, hd/2] (pairs i and i + hd/2)."""
    half = x.shape[-1] // 2
    a, b = x[..., :half], x[..., half:]
    return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)


def rotary_tables(positions, head_dim):
    inv = 1.0 / (10000 ** (torch.arange(0, head_dim, 2).float() / head_dim))
    freqs = positions.float()[:, None] * inv[None, :]
    return freqs.cos(), freqs.sin(), inv


def time_embedding(p, sigma):
    """Sinusoidal features of sigma (cos first, 256 of them) through Linear, SiLU, Linear."""
    half = 128
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
    args = sigma[:, None].float() * freqs[None]
    feats = torch.cat([args.cos(), args.sin()], dim=-1)
    h = F.silu(feats @ p["sigma_map.mlp.0.weight"].T + p["sigma_map.mlp.0.bias"])
    return h @ p["sigma_map.mlp.2.weight"].T + p["sigma_map.mlp.2.bias"]


def block(p, i, x, c, cos, sin, heads, mask, halves):
    """One DDiT block: adaLN (shift, scale, gate) x 2, fused qkv, rotary on q and k, attention, GELU-tanh MLP."""
    g = lambda n: p[f"blocks.{i}.{n}"]
    mod = (c @ g("adaLN_modulation.weight").T + g("adaLN_modulation.bias"))[:, None, :]
    sh1, sc1, g1, sh2, sc2, g2 = mod.chunk(6, dim=-1)
    B, S, D = x.shape
    h = layer_norm(x, g("norm1.weight")) * (1 + sc1) + sh1
    qkv = (h @ g("attn_qkv.weight").T).view(B, S, 3, heads, D // heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    # Each half of a BD3-LM [x_t ; x_0] input gets the positions 0..n-1 of its own tokens.
    cs = torch.cat([cos] * halves, 0)
    sn = torch.cat([sin] * halves, 0)
    q, k = rotate(q, cs, sn), rotate(k, cs, sn)
    scores = q @ k.transpose(-1, -2) / math.sqrt(D // heads)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    o = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, S, D)
    x = x + g1 * (o @ g("attn_out.weight").T)
    h = layer_norm(x, g("norm2.weight")) * (1 + sc2) + sh2
    m = F.gelu(h @ g("mlp.0.weight").T + g("mlp.0.bias"), approximate="tanh") @ g("mlp.2.weight").T + g("mlp.2.bias")
    return x + g2 * m


def pair_mask(n, block_size):
    """BD3-LM's [2n, 2n] mask over [x_t ; x_0]: own block in the same half, earlier clean blocks for x_t, causal blocks for x_0."""
    idx = torch.arange(2 * n)
    clean = idx >= n
    blk = torch.where(clean, idx - n, idx) // block_size
    same = (blk[:, None] == blk[None, :]) & (clean[:, None] == clean[None, :])
    offset = (blk[:, None] > blk[None, :]) & clean[None, :] & ~clean[:, None]
    causal = (blk[:, None] >= blk[None, :]) & clean[None, :] & clean[:, None]
    return same | offset | causal


def forward(p, tokens, sigma, heads, clean=None, block_size=None):
    """Logits [B, n, vocab] of the noisy tokens (BD3-LM: attending to the clean sequence through the pair mask)."""
    n = tokens.shape[1]
    x_in = tokens if clean is None else torch.cat([tokens, clean], 1)
    x = p["vocab_embed.embedding"][x_in]
    c = F.silu(time_embedding(p, sigma))
    cos, sin, _ = rotary_tables(torch.arange(n), x.shape[-1] // heads)
    mask = None if clean is None else pair_mask(n, block_size)
    layers = len({k.split(".")[1] for k in p if k.startswith("blocks.")})
    for i in range(layers):
        x = block(p, i, x, c, cos, sin, heads, mask, 1 if clean is None else 2)
    mod = (c @ p["output_layer.adaLN_modulation.weight"].T + p["output_layer.adaLN_modulation.bias"])[:, None, :]
    shift, scale = mod.chunk(2, dim=-1)
    h = layer_norm(x, p["output_layer.norm_final.weight"]) * (1 + scale) + shift
    logits = h @ p["output_layer.linear.weight"].T + p["output_layer.linear.bias"]
    return logits[:, :n]


def random_weights(gen, vocab, d, layers, cond):
    """Every parameter of the backbone with seeded random values of a plausible scale."""
    def normal(*shape, std):
        return torch.randn(*shape, generator=gen) * std
    p = {
        "vocab_embed.embedding": normal(vocab, d, std=1.0),
        "sigma_map.mlp.0.weight": normal(cond, 256, std=1 / 16),
        "sigma_map.mlp.0.bias": normal(cond, std=0.1),
        "sigma_map.mlp.2.weight": normal(cond, cond, std=1 / math.sqrt(cond)),
        "sigma_map.mlp.2.bias": normal(cond, std=0.1),
    }
    for i in range(layers):
        b = f"blocks.{i}."
        p[b + "norm1.weight"] = 1 + normal(d, std=0.2)
        p[b + "attn_qkv.weight"] = normal(3 * d, d, std=1 / math.sqrt(d))
        p[b + "attn_out.weight"] = normal(d, d, std=1 / math.sqrt(d))
        p[b + "norm2.weight"] = 1 + normal(d, std=0.2)
        p[b + "mlp.0.weight"] = normal(4 * d, d, std=1 / math.sqrt(d))
        p[b + "mlp.0.bias"] = normal(4 * d, std=0.1)
        p[b + "mlp.2.weight"] = normal(d, 4 * d, std=1 / math.sqrt(4 * d))
        p[b + "mlp.2.bias"] = normal(d, std=0.1)
        p[b + "adaLN_modulation.weight"] = normal(6 * d, cond, std=0.3 / math.sqrt(cond))
        p[b + "adaLN_modulation.bias"] = normal(6 * d, std=0.3)
    p["output_layer.norm_final.weight"] = 1 + normal(d, std=0.2)
    p["output_layer.adaLN_modulation.weight"] = normal(2 * d, cond, std=0.3 / math.sqrt(cond))
    p["output_layer.adaLN_modulation.bias"] = normal(2 * d, std=0.3)
    p["output_layer.linear.weight"] = normal(vocab, d, std=1 / math.sqrt(d))
    p["output_layer.linear.bias"] = normal(vocab, std=0.1)
    return p


def save_safetensors(path, tensors):
    """The safetensors format by hand: 8-byte little-endian header length, JSON header, raw little-endian data."""
    codes = {torch.float32: "F32", torch.int64: "I64"}
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        raw = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arch", choices=["mdlm", "bd3lm"], required=True)
    ap.add_argument("--out", help="output folder (not with --bench)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--vocab", type=int, default=40, help="rows of the embedding, mask included (GPT-2: 50258)")
    ap.add_argument("--d", type=int, default=32)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--cond", type=int, default=16)
    ap.add_argument("--length", type=int, default=12)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--block", type=int, default=4, help="bd3lm: block size")
    ap.add_argument("--bench", type=int, default=0, help="time this many forwards instead of writing files")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    p = random_weights(gen, a.vocab, a.d, a.layers, a.cond)
    mask_id = a.vocab - 1
    tokens = torch.randint(0, mask_id, (a.batch, a.length), generator=gen)
    clean = tokens.clone()
    masked = torch.rand(a.batch, a.length, generator=gen) < 0.5
    tokens[masked] = mask_id
    sigma = torch.zeros(a.batch)  # the public checkpoints are time-agnostic: sigma is fed as 0
    bd3 = a.arch == "bd3lm"
    run = lambda: forward(p, tokens, sigma, a.heads, clean if bd3 else None, a.block if bd3 else None)
    with torch.no_grad():
        if a.bench:
            # maskdiff's convention: MASKDIFF_TORCH_THREADS intra-op threads (unset: 1), BLAS threads from OPENBLAS_NUM_THREADS
            torch.set_num_threads(int(os.environ.get("MASKDIFF_TORCH_THREADS") or 1))
            run()  # warm-up
            times = []
            for _ in range(a.bench):
                t0 = time.perf_counter()
                run()
                times.append(time.perf_counter() - t0)
            print(json.dumps({"arch": a.arch, "seconds": times, "threads": torch.get_num_threads(), "torch": torch.__version__}))
            return
        logits = run()
    _, _, inv = rotary_tables(torch.arange(1), a.d // a.heads)
    weights = {"backbone." + k: v for k, v in p.items()}
    weights["backbone.rotary_emb.inv_freq"] = inv  # a persistent buffer of the official module
    if bd3:  # BD3-LM's Hugging Face model also stores its masking-rate clipping bounds as buffers
        weights["sampling_eps_min"] = torch.tensor(1e-3)
        weights["sampling_eps_max"] = torch.tensor(0.999)
    save_safetensors(f"{a.out}/model.safetensors", weights)
    ref = {"tokens": tokens, "logits": logits.float()}
    if bd3:
        ref["clean"] = clean
    save_safetensors(f"{a.out}/reference.safetensors", ref)


if __name__ == "__main__":
    main()

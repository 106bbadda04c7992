#!/usr/bin/env python3
"""maskdiff's own PyTorch peer: our DiT, MD4's masked NELBO and the ancestral sampler, in PyTorch.

This file is the "same thing written the usual way" that maskdiff is measured and checked against.
It follows src/ literally (parameter names, operation order, constants), so one state dict moves
between the two through safetensors. Run it with the interpreter that has torch; on Debian that is
/usr/bin/python3 once `apt-get install --no-install-recommends python3-torch` is done. It needs
only torch and numpy (safetensors files are read and written here, no `safetensors` package).

Modes (each prints one JSON line on stdout):

  --print-configs                     the configurations below (the tests compare them with bench/configs.ts)
  --export FILE --config tiny|small   equivalence case for test/equivalence.test.ts: the initial weights
                                      (our names), `case.x` / `case.t` / `case.masked` (uint8), and what one
                                      forward + backward gives: `case.logits`, `case.loss`, `grad.<name>`
  --mode train|forward --config NAME  engine bench worker: median time of a train step (fwd + bwd + AdamW)
                                      or of a no-grad forward pass, as bench/engine-worker.ts measures ours
  --mode ddp --config NAME --out FILE ddp bench worker, one rank (torchrun's variables; none: one process): the
                                      train step under DistributedDataParallel (Gloo) on this rank's share of the
                                      batch, the gradient all-reduce alone (flattened 25 MiB buckets, as ours), and
                                      one all-reduce of a --bw-mb MiB buffer; rank 0 writes the JSON to FILE
  --sample-scale WEIGHTS --top-p P    samplers bench worker at scale: MDLM's caching ancestral update (softmax in
                                      float64, sort-based top-p, float64 Gumbel over V + 1 per position) on WEIGHTS;
                                      one timed run after --warmup: per-step and per-forward time
  --sample WEIGHTS                    samplers bench worker: the ancestral sampler with exact caching on the
                                      weights in WEIGHTS (a safetensors file whose metadata `config` is the
                                      DiT config as JSON); --trace FILE also writes every step's state and μ

Model (src/models/dit.ts): emb -> layers x DiT block -> modulated head, with
  conditioning  c = SiLU(time.mlp.2(SiLU(time.mlp.0(sinusoid(t)))))   (t := 0 when time-agnostic)
  block         x += g1 * proj(attn(rope(qkv(LN(x)(1+sc1)+sh1))));  x += g2 * fc2(gelu_tanh(fc1(LN(x)(1+sc2)+sh2)))
                with (sh1, sc1, g1, sh2, sc2, g2) = ada(c), LN without affine, eps 1e-5, bidirectional attention
  head          out(LN(x)(1+sc)+sh), (sh, sc) = ada(c); vocab − 1 logits (never one for the mask token)
Loss (src/methods/md4/masked-nelbo.ts): Σ_b w_b Σ_{i masked} −log softmax(logits)[x_i] / (B·S), w = 1/t (linear α).
"""
import argparse
import json
import math
import os
import resource
import statistics
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# ------------------------------------------------------------------ configurations
# Identical to bench/configs.ts (vocab counts the mask token); test/equivalence.test.ts checks it.
CONFIGS = {
    "tiny": {"vocab": 28, "seq": 128, "d": 128, "layers": 2, "heads": 4, "cond": 64, "batch": 16},
    "small": {"vocab": 28, "seq": 256, "d": 256, "layers": 4, "heads": 4, "cond": 128, "batch": 16},
    "base": {"vocab": 28, "seq": 256, "d": 384, "layers": 6, "heads": 6, "cond": 128, "batch": 16},
    "quickstart": {"vocab": 28, "seq": 64, "d": 128, "layers": 3, "heads": 4, "cond": 64, "batch": 32,
                   "timeConditioning": False},
}

# ------------------------------------------------------------------ safetensors (8-byte LE length, JSON header, data)
_DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "U8": np.uint8, "BOOL": np.bool_}
_CODES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32",
          torch.uint8: "U8", torch.bool: "BOOL"}


def read_safetensors(path):
    """-> (name -> tensor, metadata dict of strings)."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    metadata = header.pop("__metadata__", {}) or {}
    data = memoryview(blob)[8 + n:]
    tensors = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        arr = np.frombuffer(data[begin:end], dtype=_DTYPES[e["dtype"]]).reshape(e["shape"])
        tensors[name] = torch.from_numpy(arr.copy())
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    """Writes atomically (temporary file, then rename), names sorted, header padded to 8 bytes."""
    header = {"__metadata__": metadata} if metadata else {}
    chunks, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        raw = t.numpy().tobytes()
        header[name] = {"dtype": _CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)
    os.replace(tmp, path)


# ------------------------------------------------------------------ the network (names as in src/models, src/nn)
def rotary_tables(seq, head_dim):
    """cos, sin [seq, head_dim/2] (src/nn/rotary.ts): inv_i = exp(−(2i/head_dim)·ln 10000)."""
    idx = torch.arange(0, head_dim, 2, dtype=torch.float32)
    inv = (idx / head_dim * math.log(10000)).neg().exp()
    pos = torch.arange(0, seq, 1, dtype=torch.float32)
    freqs = pos[:, None] * inv[None, :]
    return freqs.cos(), freqs.sin()


def rotate(x, cos, sin):
    """Half-split RoPE: the pair (i, i + head_dim/2) turns by the position's angle."""
    a, b = x.chunk(2, dim=-1)
    return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)


def sinusoid(t, freq_dim):
    """[cos(t f_i), sin(t f_i)], f_i = exp(−i ln 10000 / half) (src/nn/time-embedding.ts)."""
    half = freq_dim // 2
    freqs = (torch.arange(0, half, 1, dtype=torch.float32) * (-math.log(10000) / half)).exp()
    args = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([args.cos(), args.sin()], dim=-1)


def linear(n_in, n_out, bias=True, zero=False):
    """nn.Linear with PyTorch's U(±1/√in) init, or all zeros (adaLN-zero)."""
    layer = nn.Linear(n_in, n_out, bias=bias)
    if zero:
        nn.init.zeros_(layer.weight)
        nn.init.zeros_(layer.bias)
    return layer


class TimeMlp(nn.Module):
    """time.mlp.0 -> SiLU -> time.mlp.2 on the 256-wide sinusoid."""

    def __init__(self, dim, freq_dim=256):
        super().__init__()
        self.freq_dim = freq_dim
        self.mlp = nn.Sequential(linear(freq_dim, dim), nn.SiLU(), linear(dim, dim))

    def forward(self, t):
        return self.mlp(sinusoid(t, self.freq_dim))


class DiTBlock(nn.Module):
    """blocks.<i>: qkv (no bias), proj (no bias), fc1, fc2, ada (zero init)."""

    def __init__(self, d, heads, cond):
        super().__init__()
        self.d, self.heads = d, heads
        self.qkv = linear(d, 3 * d, bias=False)
        self.proj = linear(d, d, bias=False)
        self.fc1 = linear(d, 4 * d)
        self.fc2 = linear(4 * d, d)
        self.ada = linear(cond, 6 * d, zero=True)

    def attend(self, h, cos, sin):
        B, S, D = h.shape
        q, k, v = self.qkv(h).reshape(B, S, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        scores = (q * (1 / math.sqrt(D // self.heads))) @ k.transpose(-2, -1)
        o = scores.softmax(-1) @ v
        return self.proj(o.transpose(1, 2).reshape(B, S, D))

    def forward(self, x, c, cos, sin):
        sh1, sc1, g1, sh2, sc2, g2 = self.ada(c)[:, None, :].chunk(6, dim=-1)
        x = x + g1 * self.attend(F.layer_norm(x, (self.d,)) * (sc1 + 1) + sh1, cos, sin)
        h = F.layer_norm(x, (self.d,)) * (sc2 + 1) + sh2
        return x + g2 * self.fc2(F.gelu(self.fc1(h), approximate="tanh"))


class DiT(nn.Module):
    """emb, time.*, blocks.*, ada, out: the state-dict names of src/models/dit.ts."""

    def __init__(self, vocab, seq, d, layers, heads, cond, timeConditioning=True, **_):
        super().__init__()
        self.d, self.heads, self.time_conditioned = d, heads, timeConditioning is not False
        self.emb = nn.Embedding(vocab, d)  # N(0, 1) rows, the last one for the mask token
        self.time = TimeMlp(cond)
        self.blocks = nn.ModuleList([DiTBlock(d, heads, cond) for _ in range(layers)])
        self.ada = linear(cond, 2 * d, zero=True)
        self.out = linear(d, vocab - 1)
        self._tables = {}

    def tables(self, seq):
        if seq not in self._tables:
            self._tables[seq] = rotary_tables(seq, self.d // self.heads)
        return self._tables[seq]

    def forward(self, z, t):
        """z int64 [B, S] (mask = vocab − 1), t float [B] -> logits [B, S, vocab − 1]."""
        cos, sin = self.tables(z.shape[1])
        c = F.silu(self.time(t if self.time_conditioned else torch.zeros(t.shape)))
        x = self.emb(z)
        for block in self.blocks:
            x = block(x, c, cos, sin)
        sh, sc = self.ada(c)[:, None, :].chunk(2, dim=-1)
        return self.out(F.layer_norm(x, (self.d,)) * (sc + 1) + sh)


def load_dit(path):
    """A DiT from a safetensors file holding its weights and `config` metadata (as our CLI and bench write it)."""
    tensors, metadata = read_safetensors(path)
    cfg = json.loads(metadata["config"])
    model = DiT(**cfg)
    weights = {k: v for k, v in tensors.items() if not k.startswith(("case.", "grad."))}
    model.load_state_dict(weights, strict=True)
    return model.eval(), cfg


# ------------------------------------------------------------------ forward process and MD4's NELBO
def antithetic_times(batch, t_min=1e-3):
    """t_b = (u + b/B) mod 1 squeezed into [t_min, 1] (src/diffusion/process.ts)."""
    t = torch.rand(()) + torch.arange(0, batch, 1, dtype=torch.float32) / batch
    return (t - t.floor()) * (1 - t_min) + t_min


def draw_mask(batch, seq, mask_prob):
    return torch.rand(batch, seq) < mask_prob[:, None]


def masked_nelbo(logits, x, masked, weight):
    """Σ_b w_b · Σ_{i masked} −log softmax(logits)[x_i] / (B·S)."""
    B, S = x.shape
    ce = -logits.float().log_softmax(-1).gather(-1, x[..., None]).squeeze(-1)
    return ((ce * masked.float()).sum(-1) * weight).sum() / (B * S)


# ------------------------------------------------------------------ --export: the equivalence case
def export_case(path, name):
    cfg = CONFIGS[name]
    torch.manual_seed(0)
    model = DiT(**cfg)
    with torch.no_grad():  # adaLN-zero would zero every gradient behind a gate; give the gates a value
        for pname, p in model.named_parameters():
            if pname.endswith(("ada.weight", "ada.bias")):
                p.normal_(0, 0.02)
    weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
    B, S, mask_id = cfg["batch"], cfg["seq"], cfg["vocab"] - 1
    x = torch.randint(0, mask_id, (B, S))
    t = antithetic_times(B)
    masked = draw_mask(B, S, t)
    logits = model(x.masked_fill(masked, mask_id), t)
    loss = masked_nelbo(logits, x, masked, t.pow(-1))
    loss.backward()
    out = dict(weights)
    out.update({"case.x": x, "case.t": t, "case.masked": masked.to(torch.uint8),
                "case.logits": logits.detach(), "case.loss": loss.detach().reshape(1)})
    out.update({f"grad.{n}": p.grad for n, p in model.named_parameters()})
    write_safetensors(path, out, {"config": json.dumps(dict(cfg, name=name)), "torch": torch.__version__})
    return {"exported": path, "config": name, "params": len(weights)}


# ------------------------------------------------------------------ --mode: the engine bench worker
def bench_engine(name, mode, steps, warmup):
    cfg = CONFIGS[name]
    torch.manual_seed(0)
    model = DiT(**cfg)
    B, S, mask_id = cfg["batch"], cfg["seq"], cfg["vocab"] - 1
    x = torch.randint(0, mask_id, (B, S))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.0)
    odd = (torch.arange(S) % 2 == 1)[None, :].expand(B, S)  # forward input: odd positions masked
    times, value = [], 0.0
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        if mode == "train":
            opt.zero_grad(set_to_none=True)
            t = antithetic_times(B)
            masked = draw_mask(B, S, t)
            loss = masked_nelbo(model(x.masked_fill(masked, mask_id), t), x, masked, t.pow(-1))
            loss.backward()
            opt.step()
            value = loss.item()
        else:
            with torch.no_grad():
                value = model(x.masked_fill(odd, mask_id), torch.full((B,), 0.5)).sum().item()
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(times)
    return {"impl": "pytorch", "torch": torch.__version__, "config": name, "mode": mode,
            "params": sum(p.numel() for p in model.parameters()), "median_ms": round(med, 2),
            "min_ms": round(min(times), 2), "tokens_per_s": round(B * S / (med / 1000), 1), "last_value": value,
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


# ------------------------------------------------------------------ --mode ddp: the ddp bench worker
def bench_ddp(name, steps, warmup, bw_mb, reps, out):
    import datetime
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    cfg = CONFIGS[name]
    world, rank = int(os.environ.get("WORLD_SIZE", "1")), int(os.environ.get("RANK", "0"))
    if world > 1:
        dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=300))
    torch.manual_seed(0)
    model = DiT(**cfg)
    net = DistributedDataParallel(model) if world > 1 else model  # broadcasts rank 0's weights; 25 MiB buckets
    B, S, mask_id = cfg["batch"] // world, cfg["seq"], cfg["vocab"] - 1
    x = torch.randint(0, mask_id, (cfg["batch"], S))[rank * B:(rank + 1) * B].contiguous()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.0)
    barrier = dist.barrier if world > 1 else (lambda: None)
    step_ms = []
    for i in range(warmup + steps):
        barrier()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        t = antithetic_times(B)
        masked = draw_mask(B, S, t)
        masked_nelbo(net(x.masked_fill(masked, mask_id), t), x, masked, t.pow(-1)).backward()  # DDP all-reduces here
        opt.step()
        if i >= warmup:
            step_ms.append((time.perf_counter() - t0) * 1000)
    grads = [p.grad for p in model.parameters()]
    cap, buckets, size = 25 * 2 ** 20, [[]], 0
    for g in grads:
        if buckets[-1] and size + g.numel() * 4 > cap:
            buckets.append([])
            size = 0
        buckets[-1].append(g)
        size += g.numel() * 4
    alone, bw = [], []
    buf = torch.zeros(round(bw_mb * 2 ** 20 / 4))
    for _ in range(reps):
        barrier()
        t0 = time.perf_counter()
        for b in buckets:  # what DDP does per bucket, without its overlap with backward
            flat = torch.cat([g.reshape(-1) for g in b])
            if world > 1:
                dist.all_reduce(flat)
            flat.div_(world)
            off = 0
            for g in b:
                g.copy_(flat[off:off + g.numel()].view_as(g))
                off += g.numel()
        alone.append((time.perf_counter() - t0) * 1000)
        barrier()
        t0 = time.perf_counter()
        if world > 1:
            dist.all_reduce(buf)
        bw.append((time.perf_counter() - t0) * 1000)
    if rank == 0 and out:
        with open(out, "w") as f:
            json.dump({"impl": "pytorch", "torch": torch.__version__, "world": world, "config": name, "batch_per_rank": B,
                       "grad_mb": round(sum(g.numel() * 4 for g in grads) / 2 ** 20, 2),
                       "step_ms": round(statistics.median(step_ms), 1), "allreduce_ms": round(statistics.median(alone), 2),
                       "bw_mb": bw_mb, "bw_ms": round(statistics.median(bw), 2)}, f)
    if world > 1:
        dist.destroy_process_group()
    return {"rank": rank, "world": world}


# ------------------------------------------------------------------ --sample: ancestral sampling with exact caching
class CachedMu:
    """μ [B, L, V] float64 after SUBS, re-predicted only for rows whose state changed (src/diffusion/samplers/prediction-cache.ts).

    Exact only for a time-agnostic network: an unchanged row has the same μ at every t.
    A row without MASK gets its one-hot μ without a network call.
    """

    def __init__(self, model, batch, length, V, enabled=True):
        self.model, self.V = model, V
        self.probs = torch.zeros(batch, length, V, dtype=torch.float64)
        self.stale = torch.ones(batch, dtype=torch.bool)
        self.exact = enabled and not model.time_conditioned
        self.calls = self.rows = 0

    def refresh(self, tokens, t):
        need = torch.ones_like(self.stale) if not self.exact else self.stale.clone()
        has_mask = (tokens == self.V).any(1)
        one_hot = need & ~has_mask & self.stale
        if one_hot.any():
            self.probs[one_hot] = F.one_hot(tokens[one_hot].clamp(max=self.V - 1), self.V).to(torch.float64)
            self.stale[one_hot] = False
        rows = (need & has_mask).nonzero().squeeze(1)
        if rows.numel() == 0:
            return
        z = tokens[rows]
        with torch.no_grad():
            logits = self.model(z, torch.full((rows.numel(),), float(t), dtype=torch.float32)).to(torch.float64)
        mu = logits.softmax(-1)
        revealed = z != self.V  # SUBS: carry revealed tokens over
        mu[revealed] = F.one_hot(z[revealed], self.V).to(torch.float64)
        self.probs[rows] = mu
        self.stale[rows] = False
        self.calls += 1
        self.rows += rows.numel()


def exponential(shape, gen):
    """Exp(1) draws −log(1 − U) in float64 (src/engine/rng.ts)."""
    return torch.rand(shape, dtype=torch.float64, generator=gen).neg().log1p().neg()


def ancestral_sample(model, V, batch, length, steps, gen, trace=None):
    """T steps of the ancestral policy on the uniform grid t_k = 1 − k/T under α = 1 − t, then argmax fill.

    Each masked position is revealed with probability (m_t − m_s)/m_t (m = t here) to a draw from μ by the
    exponential race argmax_v μ_v / E_v; revealed positions never change (src/diffusion/samplers/loop.ts).
    """
    tokens = torch.full((batch, length), V, dtype=torch.int64)
    cache = CachedMu(model, batch, length, V)
    idle, last = 0, 1.0
    for k in range(steps):
        t = 1.0 if k == 0 else 1 - k / steps
        s = 0.0 if k + 1 >= steps else 1 - (k + 1) / steps
        cache.refresh(tokens, t)
        p = min(1.0, max(0.0, (t - s) / t))
        if trace is not None:
            trace.append((tokens.clone(), cache.probs.clone(), (t, s, p)))
        masked = tokens == V
        reveal = masked & (torch.rand((batch, length), dtype=torch.float64, generator=gen) < p)
        if reveal.any():
            mu = cache.probs[reveal]
            draws = (mu / exponential(mu.shape, gen)).masked_fill(mu <= 0, -math.inf).argmax(-1)
            tokens[reveal] = draws
            cache.stale |= reveal.any(1)
        else:
            idle += 1
        last = s
    filled = (tokens == V).any().item()
    if filled:
        cache.refresh(tokens, last)
        still = tokens == V
        tokens[still] = cache.probs[still].argmax(-1)
    stats = {"nfe": steps + (1 if filled else 0), "nfe_noncached": cache.calls, "predicted_rows": cache.rows,
             "idle_steps": idle}
    return tokens, stats


def bench_sample(weights, batch, steps, seed, warmup, repeats, trace_path):
    model, cfg = load_dit(weights)
    V, L = cfg["vocab"] - 1, cfg["seq"]
    T = steps or L
    gen = torch.Generator().manual_seed(seed)
    for _ in range(warmup):
        ancestral_sample(model, V, batch, L, T, gen)
    seconds, stats, tokens, trace = [], None, None, [] if trace_path else None
    for _ in range(repeats):
        t0 = time.perf_counter()
        tokens, stats = ancestral_sample(model, V, batch, L, T, gen, trace)
        seconds.append(time.perf_counter() - t0)
        if trace is not None:
            trace_out = {"final.tokens": tokens}
            for k, (z, mu, tsp) in enumerate(trace):
                trace_out[f"step.{k}.tokens"] = z
                trace_out[f"step.{k}.probs"] = mu
                trace_out[f"step.{k}.tsp"] = torch.tensor(tsp, dtype=torch.float64)
            write_safetensors(trace_path, trace_out, {"stats": json.dumps(stats), "steps": str(T)})
            trace = None
    sec = statistics.median(seconds)
    return {"impl": "pytorch", "torch": torch.__version__, "sampler": "ancestral", "T": T, "batch": batch,
            "length": L, "seconds": round(sec, 4), "tokens_per_s": round(batch * L / sec, 1), **stats,
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


# ------------------------------------------------------------------ --sample-scale: MDLM's caching ancestral update
def nucleus_mdlm(p_x0, top_p):
    """MDLM/ReMDM top-p: sort each row descending, keep entries whose inclusive cumulative sum is <= p (the
    top-1 always), renormalise, scatter back (ALGORITHMS.md §1.13)."""
    values, order = p_x0.sort(dim=-1, descending=True)
    keep = values.cumsum(-1) <= top_p
    keep[..., 0] = True
    values = values * keep
    values = values / values.sum(-1, keepdim=True)
    return torch.zeros_like(p_x0).scatter_(-1, order, values)


def mdlm_caching_sample(model, V, batch, length, steps, top_p, gen):
    """T steps of the MDLM/ReMDM caching update under α = 1 − t on t_k = 1 − k/T, then argmax noise removal.

    Per step: μ = softmax(logits) in float64 (re-predicted only after a step changed the batch), top-p, then one
    categorical draw over the V classes and MASK per position with weights (μ·(t − s), s) by float64 Gumbel-max;
    revealed positions are carried over. Returns the tokens, the network's share of the time and the calls.
    """
    x = torch.full((batch, length), V, dtype=torch.int64)
    p_x0, forward_s, calls = None, 0.0, 0
    for k in range(steps):
        t, s = 1 - k / steps, max(0.0, 1 - (k + 1) / steps)
        if p_x0 is None:
            t0 = time.perf_counter()
            with torch.no_grad():
                logits = model(x, torch.full((batch,), t, dtype=torch.float32))
            forward_s += time.perf_counter() - t0
            calls += 1
            p_x0 = logits.to(torch.float64).softmax(-1)
            if top_p < 1:
                p_x0 = nucleus_mdlm(p_x0, top_p)
        q = torch.cat([p_x0 * (t - s), torch.full((batch, length, 1), s, dtype=torch.float64)], -1)
        noise = -(torch.rand(q.shape, dtype=torch.float64, generator=gen) + 1e-10).log()
        draw = (q / noise).argmax(-1)
        x_next = torch.where(x != V, x, draw)
        if not torch.equal(x_next, x):
            p_x0 = None
        x = x_next
    if (x == V).any():
        with torch.no_grad():
            logits = model(x, torch.zeros(batch))
        x = torch.where(x != V, x, logits.argmax(-1))
    return x, forward_s, calls


def bench_sample_scale(weights, batch, steps, top_p, seed, warmup, threads):
    """Median per-step time of mdlm_caching_sample (whole step, and the network's share) on the given weights."""
    model, cfg = load_dit(weights)
    V, L = cfg["vocab"] - 1, cfg["seq"]
    gen = torch.Generator().manual_seed(seed)
    for _ in range(warmup):
        mdlm_caching_sample(model, V, batch, L, steps, top_p, gen)
    t0 = time.perf_counter()
    _, forward_s, calls = mdlm_caching_sample(model, V, batch, L, steps, top_p, gen)
    sec = time.perf_counter() - t0
    return {"impl": "pytorch", "torch": torch.__version__, "vocab": V, "length": L, "batch": batch, "T": steps, "top_p": top_p,
            "step_ms": round(1000 * sec / steps, 2), "forward_ms": round(1000 * forward_s / max(calls, 1), 2), "calls": calls,
            "threads": torch.get_num_threads(),
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


# ------------------------------------------------------------------ command line
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--print-configs", action="store_true", help="print CONFIGS as JSON")
    ap.add_argument("--export", metavar="FILE", help="write the equivalence case for --config to FILE")
    ap.add_argument("--mode", choices=["train", "forward", "ddp"], help="time a train step or a forward pass of --config, or one ddp bench rank")
    ap.add_argument("--sample", metavar="WEIGHTS", help="time the ancestral sampler on these weights")
    ap.add_argument("--sample-scale", metavar="WEIGHTS", help="time MDLM's caching ancestral update (with --top-p) on these weights")
    ap.add_argument("--top-p", type=float, default=1.0, help="nucleus mass for --sample-scale (MDLM's variant)")
    ap.add_argument("--config", default="small", choices=sorted(CONFIGS))
    ap.add_argument("--steps", type=int, default=10, help="timed steps (--mode) or sampling steps T (--sample; 0 = L)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed steps (--mode) or untimed sampling runs (--sample)")
    ap.add_argument("--repeats", type=int, default=1, help="timed sampling runs (--sample), median reported")
    ap.add_argument("--batch", type=int, default=8, help="sequences sampled at once (--sample)")
    ap.add_argument("--seed", type=int, default=1, help="sampling seed (--sample)")
    ap.add_argument("--trace", metavar="FILE", help="with --sample: write every step's state, μ and (t, s, p) here")
    ap.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0 = torch's default)")
    ap.add_argument("--bw-mb", type=float, default=16, help="--mode ddp: MiB of the bandwidth all-reduce")
    ap.add_argument("--reps", type=int, default=10, help="--mode ddp: repetitions of the all-reduce timings")
    ap.add_argument("--out", metavar="FILE", help="--mode ddp: rank 0 writes its JSON here")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.print_configs:
        result = CONFIGS
    elif args.export:
        result = export_case(args.export, args.config)
    elif args.mode == "ddp":
        result = bench_ddp(args.config, args.steps, args.warmup, args.bw_mb, args.reps, args.out)
    elif args.mode:
        result = bench_engine(args.config, args.mode, args.steps, args.warmup)
    elif args.sample_scale:
        result = bench_sample_scale(args.sample_scale, args.batch, args.steps, args.top_p, args.seed, args.warmup, args.threads)
    elif args.sample:
        result = bench_sample(args.sample, args.batch, args.steps, args.seed, args.warmup, args.repeats, args.trace)
    else:
        ap.error("choose one of --print-configs, --export, --mode, --sample, --sample-scale")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

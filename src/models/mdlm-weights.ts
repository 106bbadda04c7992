/**
 * The public MDLM / BD3-LM DiT backbone (kuleshov-group, Hugging Face names `backbone.*`) as maskdiff DiT weights.
 * The architectures agree (fused bias-free qkv, half-split rotary on q and k, GELU-tanh MLP, adaLN with six
 * chunks shift/scale/gate ×2, final adaLN shift/scale, SiLU of the sigma embedding) except in two places, both
 * mapped exactly: (1) their LayerNorms carry a learned scale w and ours none, so w is folded into the adaLN scale
 * rows, LN(x)·w·(1 + s) = LN(x)·(1 + s′) with s′ = w∘s + w − 1, an affine map of the conditioning; (2) their output
 * layer also scores the mask token (the last row), which SUBS sets to −∞, so that row is dropped.
 */
import { cat, noGrad, tidy, type Tensor } from "../engine/index.js";
import type { SafetensorsEntry } from "../engine/safetensors.js";
import { UserError } from "../cli/user-error.js";

/** Sizes of an MDLM-family backbone, read from its tensors (heads cannot be: the caller gives them). */
export interface MdlmSizes {
  /** Rows of the input embedding: real tokens + the mask (last row). */
  vocab: number;
  d: number;
  layers: number;
  cond: number;
}

/** Name prefix of the Hugging Face checkpoints (and of MDLM's Lightning state dict). */
const PREFIX = "backbone.";

/**
 * Buffers the public files may carry that are not weights: the rotary frequencies (checked by checkRotaryBuffer) and
 * BD3-LM's training-time clipping bounds of the masking rate (maskdiff's bd3 takes those as method.clip for training).
 */
const IGNORED = new Set(["rotary_emb.inv_freq", "sampling_eps_min", "sampling_eps_max"]);

/** Their parameter names and shapes for given sizes, in file order; the rotary buffer is optional. */
function expectedShapes({ vocab, d, layers, cond }: MdlmSizes): [string, number[]][] {
  const out: [string, number[]][] = [
    ["vocab_embed.embedding", [vocab, d]],
    ["sigma_map.mlp.0.weight", [cond, 256]],
    ["sigma_map.mlp.0.bias", [cond]],
    ["sigma_map.mlp.2.weight", [cond, cond]],
    ["sigma_map.mlp.2.bias", [cond]],
  ];
  for (let i = 0; i < layers; i++) {
    const b = `blocks.${i}.`;
    out.push(
      [b + "norm1.weight", [d]], [b + "attn_qkv.weight", [3 * d, d]], [b + "attn_out.weight", [d, d]], [b + "norm2.weight", [d]],
      [b + "mlp.0.weight", [4 * d, d]], [b + "mlp.0.bias", [4 * d]], [b + "mlp.2.weight", [d, 4 * d]], [b + "mlp.2.bias", [d]],
      [b + "adaLN_modulation.weight", [6 * d, cond]], [b + "adaLN_modulation.bias", [6 * d]],
    );
  }
  out.push(
    ["output_layer.norm_final.weight", [d]], ["output_layer.linear.weight", [vocab, d]], ["output_layer.linear.bias", [vocab]],
    ["output_layer.adaLN_modulation.weight", [2 * d, cond]], ["output_layer.adaLN_modulation.bias", [2 * d]],
  );
  return out;
}

/** The name a tensor has without the `backbone.` prefix (files without the prefix are accepted as they are). */
function bare(name: string): string {
  return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
}

/**
 * Checks a file's tensor list against the MDLM layout and returns its sizes; throws one UserError naming the first
 * tensor that does not fit (missing, unknown, wrong shape or dtype). `what` names the file in the message.
 */
export function checkMdlmLayout(entries: readonly SafetensorsEntry[], what: string): MdlmSizes {
  const byName = new Map(entries.map((e) => [bare(e.name), e]));
  const emb = byName.get("vocab_embed.embedding");
  const sigma = byName.get("sigma_map.mlp.0.weight");
  if (!emb || emb.shape.length !== 2 || !sigma || sigma.shape.length !== 2)
    throw new UserError(`${what} is not an MDLM/BD3-LM DiT checkpoint: it has no ${!emb || emb.shape.length !== 2 ? "backbone.vocab_embed.embedding [vocab, d]" : "backbone.sigma_map.mlp.0.weight [cond, 256]"} tensor`);
  const blockIds = new Set<number>();
  for (const n of byName.keys()) {
    const m = /^blocks\.(\d+)\./.exec(n);
    if (m) blockIds.add(Number(m[1]));
  }
  const sizes: MdlmSizes = { vocab: emb.shape[0]!, d: emb.shape[1]!, layers: blockIds.size, cond: sigma.shape[0]! };
  if (sizes.layers === 0) throw new UserError(`${what}: no backbone.blocks.* tensors (an MDLM DiT has at least one block)`);
  const expected = expectedShapes(sizes);
  const known = new Set(expected.map(([n]) => n));
  const sizeText = `vocab ${sizes.vocab}, d ${sizes.d}, ${sizes.layers} blocks, cond ${sizes.cond}`;
  for (const [n, shape] of expected) {
    const e = byName.get(n);
    if (!e) throw new UserError(`${what}: tensor '${PREFIX}${n}' is missing (expected [${shape.join(", ")}] for an MDLM DiT of ${sizeText})`);
    if (e.shape.join() !== shape.join()) throw new UserError(`${what}: tensor '${e.name}' has shape [${e.shape.join(", ")}], expected [${shape.join(", ")}] for an MDLM DiT of ${sizeText}`);
    if (e.dtype !== "float32") throw new UserError(`${what}: tensor '${e.name}' is stored as ${e.dtype}; the importer reads float32 weights`);
  }
  for (const e of entries) {
    const n = bare(e.name);
    if (IGNORED.has(n) || known.has(n)) continue;
    throw new UserError(`${what}: tensor '${e.name}' is not part of an MDLM/BD3-LM DiT (of ${sizeText})`);
  }
  return sizes;
}

/**
 * The rotary buffer, if the file has one, must hold 10000^(−2i/headDim) (the convention maskdiff's attention uses);
 * otherwise the head count given is wrong or the model uses another rotary base. Throws a UserError naming it.
 */
export function checkRotaryBuffer(tensors: Record<string, Tensor>, headDim: number, what: string): void {
  const name = Object.keys(tensors).find((n) => bare(n) === "rotary_emb.inv_freq");
  if (name === undefined) return;
  const got = tensors[name]!;
  const want = Array.from({ length: headDim / 2 }, (_, i) => Math.pow(10000, (-2 * i) / headDim));
  const vals = got.shape.length === 1 ? Array.from(got.toFloat64Array()) : [];
  const ok = vals.length === want.length && vals.every((v, i) => Math.abs(v - want[i]!) <= 1e-6 * Math.max(1, want[i]!));
  if (!ok) throw new UserError(`${what}: tensor '${name}' (shape [${got.shape.join(", ")}]) is not the rotary table of head dimension ${headDim}: is --heads right (the file's d is ${headDim} × heads)?`);
}

/** Folds a LayerNorm scale w [d] into the scale rows [d·k, d·(k+1)) of an adaLN linear (weight [m·d, cond], bias [m·d]). */
function foldScale(weight: Tensor, bias: Tensor, w: Tensor, k: number): { weight: Tensor; bias: Tensor } {
  const d = w.shape[0]!;
  const parts = (t: Tensor) => t.chunk(t.shape[0]! / d, 0);
  const W = parts(weight);
  const B = parts(bias);
  W[k] = W[k]!.mul(w.unsqueeze(1));
  B[k] = B[k]!.mul(w).add(w).sub(1);
  return { weight: cat(W, 0).contiguous(), bias: cat(B, 0).contiguous() };
}

/** maskdiff DiT parameters (names of src/models/dit.ts with the default seams) from the file's tensors. */
export function mdlmToDiT(tensors: Record<string, Tensor>, sizes: MdlmSizes): Record<string, Tensor> {
  return noGrad(() => tidy(() => {
    const t = Object.fromEntries(Object.entries(tensors).map(([n, v]) => [bare(n), v]));
    const get = (n: string) => t[n]!;
    const C = sizes.vocab - 1;
    const out: Record<string, Tensor> = {
      "emb.weight": get("vocab_embed.embedding").clone(),
      "time.mlp.0.weight": get("sigma_map.mlp.0.weight").clone(),
      "time.mlp.0.bias": get("sigma_map.mlp.0.bias").clone(),
      "time.mlp.2.weight": get("sigma_map.mlp.2.weight").clone(),
      "time.mlp.2.bias": get("sigma_map.mlp.2.bias").clone(),
    };
    for (let i = 0; i < sizes.layers; i++) {
      const b = (n: string) => get(`blocks.${i}.${n}`);
      const p = `blocks.${i}.`;
      out[p + "qkv.weight"] = b("attn_qkv.weight").clone();
      out[p + "proj.weight"] = b("attn_out.weight").clone();
      out[p + "fc1.weight"] = b("mlp.0.weight").clone();
      out[p + "fc1.bias"] = b("mlp.0.bias").clone();
      out[p + "fc2.weight"] = b("mlp.2.weight").clone();
      out[p + "fc2.bias"] = b("mlp.2.bias").clone();
      // Chunks: shift, scale, gate (attention), shift, scale, gate (MLP); norm1 scales chunk 1, norm2 chunk 4.
      const a = foldScale(b("adaLN_modulation.weight"), b("adaLN_modulation.bias"), b("norm1.weight"), 1);
      const m = foldScale(a.weight, a.bias, b("norm2.weight"), 4);
      out[p + "ada.weight"] = m.weight;
      out[p + "ada.bias"] = m.bias;
    }
    const head = foldScale(get("output_layer.adaLN_modulation.weight"), get("output_layer.adaLN_modulation.bias"), get("output_layer.norm_final.weight"), 1);
    out["ada.weight"] = head.weight;
    out["ada.bias"] = head.bias;
    out["out.weight"] = get("output_layer.linear.weight").slice(0, 0, C).contiguous();
    out["out.bias"] = get("output_layer.linear.bias").slice(0, 0, C).contiguous();
    return out;
  }));
}

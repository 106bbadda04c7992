/**
 * Per-token summaries of μ (the clean-class distribution after the parameterization and top-p): the only view
 * of μ that crosses from the tensor engine into JavaScript. μ itself stays on the engine; per row of logits the
 * ops below compute, in the logits' dtype with float64 sums and draws, one drawn candidate, the most probable
 * class and the confidence scores.
 */
import { tensor, tidy, type Tensor } from "../../engine/index.js";
import { drawCategorical } from "./categorical.js";
import { nucleusMask, type TopPVariant } from "./top-p.js";

/** Scores that cost an extra pass over μ and are computed only when a policy asks for them. */
export type TokenScore = "margin" | "entropy";

/** What μ reduces to per token, arrays [B·n] (n tokens per sequence). */
export interface TokenSummaries {
  /** A class drawn from μ (a float64 inverse-CDF draw at one uniform of the token's sequence stream). */
  readonly candidate: Int32Array;
  /** μ of the candidate. */
  readonly candidateProb: Float64Array;
  /** The most probable class (the first on ties). */
  readonly top: Int32Array;
  /** μ of top. */
  readonly topProb: Float64Array;
  /** μ(top) − μ(second most probable) (μ(top) when C = 1); filled only when a policy needs "margin". */
  readonly margin: Float64Array;
  /** Entropy of μ in nats; filled only when a policy needs "entropy". */
  readonly entropy: Float64Array;
}

/** How μ is formed and which scores are wanted. */
export interface SummaryOptions {
  /** Nucleus mass p ∈ (0, 1] (1: off). */
  topP: number;
  variant: TopPVariant;
  /** Scores beyond candidate and top. */
  needs: readonly TokenScore[];
}

/** Empty summaries of `tokens` tokens (margin and entropy sized only when needed). */
export function emptySummaries(tokens: number, needs: readonly TokenScore[]): TokenSummaries {
  return {
    candidate: new Int32Array(tokens),
    candidateProb: new Float64Array(tokens),
    top: new Int32Array(tokens),
    topProb: new Float64Array(tokens),
    margin: new Float64Array(needs.includes("margin") ? tokens : 0),
    entropy: new Float64Array(needs.includes("entropy") ? tokens : 0),
  };
}

/** Token i of a fully visible token of class c: μ is one-hot on c. */
export function setOneHot(out: TokenSummaries, i: number, c: number): void {
  out.candidate[i] = c;
  out.top[i] = c;
  out.candidateProb[i] = 1;
  out.topProb[i] = 1;
  if (out.margin.length) out.margin[i] = 1;
  if (out.entropy.length) out.entropy[i] = 0;
}

/** μ rows [r, C] (float64) of logits rows x [r, C] (−∞ for excluded classes) under top-p: for inspection and tests. */
export function muRows(x: Tensor, o: Pick<SummaryOptions, "topP" | "variant">): Tensor {
  return tidy(() => {
    const w = weights(x, o).w;
    return w.to("float64").div(w.sum(-1, true, "float64"));
  });
}

/** Unnormalised μ w = exp(x − max) [r, C] after top-p, the row maxima's index and the shifted logits x − max. */
function weights(x: Tensor, o: Pick<SummaryOptions, "topP" | "variant">): { w: Tensor; top: Tensor; shifted: Tensor } {
  if (!(o.topP > 0 && o.topP <= 1)) throw new Error(`token summaries: topP must be in (0, 1], got ${o.topP}`);
  const [max, top] = x.maxWithIndex(-1, true);
  if (max.min().item() === -Infinity) throw new Error("token summaries: a token has no class with finite probability (every allowed logit is −∞)");
  const shifted = x.sub(max);
  let w = shifted.exp();
  if (o.topP < 1) w = w.mul(nucleusMask(w, w.sum(-1, false, "float64"), o.topP, o.variant));
  return { w, top, shifted };
}

/**
 * Summaries of logits rows x [r, C] (float32 or float64, −∞ for classes the parameterization excludes) at the
 * float64 uniforms u [r]; writes row j into out at offsets[j].
 */
export function summarizeRows(x: Tensor, u: Float64Array, o: SummaryOptions, out: TokenSummaries, offsets: ArrayLike<number>): void {
  const [r, C] = x.shape as [number, number];
  const parts = tidy(() => {
    const { w, top, shifted } = weights(x, o);
    const { index, total } = drawCategorical(w, tensor(u, [r], { dtype: "float64", device: x.device }));
    const prob = (cls: Tensor) => w.gather(1, cls.reshape(r, 1)).reshape(r).to("float64").div(total);
    const res: Record<string, Tensor> = { candidate: index, candidateProb: prob(index), top: top.reshape(r), topProb: total.pow(-1) };
    if (o.needs.includes("margin")) {
      res.margin = C === 1 ? res.topProb!.mul(1) : res.topProb!.sub(prob(x.topk(2, -1)[1].slice(1, 1, 2)));
    }
    if (o.needs.includes("entropy")) {
      // H = log W − Σ w·(x − max) / W over the kept classes (w = 0 elsewhere; the clamp keeps 0·(−∞) out)
      res.entropy = total.log().sub(w.mul(shifted.clamp(-1e30, null)).sum(-1, false, "float64").div(total));
    }
    return res;
  });
  const ints = (t: Tensor) => t.toInt32Array();
  const floats = (t: Tensor) => t.toFloat64Array();
  const write = (dst: Int32Array | Float64Array, src: ArrayLike<number>) => {
    for (let j = 0; j < r; j++) dst[offsets[j]!] = src[j]!;
  };
  write(out.candidate, ints(parts.candidate!));
  write(out.candidateProb, floats(parts.candidateProb!));
  write(out.top, ints(parts.top!));
  write(out.topProb, floats(parts.topProb!));
  if (parts.margin) write(out.margin, floats(parts.margin));
  if (parts.entropy) write(out.entropy, floats(parts.entropy));
  for (const t of Object.values(parts)) t.dispose();
}

/**
 * GenMD4's objective as tensor functions of the exponents w (autograd through w and the logits), ALGORITHMS.md §2.3–2.4.
 * Shapes: x int64 [B, L] clean classes; masked bool [B, L]; w [C]; t [B] times; logp [B, L, C] restricted log-probabilities.
 * Every function computes in the dtype of its float inputs (float64 in exact checks).
 */
import { tidy, where, type Tensor } from "../../engine/index.js";

/** w_{x_i} per position [B, L]. */
function classExponents(w: Tensor, x: Tensor): Tensor {
  const [B, L] = x.shape as [number, number];
  return w.indexSelect(0, x.reshape(B * L)).reshape(B, L);
}

/** Per-position masking probability 1 − α_{x_i}(t_b) = (1 − ε)·t_b^{w_{x_i}} [B, L]. */
export function maskProbs(x: Tensor, w: Tensor, t: Tensor, eps: number): Tensor {
  return tidy(() => classExponents(w, x).mul(t.log().unsqueeze(1)).exp().mul(1 - eps));
}

/**
 * Per-sequence diffusion integrand Σ_{masked i} g_i(t_b) [B], with
 * g_i(t) = (1/t)·[w_{x_i}·(−log μ_i[x_i]) + Σ_v w_v μ_i[v] − w_{x_i}] (each g_i ≥ 0; all w equal: MD4's w/t·CE).
 */
export function diffusionIntegrand(logp: Tensor, x: Tensor, masked: Tensor, w: Tensor, t: Tensor): Tensor {
  return tidy(() => {
    const wx = classExponents(w, x);
    const nll = logp.gather(-1, x.unsqueeze(-1)).squeeze(-1).neg();
    const wMu = logp.exp().matmul(w);
    const g = wx.mul(nll).add(wMu).sub(wx);
    return where(masked, g, 0).sum(-1).div(t);
  });
}

/**
 * log q(z | x, t) per sequence [B] of a mask pattern: Σ_masked [log(1 − ε) + w_x log t] + Σ_kept log1p(−(1 − ε)·t^{w_x})
 * (log(1 − α) in closed form, log α without cancellation).
 */
export function maskLogLikelihood(x: Tensor, masked: Tensor, w: Tensor, t: Tensor, eps: number): Tensor {
  return tidy(() => {
    const wLogT = classExponents(w, x).mul(t.log().unsqueeze(1));
    const logMask = wLogT.add(Math.log1p(-eps));
    const logKeep = wLogT.exp().mul(-(1 - eps)).log1p();
    return where(masked, logMask, logKeep).sum(-1);
  });
}

/**
 * The reconstruction term on [0, t1] per sequence [B]: Σ_i (1 − ε)·t1^{w_{x_i}}·(−log softmax_v(w_v log t1)[x_i]),
 * the expected cost of decoding each position masked at t1 with the class posterior under a uniform prior.
 */
export function reconstruction(x: Tensor, w: Tensor, t1: number, eps: number): Tensor {
  return tidy(() => {
    const scores = w.mul(Math.log(t1));
    const logPost = scores.sub(scores.logsumexp(0));
    const [B, L] = x.shape as [number, number];
    const nll = logPost.indexSelect(0, x.reshape(B * L)).reshape(B, L).neg();
    return classExponents(w, x).mul(Math.log(t1)).exp().mul(1 - eps).mul(nll).sum(-1);
  });
}

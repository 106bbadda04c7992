/**
 * MDM-Prime's 2-D toy: a small time-agnostic Prime DiT trained on token pairs (x0, x1) drawn from a grid
 * density (two tokens of `size` classes), then scored by the EXACT law of one of its samplers.
 *
 * The sampler scored here is the fixed-order sub-token sampler: starting from the all-masked state it
 * reveals digit 0, 1, …, ℓ−1 of token 0, then digits 0 … ℓ−1 of token 1, one sub-token per step, each
 * digit drawn from the digit marginal of the model's restricted joint (§3.6) at the current state:
 *
 *     q(x0, x1) = Π_{k=0}^{2ℓ−1} P_θ(y_k | y_<k visible, y_≥k masked),
 *     P_θ(y_k = v | y) = Σ_{c ∈ V(y), digit_(k mod ℓ)(c) = v} p_θ(c | y)   (for the token that owns k).
 *
 * It is a valid sampler of the model (every step is a draw from the model's own prediction), and its law
 * is computable exactly by evaluating the network on every prefix state — |P|·(1 + C) states for the
 * prefixes P of one token (≈ 262k for C = 512, ℓ = 9). It is NOT the law of the random-order ancestral
 * sampler (§3.8), which reveals random subsets of sub-tokens per step and may reveal several digits of one
 * token at once from the joint; that law has no such closed form. At ℓ = 1 the fixed-order sampler is the
 * chain rule p(x0 | masked)·p(x1 | x0 visible, x1 masked).
 */
import { noGrad, manualSeed, Rng, tensor, tidy } from "../engine/index.js";
import { predictLogProbs, type Denoiser } from "../diffusion/denoiser.js";
import { continuousNelbo } from "../diffusion/losses/continuous.js";
import { scheduleFromName } from "../diffusion/schedule.js";
import { antithetic } from "../diffusion/time-sampling.js";
import { gridEntropy, klDivergence, sampleGridPairs, type GridDensity } from "../data/grid-density.js";
import type { MethodModel } from "../methods/method.js";
import { prime } from "../methods/prime/index.js";
import { AdamW, clipGradNorm, Ema, warmupCosine } from "../optim/index.js";
import { parseTrainConfig, type TrainConfig } from "../train/config.js";

/** One prefix of a token's digits: the first k digits (most significant first) with value p, consistent with some class. */
interface Prefix {
  k: number;
  p: number;
}

/** Every prefix of length 0..ℓ−1 consistent with a class < C (p·b^(ℓ−k) < C), shortest first; index[k][p] its row. */
function tokenPrefixes(C: number, b: number, ell: number): { list: Prefix[]; index: Int32Array[] } {
  const list: Prefix[] = [];
  const index: Int32Array[] = [];
  for (let k = 0, bk = 1; k < ell; k++, bk *= b) {
    const span = b ** (ell - k); // classes under one prefix of length k
    const row = new Int32Array(bk).fill(-1);
    for (let p = 0; p < bk && p * span < C; p++) {
      row[p] = list.length;
      list.push({ k, p });
    }
    index.push(row);
  }
  return { list, index };
}

/** Options of fixedOrderLaw. */
export interface FixedOrderOptions {
  /** States per network call (default 4096). */
  batch?: number;
}

/**
 * The exact law q[x0·C + x1] of the fixed-order sub-token sampler (see the file comment) of a
 * time-agnostic two-token denoiser. Digit marginals are summed in float64 from the denoiser's
 * restricted log-probabilities; the result sums to 1 up to rounding.
 */
export function fixedOrderLaw(den: Denoiser, opts: FixedOrderOptions = {}): Float64Array {
  if (den.timeConditioned) throw new Error("fixedOrderLaw: the denoiser is time-conditioned; the fixed-order law is defined for time-agnostic denoisers only");
  const { classes: C, symbols: b, maskId, positionsPerToken: ell, digitTable } = den.layout;
  const { list, index } = tokenPrefixes(C, b, ell);
  const P = list.length;
  const rows = P * (1 + C); // token-0 prefixes, then for each x0 the token-1 prefixes
  const S = 2 * ell;
  const batch = opts.batch ?? 4096;
  const logMarg = new Float64Array(rows * b); // log P(next digit = v) at each row's state
  const weights = Array.from({ length: ell }, (_, j) => b ** (ell - 1 - j));
  const prefixDigits = (pr: Prefix, out: Int32Array, at: number): void => {
    for (let j = 0; j < ell; j++) out[at + j] = j < pr.k ? Math.floor(pr.p / b ** (pr.k - 1 - j)) % b : maskId;
  };
  for (let r0 = 0; r0 < rows; r0 += batch) {
    const n = Math.min(batch, rows - r0);
    const states = new Int32Array(n * S);
    for (let r = 0; r < n; r++) {
      const row = r0 + r;
      if (row < P) {
        prefixDigits(list[row]!, states, r * S);
        states.fill(maskId, r * S + ell, (r + 1) * S);
      } else {
        const x0 = Math.floor((row - P) / P);
        for (let j = 0; j < ell; j++) states[r * S + j] = digitTable[j * C + x0]!;
        prefixDigits(list[(row - P) % P]!, states, r * S + ell);
      }
    }
    const logp = predictLogProbs(den, { tokens: states, batch: n, length: S }, new Float64Array(n).fill(1));
    for (let r = 0; r < n; r++) {
      const row = r0 + r;
      const tok = row < P ? 0 : 1;
      const { k, p } = list[row < P ? row : (row - P) % P]!;
      const span = b ** (ell - k);
      const w = weights[k]!;
      const marg = new Float64Array(b);
      const base = (r * 2 + tok) * C;
      for (let c = p * span; c < Math.min(C, (p + 1) * span); c++) marg[Math.floor((c - p * span) / w)]! += Math.exp(logp[base + c]!);
      for (let v = 0; v < b; v++) logMarg[row * b + v] = Math.log(marg[v]!);
    }
  }
  // log q(x | rows) = Σ_k log P_k(digit_k(x)) along the prefixes of x, starting at row offset `first`
  const tokenLog = (x: number, first: number): number => {
    let s = 0;
    let p = 0;
    for (let k = 0; k < ell; k++) {
      const d = digitTable[k * C + x]!;
      s += logMarg[(first + index[k]![p]!) * b + d]!;
      p = p * b + d;
    }
    return s;
  };
  const law = new Float64Array(C * C);
  for (let x0 = 0; x0 < C; x0++) {
    const l0 = tokenLog(x0, 0);
    for (let x1 = 0; x1 < C; x1++) law[x0 * C + x1] = Math.exp(l0 + tokenLog(x1, P + x0 * P));
  }
  return law;
}

/** States the fixed-order law needs: |prefixes|·(1 + C) (262 143 for C = 512, ℓ = 9). */
export function fixedOrderStates(C: number, b: number, ell: number): number {
  return tokenPrefixes(C, b, ell).list.length * (1 + C);
}

/** Options of one toy run. */
export interface GridToyOptions {
  /** Sub-tokens per token ℓ. */
  ell: number;
  /** true: joint output (C logits); false: FactorizedHead (ℓ·b per-digit logits). */
  joint: boolean;
  /** Training objective of the Prime method (default "certified"). */
  objective?: "certified" | "paper";
  steps: number;
  batch: number;
  lr: number;
  warmup?: number;
  minLr?: number;
  ema?: number;
  d: number;
  layers: number;
  heads: number;
  cond: number;
  /** Seeds the network init (libtorch), training pairs (seed + 1) and training times (seed + 2). */
  seed: number;
  /** Called every `every` steps with the step and the loss. */
  onStep?: (step: number, loss: number) => void;
}

/** The TrainConfig (schema-validated) of a toy run: data "grid2d" with seqLen 2, time-agnostic DiT, the Prime method. */
export function gridToyConfig(o: GridToyOptions): TrainConfig {
  return parseTrainConfig(
    {
      seed: o.seed,
      data: { name: "grid2d", seqLen: 2 },
      model: { d: o.d, layers: o.layers, heads: o.heads, cond: o.cond, timeConditioning: false },
      diffusion: { schedule: "linear", timeSampling: "antithetic", tMin: 1e-3 },
      method: { name: "prime", ell: o.ell, objective: o.objective ?? "certified", joint: o.joint },
      train: { steps: o.steps, batch: o.batch, lr: o.lr, warmup: o.warmup ?? 200, minLr: o.minLr ?? 0, ema: o.ema ?? 0.999 },
    },
    "grid toy config",
  );
}

/** A trained toy model with its EMA weights and timing. */
export interface TrainedToy {
  config: TrainConfig;
  model: MethodModel;
  ema: Ema;
  /** Wall-clock seconds of training. */
  seconds: number;
  /** Mean training loss over the last 10 % of steps (the method's unit: nats per token, so half a pair's). */
  finalLoss: number;
  parameters: number;
}

/**
 * Trains a Prime DiT on pairs from `density` with the method's own loss, antithetic times, AdamW with
 * warm-up + cosine, gradient clipping at 1 and an EMA — the trainer's step, without its data files.
 */
export function trainGridToy(density: GridDensity, o: GridToyOptions): TrainedToy {
  const config = gridToyConfig(o);
  const tc = config.train;
  const schedule = scheduleFromName(config.diffusion.schedule);
  manualSeed(o.seed);
  const model = prime.build(config, density.size);
  const params = model.network.parameters();
  const opt = new AdamW(params, { lr: tc.lr, beta1: tc.beta1, beta2: tc.beta2, weightDecay: tc.weightDecay });
  const ema = new Ema(params, tc.ema);
  const pairs = sampleGridPairs(density, o.steps * o.batch, new Rng(o.seed + 1));
  const rng = new Rng(o.seed + 2);
  const tail: number[] = [];
  const start = performance.now();
  model.network.train();
  for (let step = 0; step < o.steps; step++) {
    opt.lr = warmupCosine(step, { peak: tc.lr, warmup: tc.warmup, total: tc.steps, min: tc.minLr });
    const t = antithetic(o.batch, rng, config.diffusion.tMin);
    const loss = tidy(() => {
      const x = tensor(pairs.subarray(step * o.batch * 2, (step + 1) * o.batch * 2), [o.batch, 2], { dtype: "int64" });
      const out = model.loss({ x, t, schedule });
      out.loss.backward();
      return out.loss.item();
    });
    if (!Number.isFinite(loss)) throw new Error(`grid toy ℓ = ${o.ell}: training diverged at step ${step + 1} (loss ${loss})`);
    if (tc.gradClip) clipGradNorm(params, tc.gradClip);
    opt.update();
    opt.zeroGrad();
    ema.update();
    if (step >= o.steps - Math.max(1, Math.floor(o.steps / 10))) tail.push(loss);
    o.onStep?.(step + 1, loss);
  }
  const seconds = (performance.now() - start) / 1000;
  return { config, model, ema, seconds, finalLoss: tail.reduce((a, b) => a + b, 0) / tail.length, parameters: model.network.parameterCount() };
}

/** What evalGridToy reports (nats per pair). */
export interface GridToyScore {
  /** KL(truth ‖ q) of the fixed-order sampler's exact law q (klDivergence's 1e-12 floor; no cell was below it unless `floored` > 0). */
  kl: number;
  /** Truth cells where q fell below the floor. */
  floored: number;
  /** Cross-entropy −Σ p log q = H + KL. */
  crossEntropy: number;
  /** Σ q (1 up to rounding). */
  lawMass: number;
  /** The certified per-digit NELBO (§3.7b) on held-out pairs: mean and standard error, continuous time over [1e-3, 1]. */
  nelbo: { mean: number; se: number; pairs: number };
  /** Network states evaluated for the exact law. */
  states: number;
  /** Seconds spent on the exact law. */
  lawSeconds: number;
  /** The learned law, for the picture. */
  law: Float64Array;
}

/** Scores a trained toy with its EMA weights: the exact fixed-order law against the truth, and the held-out per-digit NELBO. */
export function evalGridToy(density: GridDensity, trained: TrainedToy, o: { seed: number; heldOut?: number }): GridToyScore {
  const den = trained.model.denoiser();
  return trained.ema.withAveraged(() =>
    noGrad(() => {
      const t0 = performance.now();
      const law = fixedOrderLaw(den);
      const lawSeconds = (performance.now() - t0) / 1000;
      const kl = klDivergence(density.probs, law);
      let floored = 0;
      density.probs.forEach((p, k) => {
        if (p > 0 && law[k]! < Math.min(p, 1e-12)) floored++;
      });
      const pairsN = o.heldOut ?? 50000;
      const held = sampleGridPairs(density, pairsN, new Rng(o.seed + 3));
      const rng = new Rng(o.seed + 4);
      const schedule = scheduleFromName(trained.config.diffusion.schedule);
      const values: number[] = [];
      for (let s = 0; s < pairsN; s += 4096) {
        const n = Math.min(4096, pairsN - s);
        values.push(...continuousNelbo(den, { tokens: held.subarray(2 * s, 2 * (s + n)), batch: n, length: 2 }, schedule, rng, { tMin: 1e-3, integrand: "digit" }));
      }
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const se = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) / values.length);
      const { size } = density;
      return {
        kl, floored, crossEntropy: gridEntropy(density) + kl, lawMass: law.reduce((a, b) => a + b, 0),
        nelbo: { mean, se, pairs: pairsN }, states: fixedOrderStates(size, den.layout.symbols, den.layout.positionsPerToken), lawSeconds, law,
      };
    }),
  );
}

/** The density on a grid k times coarser: each cell the sum of a k × k block (for smaller pictures); k must divide the size. */
export function poolDensity(d: GridDensity, k: number): GridDensity {
  if (!Number.isInteger(k) || k < 1 || d.size % k !== 0) throw new Error(`poolDensity: ${k} does not divide the grid size ${d.size}`);
  const size = d.size / k;
  const probs = new Float64Array(size * size);
  for (let r = 0; r < d.size; r++) for (let c = 0; c < d.size; c++) probs[Math.floor(r / k) * size + Math.floor(c / k)]! += d.probs[r * d.size + c]!;
  return { size, probs };
}

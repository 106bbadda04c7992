// The entropy upper bounds and the KL(samples ‖ truth) lower-bound estimate of eval-samplers, checked on
// enumerable problems (V = 2, L = 3: eight sequences) where the true KL is computed exactly.
import assert from "node:assert/strict";
import { test } from "node:test";
import { stepBound } from "../src/diffusion/bounds.js";
import { linear as linearSchedule } from "../src/diffusion/schedules.js";
import { HiddenMarkovModel } from "../src/data/hmm.js";
import { Rng } from "../src/engine/rng.js";
import { entropyScores, markovCrossEntropyPerToken, modelBoundPerToken } from "../src/eval/sampler-eval-entropy.js";
import { allSequences, trueDenoiser, type JointDistribution } from "./helpers/table-denoiser.js";

const V = 2;
const L = 3;
const seqs = allSequences(V, L);
/** A two-state HMM over two symbols: the "truth" p. */
const hmm = new HiddenMarkovModel(2, 2, Float64Array.of(0.8, 0.2, 0.3, 0.7), Float64Array.of(0.9, 0.1, 0.25, 0.75));
const pTrue = seqs.map((x) => Math.exp(hmm.logLikelihood(x)));
/** A sampler's law q over the eight sequences, unlike p. */
const q = Float64Array.of(0.3, 0.02, 0.05, 0.13, 0.04, 0.16, 0.1, 0.2);
/** Exact KL(q‖p) per token. */
const klPerToken = (law: ArrayLike<number>): number => Array.from(law).reduce((s, w, i) => (w > 0 ? s + w * Math.log(w / pTrue[i]!) : s), 0) / L;

/** n exact draws from a law over the eight sequences. */
function draw(law: ArrayLike<number>, n: number, seed: number): Int32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    let u = rng.next();
    let i = 0;
    while (i < law.length - 1 && (u -= law[i]!) >= 0) i++;
    return seqs[i]!;
  });
}

const oracleNll = (xs: Int32Array[]): Float64Array => Float64Array.from(xs, (x) => -hmm.logLikelihood(x) / L);
const nan = (n: number): Float64Array => new Float64Array(n).fill(NaN);

test("the sums check: p is normalised over the eight sequences and q ≠ p", () => {
  assert.ok(Math.abs(pTrue.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(klPerToken(q) > 0.05, `KL(q‖p)/L = ${klPerToken(q)}`);
});

test("the cross-fitted Markov chain is a normalised law: exp(−L·value) over all sequences scored by one fit sums to 1", () => {
  // odd entries are scored under the chain fitted to the even ones: put a training set on even entries, every sequence on odd ones
  const train = draw(q, 8, 3);
  const mixed = train.flatMap((x, i) => [x, seqs[i]!]);
  for (const order of [0, 1, 2]) {
    const v = markovCrossEntropyPerToken(mixed, V, order, 0.5);
    const total = seqs.reduce((s, _, i) => s + Math.exp(-L * v[2 * i + 1]!), 0);
    assert.ok(Math.abs(total - 1) < 1e-12, `order ${order}: total ${total}`);
  }
  assert.throws(() => markovCrossEntropyPerToken([seqs[0]!], V, 2, 0.1), /at least 2 samples/);
  assert.throws(() => markovCrossEntropyPerToken(seqs, V, 2, 0), /alpha must be a finite number > 0/);
});

test("Markov bound: for a law an order-2 chain can represent, the KL estimate converges to the exact KL(q‖p) per token", () => {
  const xs = draw(q, 40_000, 1);
  const s = entropyScores(oracleNll(xs), nan(xs.length), markovCrossEntropyPerToken(xs, V, 2, 0.1));
  const exact = klPerToken(q);
  assert.ok(s.kl_lower_estimate_stderr > 0 && s.kl_lower_estimate_stderr < 0.01, `se ${s.kl_lower_estimate_stderr}`);
  assert.ok(Math.abs(s.kl_lower_estimate - exact) < 4 * s.kl_lower_estimate_stderr + 2e-3, `estimate ${s.kl_lower_estimate} vs exact ${exact}`);
  // an order-0 chain cannot represent q: its entropy bound is above H(q)/L and the KL estimate below the exact KL
  const h = -Array.from(q).reduce((a, w) => a + w * Math.log(w), 0) / L;
  const s0 = entropyScores(oracleNll(xs), nan(xs.length), markovCrossEntropyPerToken(xs, V, 0, 0.1));
  assert.ok(s0.entropy_ub_markov > h + 0.01, `order-0 bound ${s0.entropy_ub_markov} vs H/L ${h}`);
  assert.ok(s0.kl_lower_estimate < exact - 0.01, `order-0 KL estimate ${s0.kl_lower_estimate} vs ${exact}`);
});

test("Markov bound catches a collapsed sampler: the KL estimate of one repeated sequence is −log p(x*)/L", () => {
  const xs = Array.from({ length: 1000 }, () => seqs[5]!);
  const s = entropyScores(oracleNll(xs), nan(xs.length), markovCrossEntropyPerToken(xs, V, 2, 0.1));
  const exact = -Math.log(pTrue[5]!) / L; // KL(δ_x*‖p) = −log p(x*)
  assert.ok(s.entropy_ub_markov >= 0 && s.entropy_ub_markov < 1e-3, `entropy bound ${s.entropy_ub_markov}`);
  assert.ok(Math.abs(s.kl_lower_estimate - exact) < 1e-3, `estimate ${s.kl_lower_estimate} vs ${exact}`);
});

test("model bound: samples drawn from the model's own law give KL(q‖p) per token; the smaller entropy bound is used", () => {
  const model: JointDistribution = { V, L, probs: q };
  const denoiser = trueDenoiser(model);
  const bound = stepBound("nelbo_T");
  const xs = draw(q, 4000, 2);
  const ub = modelBoundPerToken(denoiser, xs, { bound, schedule: linearSchedule(), steps: 256, draws: 4, seed: 0 });
  const s = entropyScores(oracleNll(xs), ub, markovCrossEntropyPerToken(xs, V, 0, 0.1));
  const exact = klPerToken(q);
  const h = -Array.from(q).reduce((a, w) => a + w * Math.log(w), 0) / L;
  // Gibbs: E[bound] ≥ H(q)/L; for the exact denoiser and T = 256 ≫ L the step bound is within a few 1e-3 of −log q(x)
  assert.ok(s.entropy_ub_model > h - 4 * s.entropy_ub_model_stderr, `model bound ${s.entropy_ub_model} vs H/L ${h}`);
  assert.ok(s.entropy_ub_model < h + 4 * s.entropy_ub_model_stderr + 0.01, `model bound ${s.entropy_ub_model} vs H/L ${h}`);
  assert.ok(s.entropy_ub_model < s.entropy_ub_markov, "the model bound is the smaller one here");
  assert.ok(s.kl_lower_estimate < exact + 4 * s.kl_lower_estimate_stderr, `estimate ${s.kl_lower_estimate} above exact ${exact}`);
  assert.ok(s.kl_lower_estimate > exact - 4 * s.kl_lower_estimate_stderr - 0.01, `estimate ${s.kl_lower_estimate} vs exact ${exact}`);
  // same seed → same numbers
  assert.deepEqual(modelBoundPerToken(denoiser, xs, { bound, schedule: linearSchedule(), steps: 256, draws: 4, seed: 0 }), ub);
  assert.throws(() => modelBoundPerToken(denoiser, xs, { bound: { ...bound, certified: false }, schedule: linearSchedule(), steps: 8, draws: 1, seed: 0 }), /not a certified upper bound/);
});

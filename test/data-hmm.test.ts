// The HMM oracle: exact forward likelihoods against brute force over hidden paths, exact n-gram
// probabilities against marginalisation and long samples, entropy-rate bounds and the SMB estimate,
// seeded reproducibility, the dataset, and its training-config fields.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../src/engine/rng.js";
import {
  datasetFromName, entropyRateBounds, HiddenMarkovModel, hmmDataset, hmmOracleOf, markovDataset, ngramProbabilities,
  randomHmm, smbEntropyRate,
} from "../src/data/index.js";
import { dataOptions } from "../src/train/config-dataset.js";
import { parseTrainConfig } from "../src/train/config.js";

const close = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);

/** p(seq) by summing over all H^T hidden paths. */
function bruteForce(hmm: HiddenMarkovModel, seq: number[]): number {
  const { H } = hmm;
  let total = 0;
  const path = new Array<number>(seq.length).fill(0);
  for (let code = 0; code < H ** seq.length; code++) {
    for (let t = 0, c = code; t < seq.length; t++, c = Math.floor(c / H)) path[t] = c % H;
    let p = hmm.pi[path[0]!]!;
    for (let t = 0; t < seq.length; t++) {
      if (t > 0) p *= hmm.A[path[t - 1]! * H + path[t]!]!;
      p *= hmm.e(path[t]!, seq[t]!);
    }
    total += p;
  }
  return total;
}

const small = randomHmm(4, { symbols: 3, hidden: 3, stickiness: 0.8, concentration: 0.5, spaceMass: 0 });

test("forward log-likelihood equals brute-force enumeration over hidden paths", () => {
  const rng = new Rng(1);
  for (let len = 1; len <= 6; len++) {
    for (let rep = 0; rep < 5; rep++) {
      const seq = Array.from({ length: len }, () => rng.int(3));
      const p = bruteForce(small, seq);
      close(small.logLikelihood(seq), Math.log(p), 1e-12, `log p(${seq.join("")})`);
      const cond = small.conditionalLogProbs(seq);
      close(cond.reduce((a, b) => a + b, 0), Math.log(p), 1e-12, `Σ conditional log-probs of ${seq.join("")}`);
    }
  }
  // probabilities of all length-4 strings sum to 1
  let total = 0;
  for (let c = 0; c < 81; c++) total += Math.exp(small.logLikelihood([c % 3, Math.floor(c / 3) % 3, Math.floor(c / 9) % 3, Math.floor(c / 27)]));
  close(total, 1, 1e-12, "Σ over length-4 strings");
  const zeroEmission = new HiddenMarkovModel(1, 2, Float64Array.of(1), Float64Array.of(1, 0));
  assert.equal(zeroEmission.logLikelihood([0, 1, 0]), -Infinity);
  assert.throws(() => small.logLikelihood([0, 3]), /symbol 3 at index 1 is outside 0..2/);
  assert.throws(() => new HiddenMarkovModel(2, 2, Float64Array.of(0.5, 0.6, 0.5, 0.5), Float64Array.of(1, 0, 0, 1)), /row 0 of A must be non-negative and sum to 1/);
});

test("the 27-symbol oracle: n-grams sum to 1, marginalise consistently, and agree with the forward algorithm", () => {
  const hmm = randomHmm(0, { concentration: 0.15 });
  assert.equal(hmm.K, 27);
  assert.equal(hmm.H, 8);
  const [p1, p2, p3] = [1, 2, 3].map((n) => ngramProbabilities(hmm, n)) as [Float64Array, Float64Array, Float64Array];
  for (const [p, n] of [[p1, 1], [p2, 2], [p3, 3]] as const) close(p.reduce((a, b) => a + b, 0), 1, 1e-12, `Σ P over ${n}-grams`);
  const K = 27;
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) {
      let last = 0;
      let first = 0;
      for (let c = 0; c < K; c++) {
        last += p3[(a * K + b) * K + c]!;
        first += p3[(c * K + a) * K + b]!;
      }
      close(last, p2[a * K + b]!, 1e-15, `Σ_c P(${a},${b},c)`);
      close(first, p2[a * K + b]!, 1e-15, `Σ_c P(c,${a},${b}) (stationarity)`);
    }
    close(p2.subarray(a * K, (a + 1) * K).reduce((x, y) => x + y, 0), p1[a]!, 1e-15, `Σ_b P(${a},b)`);
  }
  for (const [a, b, c] of [[0, 26, 4], [7, 7, 7], [26, 26, 26]] as const) {
    close(Math.log(p3[(a * K + b) * K + c]!), hmm.logLikelihood([a, b, c]), 1e-12, `log P(${a},${b},${c})`);
  }
  // the space symbol has exactly the fixed mass in every state, so P(space) = 0.15
  close(p1[26]!, 0.15, 1e-12, "P(space)");
  assert.throws(() => ngramProbabilities(hmm, 0), /n must be a positive integer/);
});

test("empirical trigram frequencies of a long sample match the exact ones", () => {
  const hmm = randomHmm(0, { concentration: 0.15 });
  const K = 27;
  const N = 500_000;
  const x = hmm.sample(N, new Rng(3));
  const counts = new Float64Array(K ** 3);
  for (let i = 2; i < N; i++) counts[(x[i - 2]! * K + x[i - 1]!) * K + x[i]!]!++;
  const tv = (p: Float64Array): number => counts.reduce((s, c, i) => s + Math.abs(c / (N - 2) - p[i]!), 0) / 2;
  const exact = ngramProbabilities(hmm, 3);
  // Measured: 0.046 at this N (sampling noise, inflated by the sticky states' long correlations).
  assert.ok(tv(exact) < 0.08, `total variation to the exact trigrams ${tv(exact)}`);
  // a different HMM, or independent symbols with the right unigrams, are far off
  assert.ok(tv(ngramProbabilities(randomHmm(1, { concentration: 0.15 }), 3)) > 0.5);
  const p1 = ngramProbabilities(hmm, 1);
  assert.ok(tv(Float64Array.from(exact, (_, i) => p1[Math.floor(i / K / K)]! * p1[Math.floor(i / K) % K]! * p1[i % K]!)) > 0.3);
  // the sampled hidden path is sticky: the fraction of self-transitions is close to 0.97
  const { states } = hmm.sampleWithStates(100_000, new Rng(4));
  let stays = 0;
  for (let t = 1; t < states.length; t++) if (states[t] === states[t - 1]) stays++;
  close(stays / (states.length - 1), 0.97, 0.004, "self-transition frequency");
});

test("entropy rate: exact bounds tighten monotonically and the SMB estimate lies between them", () => {
  const tiny = randomHmm(4, { symbols: 3, hidden: 2, stickiness: 0.8, concentration: 1, spaceMass: 0 });
  const b = entropyRateBounds(tiny, 10);
  for (let n = 1; n < b.length; n++) {
    assert.ok(b[n]!.lower >= b[n - 1]!.lower - 1e-12, `lower bound decreased at order ${n + 1}`);
    assert.ok(b[n]!.upper <= b[n - 1]!.upper + 1e-12, `upper bound increased at order ${n + 1}`);
  }
  const last = b.at(-1)!;
  assert.ok(last.upper - last.lower < 1e-4, `bounds at order 10 still ${last.upper - last.lower} apart`);
  const est = smbEntropyRate(tiny, { length: 400_000, seed: 2 });
  close(est.nats, (last.lower + last.upper) / 2, 5 * est.stderr + (last.upper - last.lower), "SMB vs the converged bounds");
  assert.ok(est.stderr > 0 && est.stderr < 0.005, `stderr ${est.stderr}`);
  // the 27-symbol oracle at order 4: the bounds are wide, the estimate must still fall inside
  const hmm = randomHmm(0, { concentration: 0.15 });
  const b4 = entropyRateBounds(hmm, 4).at(-1)!;
  const e = smbEntropyRate(hmm, { length: 500_000, seed: 5 });
  assert.ok(e.nats > b4.lower - 4 * e.stderr && e.nats < b4.upper + 4 * e.stderr, `SMB ${e.nats} ± ${e.stderr} outside [${b4.lower}, ${b4.upper}]`);
  // order-1 upper bound is the unigram entropy
  const p1 = ngramProbabilities(hmm, 1);
  close(entropyRateBounds(hmm, 1)[0]!.upper, -p1.reduce((s, p) => s + p * Math.log(p), 0), 1e-12, "H(X1)");
});

test("seeded reproducibility of the HMM, its samples and the dataset", () => {
  assert.deepEqual(randomHmm(3).A, randomHmm(3).A);
  assert.deepEqual(randomHmm(3).E, randomHmm(3).E);
  assert.notDeepEqual(randomHmm(4).E, randomHmm(3).E);
  const hmm = randomHmm(3);
  assert.deepEqual(hmm.sample(500, new Rng(9)), hmm.sample(500, new Rng(9)));
  assert.notDeepEqual(hmm.sample(500, new Rng(10)), hmm.sample(500, new Rng(9)));
  const a = hmmDataset({ seed: 9, size: 3000, hidden: 3 });
  const b = hmmDataset({ seed: 9, size: 3000, hidden: 3 });
  assert.deepEqual(a.splits.train, b.splits.train);
  assert.equal(a.meta.entropyRateNats, b.meta.entropyRateNats);
  assert.notDeepEqual(hmmDataset({ seed: 10, size: 3000, hidden: 3 }).splits.train, a.splits.train);
});

test("hmmDataset via datasetFromName: alphabet, splits, meta and option checks", () => {
  const d = datasetFromName("hmm", { seed: 2, size: 20_000, hidden: 4, stickiness: 0.95 });
  assert.equal(d.name, "hmm");
  assert.equal(d.vocabSize, 27);
  assert.deepEqual(d.meta.sizes, { train: 18_000, valid: 1000, test: 1000 });
  assert.match(d.decode(d.splits.valid.subarray(0, 40)), /^[a-z ]{40}$/);
  assert.equal(d.decode([0, 26, 27]), "a _");
  const hmm = hmmOracleOf(d);
  assert.ok(hmm !== null && hmm.H === 4);
  assert.equal(hmm.A[0], 0.95);
  assert.equal(hmmOracleOf(markovDataset({ size: 2000 })), null);
  const m = d.meta as Record<string, any>;
  const { lower, upper } = m.entropyRateBoundsNats;
  assert.ok(lower <= m.entropyRateNats + 4 * m.entropyRateStderrNats && m.entropyRateNats - 4 * m.entropyRateStderrNats <= upper);
  close(m.entropyRateBits, m.entropyRateNats / Math.LN2, 1e-12, "bits");
  assert.ok(m.unigramEntropyNats > m.bigramConditionalEntropyNats && m.bigramConditionalEntropyNats > m.trigramConditionalEntropyNats);
  assert.throws(() => hmmDataset({ hidden: 0 }), /hidden must be an integer in 1..64, got 0/);
  assert.throws(() => hmmDataset({ stickiness: 1 }), /stickiness must be in \[0, 1\), got 1/);
  assert.throws(() => hmmDataset({ size: 0 }), /size must be a positive integer/);
});

test("training config: hmm* fields are validated, only for data.name hmm, and mapped to dataset options", () => {
  const base = {
    model: { d: 32, layers: 1, heads: 2 },
    train: { steps: 10, batch: 4, lr: 1e-3 },
  };
  const c = parseTrainConfig({ ...base, data: { name: "hmm", seqLen: 64, hmmSeed: 3, hmmHidden: 6, hmmStickiness: 0.96, hmmSize: 50_000 } });
  assert.deepEqual(dataOptions({ config: c }), { seed: 3, hidden: 6, stickiness: 0.96, size: 50_000 });
  assert.throws(() => parseTrainConfig({ ...base, data: { name: "hmm", seqLen: 64, hmmStickiness: 1 } }), /data\.hmmStickiness/);
  assert.throws(() => parseTrainConfig({ ...base, data: { name: "hmm", seqLen: 64, hmmHidden: 0 } }), /data\.hmmHidden/);
  assert.throws(() => parseTrainConfig({ ...base, data: { name: "markov", seqLen: 64, hmmSeed: 1 } }), /data: hmmSeed, .* apply only to data\.name "hmm"/);
  assert.throws(() => parseTrainConfig({ ...base, data: { name: "hmm", seqLen: 64, markovSeed: 1 } }), /data: markovSeed, .* do not apply to data\.name "hmm"/);
  assert.throws(() => parseTrainConfig({ ...base, data: { name: "hmm", seqLen: 64, hmmStates: 4 } }), /data\.hmmStates: unknown field/);
});

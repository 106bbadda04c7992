import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../src/engine/rng.js";
import { MarkovChain, gamma, markovDataset, randomMarkovChain, stationaryDistribution } from "../src/data/index.js";

const close = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);

test("gamma: Marsaglia–Tsang draws have mean and variance equal to the shape (within 5 standard errors)", () => {
  const rng = new Rng(11);
  const n = 200_000;
  for (const shape of [0.3, 1, 2.5]) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = gamma(rng, shape);
      assert.ok(x >= 0);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    close(mean, shape, 5 * Math.sqrt(shape / n), `mean of Gamma(${shape})`);
    close(variance, shape, 0.05 * shape, `variance of Gamma(${shape})`);
  }
  assert.throws(() => gamma(rng, 0), /shape must be a finite number > 0, got 0/);
});

test("random chain: rows sum to 1, πP = π, seeded reproducibility", () => {
  const chain = randomMarkovChain(3);
  assert.equal(chain.K, 8);
  for (let i = 0; i < 8; i++) {
    let s = 0;
    for (let j = 0; j < 8; j++) s += chain.p(i, j);
    close(s, 1, 1e-12, `row ${i}`);
  }
  close(chain.pi.reduce((a, b) => a + b, 0), 1, 1e-12, "sum of π");
  for (let j = 0; j < 8; j++) {
    let pj = 0;
    for (let i = 0; i < 8; i++) pj += chain.pi[i]! * chain.p(i, j);
    close(pj, chain.pi[j]!, 1e-13, `(πP)_${j}`);
  }
  assert.deepEqual(randomMarkovChain(3).P, chain.P);
  assert.notDeepEqual(randomMarkovChain(4).P, chain.P);
  const a = markovDataset({ seed: 9, size: 3000 });
  const b = markovDataset({ seed: 9, size: 3000 });
  assert.deepEqual(a.splits.train, b.splits.train);
  assert.notDeepEqual(markovDataset({ seed: 10, size: 3000 }).splits.train, a.splits.train);
});

test("hand-made chain: π, entropy rate, window entropy and log-likelihood computed by hand", () => {
  const chain = new MarkovChain(2, Float64Array.from([0.9, 0.1, 0.4, 0.6]));
  close(chain.pi[0]!, 0.8, 1e-13, "π0"); // 0.1·π0 = 0.4·π1
  const h = (p: number[]): number => -p.reduce((a, x) => a + x * Math.log(x), 0);
  const rate = 0.8 * h([0.9, 0.1]) + 0.2 * h([0.4, 0.6]);
  close(chain.entropyRate(), rate, 1e-13, "entropy rate");
  close(chain.entropyRateBits(), rate / Math.LN2, 1e-13, "entropy rate in bits");
  close(chain.exactSequenceEntropy(4), h([0.8, 0.2]) + 3 * rate, 1e-12, "H(X1..X4)");
  const ll = Math.log(0.8) + Math.log(0.9) + Math.log(0.1) + Math.log(0.6) + Math.log(0.4);
  close(chain.logLikelihood([0, 0, 1, 1, 0]), ll, 1e-13, "log p(0,0,1,1,0)");
  const cut = new MarkovChain(2, Float64Array.from([1, 0, 0.5, 0.5]));
  assert.equal(cut.logLikelihood([1, 0, 1]), -Infinity);
  assert.throws(() => chain.logLikelihood([0, 2]), /symbol 2 at index 1 is outside 0..1/);
  assert.throws(() => new MarkovChain(2, Float64Array.from([0.5, 0.6, 0.5, 0.5])), /row 0 of P must be non-negative and sum to 1/);
  // A periodic chain (0 ↔ {1, 2}) whose π is not uniform: plain power iteration would oscillate.
  const periodic = stationaryDistribution(Float64Array.from([0, 0.5, 0.5, 1, 0, 0, 1, 0, 0]), 3);
  assert.deepEqual(Array.from(periodic, (x) => Math.round(x * 1e12) / 1e12), [0.5, 0.25, 0.25]);
});

test("exactSequenceEntropy equals −Σ p log p over every length-3 sequence of a random chain", () => {
  const chain = randomMarkovChain(5, { K: 6 });
  let h = 0;
  let total = 0;
  for (let a = 0; a < 6; a++) {
    for (let b = 0; b < 6; b++) {
      for (let c = 0; c < 6; c++) {
        const lp = chain.logLikelihood([a, b, c]);
        const p = Math.exp(lp);
        total += p;
        if (p > 0) h -= p * lp;
      }
    }
  }
  close(total, 1, 1e-12, "total probability");
  close(chain.exactSequenceEntropy(3), h, 1e-10, "H(X1..X3)");
});

test("entropy rate matches the average −log-likelihood per symbol of a long sample (batch-means SE)", () => {
  const chain = randomMarkovChain(7);
  const n = 400_000;
  const seq = chain.sample(n, new Rng(123));
  const batch = 2000;
  const means: number[] = [];
  for (let s = 1; s + batch <= n; s += batch) {
    let nll = 0;
    for (let t = s; t < s + batch; t++) nll -= Math.log(chain.p(seq[t - 1]!, seq[t]!));
    means.push(nll / batch);
  }
  const m = means.reduce((a, b) => a + b, 0) / means.length;
  const sd = Math.sqrt(means.reduce((a, b) => a + (b - m) ** 2, 0) / (means.length - 1));
  const se = sd / Math.sqrt(means.length);
  assert.ok(se > 0 && se < 0.01, `standard error ${se}`);
  close(m, chain.entropyRate(), 4 * se, "empirical entropy rate");
  // Symbol frequencies follow π too.
  const freq = new Float64Array(chain.K);
  for (const s of seq) freq[s]! += 1 / n;
  for (let j = 0; j < chain.K; j++) close(freq[j]!, chain.pi[j]!, 0.01, `frequency of ${j}`);
});

test("markovDataset: sizes, vocabulary, decode with mask, metadata and option checks", () => {
  const ds = markovDataset({ seed: 1, size: 10_000, K: 4 });
  assert.equal(ds.name, "markov");
  assert.equal(ds.vocabSize, 4);
  assert.deepEqual(ds.meta.sizes, { train: 9000, valid: 500, test: 500 });
  assert.equal(ds.decode([0, 1, 2, 3, 4]), "abcd_");
  assert.throws(() => ds.decode([5]), /id 5 at index 0 is outside 0..4/);
  assert.equal(ds.meta.entropyRateNats, ds.chain.entropyRate());
  assert.ok(ds.splits.train.every((s) => s < 4));
  assert.throws(() => markovDataset({ K: 30 }), /K must be an integer in 2..26, got 30/);
  assert.throws(() => markovDataset({ size: 0 }), /size must be a positive integer/);
});

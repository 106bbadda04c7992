import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { gridDensity, gridEntropy, klDivergence, sampleGridPairs } from "../src/data/grid-density.js";
import { Rng } from "../src/engine/rng.js";

/** Upper χ² quantile for k degrees of freedom at standard-normal z (Wilson–Hilferty). */
const chiSquareQuantile = (k: number, z: number): number => k * (1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k))) ** 3;

describe("grid density", () => {
  const d = gridDensity({ seed: 3 });

  test("512 × 512 table of non-negative probabilities summing to 1, not flat", () => {
    assert.equal(d.size, 512);
    assert.equal(d.probs.length, 512 * 512);
    let sum = 0;
    for (const p of d.probs) {
      assert.ok(p >= 0);
      sum += p;
    }
    assert.ok(Math.abs(sum - 1) < 1e-12, `sum ${sum}`);
    const h = gridEntropy(d);
    assert.ok(h > 6 && h < Math.log(512 * 512) - 0.5, `entropy ${h} (uniform: ${Math.log(512 * 512)})`);
  });

  test("seeded: the same seed gives the same table, another seed another table", () => {
    assert.deepEqual(gridDensity({ seed: 3 }).probs, d.probs);
    assert.notDeepEqual(gridDensity({ seed: 4 }).probs, d.probs);
  });

  test("a ring is brightest on its circle and dark at its center", () => {
    // one ring, no blobs: the mass along a row through the table's argmax should dip between two peaks
    const r = gridDensity({ seed: 9, size: 128, rings: 1, blobs: 0 });
    let arg = 0;
    r.probs.forEach((p, k) => (p > r.probs[arg]! ? (arg = k) : 0));
    const row = Math.floor(arg / 128);
    const line = Array.from(r.probs.subarray(row * 128, (row + 1) * 128));
    const peaks = line.filter((p, c) => c > 0 && c < 127 && p > line[c - 1]! && p >= line[c + 1]! && p > 0.2 * r.probs[arg]!);
    assert.ok(peaks.length >= 2, `row ${row} has ${peaks.length} strong local maxima`);
  });

  test("entropy by hand", () => {
    assert.ok(Math.abs(gridEntropy({ size: 2, probs: Float64Array.of(0.5, 0.25, 0.25, 0) }) - 1.5 * Math.LN2) < 1e-15);
  });

  test("sampler: χ² on an 8 × 8 binning agrees with the table, and never draws a cell of probability 0", () => {
    const n = 200000;
    const xs = sampleGridPairs(d, n, new Rng(5));
    const observed = new Float64Array(64);
    const expected = new Float64Array(64);
    for (let s = 0; s < n; s++) {
      const [r, c] = [xs[2 * s]!, xs[2 * s + 1]!];
      assert.ok(d.probs[r * 512 + c]! > 0);
      observed[Math.floor(r / 64) * 8 + Math.floor(c / 64)]++;
    }
    d.probs.forEach((p, k) => (expected[Math.floor(k / 512 / 64) * 8 + Math.floor((k % 512) / 64)] += p * n));
    let chi2 = 0;
    let bins = 0;
    let [restObs, restExp] = [0, 0];
    for (let b = 0; b < 64; b++) {
      if (expected[b]! < 5) [restObs, restExp] = [restObs + observed[b]!, restExp + expected[b]!];
      else [chi2, bins] = [chi2 + (observed[b]! - expected[b]!) ** 2 / expected[b]!, bins + 1];
    }
    if (restExp > 0) [chi2, bins] = [chi2 + (restObs - restExp) ** 2 / restExp, bins + 1];
    assert.ok(bins > 10, `only ${bins} bins`);
    assert.ok(chi2 < chiSquareQuantile(bins - 1, 3.5), `χ² = ${chi2} with ${bins - 1} dof`);
  });

  test("klDivergence: hand values, zero on itself, floor guard", () => {
    const kl = klDivergence(Float64Array.of(0.5, 0.5), Float64Array.of(0.25, 0.75));
    assert.ok(Math.abs(kl - (0.5 * Math.log(2) + 0.5 * Math.log(2 / 3))) < 1e-15);
    assert.equal(klDivergence(d.probs, d.probs), 0);
    assert.ok(Math.abs(klDivergence(Float64Array.of(1, 0), Float64Array.of(0, 1)) - 12 * Math.log(10)) < 1e-12);
    assert.equal(klDivergence(Float64Array.of(1, 0), Float64Array.of(0, 1), 0), Infinity);
    // below the floor, the model is raised only up to the truth's own value
    assert.ok(Math.abs(klDivergence(Float64Array.of(1e-14, 1 - 1e-14), Float64Array.of(0, 1))) < 1e-13);
    assert.ok(klDivergence(d.probs, gridDensity({ seed: 4 }).probs) > 0.1);
    assert.throws(() => klDivergence(Float64Array.of(1), Float64Array.of(0.5, 0.5)), /different sizes/);
  });
});

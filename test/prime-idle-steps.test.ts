import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { gridTime, type GridKind } from "../src/diffusion/samplers/grid.js";
import { Rng } from "../src/engine/rng.js";
import { elbowEll, idleStepStats, logIdleProbability } from "../src/diffusion/idle-steps.js";

const linear = scheduleFromName("linear");
const nNfe = (steps: number, ell: number): number => idleStepStats({ schedule: linear, tokens: 1024, ell, steps }).nonCachedNfe;

describe("idle steps: rebuttal numbers (L = 1024, linear schedule, uniform grid)", () => {
  const cases: [number, number, number][] = [
    [262, 1, 256.8], [644, 1, 512.9], [1685, 1, 767.5], [772, 4, 768.2], [1022, 4, 1003.5], [1044, 4, 1023.4],
  ];
  for (const [T, ell, expected] of cases) {
    test(`ℓ = ${ell}, T = ${T} → N-NFE ≈ ${expected}`, () => {
      const got = nNfe(T, ell);
      assert.ok(Math.abs(got - expected) <= 0.1, `${got}`);
    });
  }
  test("MDM saturates near L: T = 25 000 → 1 003, T = 500 000 → 1 023 (rounded)", () => {
    assert.equal(Math.round(nNfe(25000, 1)), 1003);
    assert.equal(Math.round(nNfe(500000, 1)), 1023);
  });

  // The printed table rounds the approximation exp(−Lℓ/T); the exact (1 − 1/T)^(Lℓ) can sit a little beyond
  // half a unit from it (T = 2048, ℓ = 1: 0.60646 vs 0.607), so allow one unit of the last printed digit.
  test("ISR table of §3.9 to one unit of its printed precision", () => {
    const ells = [1, 2, 3, 4, 6, 8];
    const table: Record<number, string[]> = {
      512: ["0.135", "0.018", "0.0025", "0.0003", "0", "0"],
      1024: ["0.368", "0.135", "0.050", "0.018", "0.0025", "0.0003"],
      2048: ["0.607", "0.368", "0.223", "0.135", "0.050", "0.018"],
    };
    for (const [T, row] of Object.entries(table)) {
      row.forEach((printed, c) => {
        const decimals = printed === "0" ? 4 : printed.split(".")[1]!.length;
        const got = idleStepStats({ schedule: linear, tokens: 1024, ell: ells[c]!, steps: Number(T) }).ratio;
        assert.ok(Math.abs(got - Number(printed)) <= 10 ** -decimals, `T=${T} ℓ=${ells[c]}: ${got} vs ${printed}`);
      });
    }
  });

  test("uniform linear grid matches T·(1 − (1 − 1/T)^(Lℓ)) and idle + N-NFE = T", () => {
    for (const [T, L, ell] of [[10, 3, 2], [100, 64, 4], [7, 1, 1]] as const) {
      const st = idleStepStats({ schedule: linear, tokens: L, ell, steps: T });
      const closed = T * (1 - (1 - 1 / T) ** (L * ell));
      assert.ok(Math.abs(st.nonCachedNfe - closed) < 1e-9 * T, `${st.nonCachedNfe} vs ${closed}`);
      assert.ok(Math.abs(st.idle + st.nonCachedNfe - T) < 1e-9 * T);
      assert.ok(Math.abs(st.ratio - st.idle / T) < 1e-15);
    }
  });

  test("per-step idle probability by hand: linear reveals 1/T per step, so every step has (1 − 1/T)^(Lℓ)", () => {
    for (let k = 0; k < 5; k++) {
      const got = logIdleProbability({ schedule: linear, tokens: 4, ell: 2, steps: 5 }, k);
      assert.ok(Math.abs(got - 8 * Math.log(0.8)) < 1e-12, `step ${k}: ${got}`);
    }
    assert.equal(idleStepStats({ schedule: linear, tokens: 4, ell: 2, steps: 1 }).idle, 0, "one step reveals everything");
  });

  test("cosine-md4 on a uniform grid by hand: step k reveals sin(π t_k/2) − sin(π t_{k+1}/2)", () => {
    const sch = scheduleFromName("cosine-md4"); // α(t) = 1 − sin(πt/2), t_k = 1 − k/T
    const T = 4;
    const n = 6;
    let idle = 0;
    for (let k = 0; k < T; k++) {
      const reveal = Math.sin((Math.PI / 2) * (1 - k / T)) - Math.sin((Math.PI / 2) * (1 - (k + 1) / T));
      idle += (1 - reveal) ** n;
    }
    const got = idleStepStats({ schedule: sch, tokens: 3, ell: 2, steps: T }).idle;
    assert.ok(Math.abs(got - idle) < 1e-12, `${got} vs ${idle}`);
  });
});

describe("idle steps: Monte Carlo of independent sub-token reveals", () => {
  /** Simulates the sampler's reveal decisions: a masked sub-token is revealed in step k with δ_k = (α(s) − α(t))/(1 − α(t)). */
  function simulate(scheduleName: string, grid: GridKind, L: number, ell: number, T: number, runs: number, seed: number): { mean: number; se: number } {
    const sch = scheduleFromName(scheduleName);
    const rng = new Rng(seed);
    let sum = 0;
    let sumSq = 0;
    for (let r = 0; r < runs; r++) {
      const masked = new Uint8Array(L * ell).fill(1);
      let idle = 0;
      for (let k = 0; k < T; k++) {
        const at = sch.alpha(gridTime(k, T, grid));
        const as = sch.alpha(gridTime(k + 1, T, grid));
        const delta = (as - at) / (1 - at);
        let changed = false;
        for (let q = 0; q < masked.length; q++) {
          if (masked[q] && rng.next() < delta) [masked[q], changed] = [0, true];
        }
        if (!changed) idle++;
      }
      sum += idle;
      sumSq += idle * idle;
    }
    const mean = sum / runs;
    return { mean, se: Math.sqrt((sumSq / runs - mean * mean) / runs) };
  }

  for (const [name, grid] of [["cosine-md4", "cosine"], ["poly2", "uniform"], ["linear", "uniform"]] as const) {
    test(`${name} schedule on the ${grid} grid, L = 2, ℓ = 3, T = 12`, () => {
      const { mean, se } = simulate(name, grid, 2, 3, 12, 20000, 7);
      const closed = idleStepStats({ schedule: scheduleFromName(name), tokens: 2, ell: 3, steps: 12, grid }).idle;
      assert.ok(se > 0 && Math.abs(mean - closed) < 4 * se, `MC ${mean} ± ${se} vs closed form ${closed}`);
    });
  }
});

describe("elbowEll", () => {
  test("hand-made curves", () => {
    // chord 1 → 0 over four steps: 1, .75, .5, .25, 0; gaps 0, .55, .4, .2, 0
    assert.equal(elbowEll([1, 0.2, 0.1, 0.05, 0]), 2);
    // chord 1 → 0.2: gaps 0, .1, .6, .1, 0 → ℓ = 3
    assert.equal(elbowEll([1, 0.7, 0.0, 0.3, 0.2]), 3);
    assert.equal(elbowEll([0.8, 0.6, 0.4, 0.2]), 1, "a straight line has no elbow");
    assert.equal(elbowEll([0.9]), 1);
    assert.throws(() => elbowEll([]), /non-empty/);
  });

  test("ISR over ℓ = 1..8 for L = 1024: ≈ e^(−ℓ) at T = 1024 bends at ℓ = 3", () => {
    // hand: chord from e^-1 to e^-8 drops 0.0525 per ℓ; gaps at ℓ = 2, 3, 4: 0.180, 0.213, 0.192
    const isr = Array.from({ length: 8 }, (_, i) => idleStepStats({ schedule: linear, tokens: 1024, ell: i + 1, steps: 1024 }).ratio);
    assert.equal(elbowEll(isr), 3);
  });
});

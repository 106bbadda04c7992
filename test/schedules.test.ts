import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SCHEDULE_NAMES, logSnr, logSnrAt, scheduleFromName, type Schedule } from "../src/diffusion/schedule.js";
import { squash, linear } from "../src/diffusion/schedules.js";
import { antithetic, stratified } from "../src/diffusion/time-sampling.js";
import { Rng } from "../src/engine/rng.js";

const BASE = ["linear", "poly2", "poly:0.5", "poly:3.5", "cosine-md4", "cosine-mdlm", "log-linear", "geometric"];
const ALL = [...BASE, ...BASE.map((n) => `${n}+squash`)];
const SAFE_T = Array.from({ length: 19 }, (_, i) => 0.05 * (i + 1));

function close(actual: number, expected: number, rel: number, abs = 0, what = ""): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected) + abs, `${what}: ${actual} vs ${expected}`);
}

describe("schedules", () => {
  for (const name of ALL) {
    test(`${name}: end points, monotone, 1 − α, α′ and w`, () => {
      const s: Schedule = scheduleFromName(name);
      assert.ok(s.alpha(0) <= 1 && s.alpha(0) >= 1 - 1e-3, `α(0) = ${s.alpha(0)}`);
      assert.ok(s.alpha(1) >= 0 && s.alpha(1) <= 1.2e-3, `α(1) = ${s.alpha(1)}`); // cosine-mdlm, log-linear: ε = 1e-3 (+ squash's 1e-4)
      for (let i = 0; i < 2000; i++) {
        const [t0, t1] = [i / 2000, (i + 1) / 2000];
        assert.ok(s.alpha(t1) < s.alpha(t0), `α not decreasing at t = ${t0}`);
        assert.ok(s.maskProb(t1) > s.maskProb(t0), `1 − α not increasing at t = ${t0}`);
        close(s.alpha(t1) + s.maskProb(t1), 1, 0, 1e-15, `α + (1 − α) at ${t1}`);
      }
      const h = 1e-6;
      for (const t of SAFE_T) {
        const fd = (s.alpha(t + h) - s.alpha(t - h)) / (2 * h);
        close(s.alphaPrime(t), fd, 1e-6, 1e-9, `α′(${t})`);
        close(s.weight(t), -s.alphaPrime(t) / (1 - s.alpha(t)), 1e-9, 0, `w(${t})`);
        assert.ok(s.weight(t) > 0);
      }
    });
  }

  test("closed-form weights of §1.2", () => {
    const cases: [string, (t: number) => number][] = [
      ["linear", (t) => 1 / t],
      ["poly2", (t) => 2 / t],
      ["poly:3.5", (t) => 3.5 / t],
      ["log-linear", (t) => 1 / t],
      ["cosine-md4", (t) => (Math.PI / 2) / Math.tan((Math.PI * t) / 2)],
    ];
    for (const [name, w] of cases) {
      const s = scheduleFromName(name);
      for (const t of [1e-12, 1e-6, ...SAFE_T, 1]) close(s.weight(t), w(t), 1e-12, 1e-15, `${name} w(${t})`);
    }
  });

  test("no cancellation near t = 0", () => {
    const t = 1e-10;
    // Asymptotics: cosine-mdlm 1 − α ≈ (1 − ε)(πt)²/8, w ≈ 2/t; cosine-md4 w ≈ 1/t; geometric w(0) = ln(ν_max/ν_min)·ν/expm1(ν).
    close(scheduleFromName("cosine-mdlm").maskProb(t), (0.999 * (Math.PI * t) ** 2) / 8, 1e-9, 0, "cosine-mdlm 1 − α");
    close(scheduleFromName("cosine-mdlm").weight(t) * t, 2, 1e-9, 0, "cosine-mdlm t·w");
    close(scheduleFromName("cosine-md4").weight(t) * t, 1, 1e-9, 0, "cosine-md4 t·w");
    close(scheduleFromName("cosine-md4").maskProb(t), (Math.PI / 2) * t, 1e-9, 0, "cosine-md4 1 − α");
    close(scheduleFromName("poly2").maskProb(t), t * t, 1e-12, 0, "poly2 1 − α");
    close(scheduleFromName("geometric").weight(0), Math.log(2e5) / (1 + 5e-5 + 1e-4 ** 2 / 6), 1e-10, 0, "geometric w(0)");
    close(scheduleFromName("geometric").maskProb(0), 1e-4 - 1e-8 / 2 + 1e-12 / 6, 1e-12, 0, "geometric 1 − α(0)");
    close(scheduleFromName("cosine-md4").alpha(1 - 1e-9), (Math.PI / 2) ** 2 * 1e-18 / 2, 1e-6, 0, "cosine-md4 α near 1");
  });

  test("MD4 squash: α ∈ [ε, 1 − ε] and linear weight bounded by ≈ 1/ε", () => {
    const eps = 1e-4;
    const s = squash(linear(), eps);
    close(s.alpha(0), 1 - eps, 0, 1e-15, "α(0)");
    close(s.alpha(1), eps, 0, 1e-15, "α(1)");
    close(s.weight(0), (1 - 2 * eps) / eps, 1e-12, 0, "w(0)");
    for (let i = 0; i <= 1000; i++) assert.ok(s.weight(i / 1000) <= 1 / eps);
    assert.ok(s.weight(0) >= 0.999 / eps);
    close(s.weight(0.3), (1 - 2 * eps) / (eps + (1 - 2 * eps) * 0.3), 1e-12, 0, "w(0.3)");
  });

  test("logSNR", () => {
    assert.equal(logSnr(0.5), 0);
    close(logSnr(0.2), Math.log(0.25), 1e-14, 0, "γ(0.2)");
    close(logSnr(0.8), -logSnr(0.2), 1e-14, 0, "antisymmetry");
    close(logSnr(1e-30), Math.log(1e-30), 1e-14, 0, "γ(1e-30)");
    // α(1e-20) rounds to 1, so only the schedule's own 1 − α keeps γ finite.
    close(logSnrAt(scheduleFromName("linear"), 1e-20), -Math.log(1e-20), 1e-14, 0, "γ_linear(1e-20)");
  });
});

describe("scheduleFromName", () => {
  test("parses polynomial exponents, squash options and round-trips names", () => {
    close(scheduleFromName("poly:3.5").alpha(0.5), 1 - 0.5 ** 3.5, 1e-15, 0, "poly:3.5");
    assert.equal(scheduleFromName("poly:3.5").name, "poly3.5");
    assert.equal(scheduleFromName("linear", { squash: true }).name, "linear+squash");
    close(scheduleFromName("linear", { squash: 1e-3 }).alpha(0), 1 - 1e-3, 0, 1e-15, "squash 1e-3");
    close(scheduleFromName("cosine-md4+squash:0.01").alpha(1), 0.01, 0, 1e-15, "+squash:0.01");
    close(scheduleFromName("geometric", { nuMin: 1e-3, nuMax: 10 }).alpha(1), Math.exp(-10), 1e-12, 0, "geometric opts");
    close(scheduleFromName("log-linear", { eps: 0.01 }).alpha(1), 0.01, 0, 1e-15, "log-linear eps");
    // round trip: the printed name parses back to the same function, not just to the same name
    for (const name of ALL) {
      const s = scheduleFromName(name), back = scheduleFromName(s.name);
      assert.equal(back.name, s.name);
      for (const t of [0, 0.1, 0.37, 0.8, 1]) assert.equal(back.alpha(t), s.alpha(t), `${name} -> ${s.name}: α(${t})`);
    }
    // and different names are different functions (a parser that ignored the exponent or the squash would fail)
    const at = (n: string) => scheduleFromName(n).alpha(0.37);
    assert.notEqual(at("poly:3.5"), at("poly2"));
    assert.notEqual(at("linear+squash"), at("linear"));
  });

  test("unknown names throw and list the valid ones", () => {
    for (const bad of ["cosine", "polyx", "quadratic", "linear+foo"]) {
      assert.throws(() => scheduleFromName(bad), (e: Error) => e.message.includes(bad.split("+").pop()!));
    }
    assert.throws(() => scheduleFromName("cosine"), (e: Error) => SCHEDULE_NAMES.every((n) => e.message.includes(n)));
    assert.throws(() => scheduleFromName("poly0"), /k > 0/);
    assert.throws(() => scheduleFromName("poly:-1"), /k > 0/);
    assert.throws(() => scheduleFromName("linear+squash:0.7"), /eps/);
  });
});

describe("float64 time sampling", () => {
  test("antithetic: shifted uniform grid over [tMin, 1)", () => {
    const t = Array.from(antithetic(8, new Rng(3), 0.1)).sort((a, b) => a - b);
    for (const v of t) assert.ok(v >= 0.1 && v < 1);
    for (let b = 1; b < 8; b++) close(t[b]! - t[b - 1]!, 0.9 / 8, 0, 1e-12, "spacing");
  });

  test("stratified: one draw per stratum", () => {
    const rng = new Rng(4);
    for (let r = 0; r < 100; r++) {
      const t = stratified(5, rng, 0.2);
      t.forEach((v, b) => assert.ok(v >= 0.2 + (0.8 * b) / 5 && v <= 0.2 + (0.8 * (b + 1)) / 5, `t_${b} = ${v}`));
    }
  });

  test("marginals: antithetic uniform on [tMin, 1], stratified uniform on each stratum", () => {
    const rng = new Rng(5);
    const n = 20000;
    let sumA = 0;
    let sumS = 0;
    for (let r = 0; r < n; r++) {
      sumA += antithetic(4, rng, 0.2)[3]!;
      sumS += stratified(4, rng, 0.2)[0]!;
    }
    const sd = 0.8 / Math.sqrt(12); // std of U(0.2, 1)
    close(sumA / n, 0.6, 0, (4 * sd) / Math.sqrt(n), "antithetic mean");
    close(sumS / n, 0.2 + 0.1, 0, (4 * sd) / 4 / Math.sqrt(n), "stratified first-stratum mean");
  });
});

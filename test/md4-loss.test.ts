// MD4's training loss (src/methods/md4/loss.ts) without PyTorch: (1) on a tiny DiT, md4Loss equals the float64
// token terms (jointCrossEntropy of logProbsFloat64 of the same logits, on the same masked state, weighted by
// w(t_b), over B·L); the mask is reproduced by seeding libtorch and re-drawing it. (2) On a table denoiser at
// L = 2, V = 2, md4Loss averaged over many rows and times matches the closed-form exact NELBO of
// src/eval/exact.ts (Σ_M CE_M·B(L − |M| + 1, |M|)) within Monte-Carlo error.
import assert from "node:assert/strict";
import { test } from "node:test";
import { manualSeed, noGrad, Rng, tensor, tidy, type Tensor } from "../src/engine/index.js";
import { applyMask, drawMask } from "../src/diffusion/process.js";
import { consistentSet, logProbsFloat64 } from "../src/diffusion/parameterization.js";
import { jointCrossEntropy } from "../src/diffusion/losses/token-terms.js";
import { timeTensors } from "../src/diffusion/losses/weighted-nll.js";
import { linear, polynomial } from "../src/diffusion/schedules.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import { exactNelboTimeAgnostic } from "../src/eval/exact.js";
import { md4Loss } from "../src/methods/md4/loss.js";
import { DiT } from "../src/models/dit.js";
import type { DenoisingNetwork } from "../src/models/net-denoiser.js";
import { functionDenoiser } from "./helpers/table-denoiser.js";

const ints = (t: Tensor): Int32Array => Int32Array.from(t.toArray(), Number);

test("md4Loss on a tiny DiT equals the float64 token terms on the same mask (linear and poly2 schedules)", () => {
  const V = 5, B = 6, L = 7;
  const layout = tokenLayout(V);
  const param = consistentSet(layout);
  manualSeed(1);
  const net = new DiT({ classes: V, d: 16, layers: 1, heads: 2, cond: 8, dropout: 0, timeConditioning: true });
  const rng = new Rng(5);
  const xs = Int32Array.from({ length: B * L }, () => rng.int(V));
  const t = Float64Array.from({ length: B }, (_, b) => 0.05 + (0.9 * (b + rng.next())) / B);
  for (const schedule of [linear(), polynomial(2)]) {
    let loss = 0, reference = 0, maskedCount = 0;
    tidy(() => {
      const x = tensor(xs, [B, L], { dtype: "int64" });
      manualSeed(123);
      const out = noGrad(() => md4Loss(net as DenoisingNetwork, param, layout.maskId, { x, t, schedule }));
      loss = out.loss.item();
      assert.equal(out.terms.nelbo, loss);
      // the same mask: md4Loss's first libtorch draw is drawMask([B, L], 1 − α(t_b))
      manualSeed(123);
      const masked = drawMask([B, L], timeTensors(t, schedule).maskProb);
      const z = applyMask(x, masked, layout.maskId);
      const zs = ints(z);
      maskedCount = zs.filter((v) => v === layout.maskId).length;
      const logits = Float64Array.from(noGrad(() => net.forward(z, tensor(t, [B])).to("float32").toArray()));
      const logp = logProbsFloat64(param, logits, zs, B, L, V);
      const ce = jointCrossEntropy(logp, { tokens: zs, batch: B, length: L }, { tokens: xs, batch: B, length: L }, layout);
      reference = ce.reduce((a, c, b) => a + schedule.weight(t[b]!) * c, 0) / (B * L);
    });
    // the drawn mask is neither empty nor full, so the check is about masked positions and their weights
    assert.ok(maskedCount > 3 && maskedCount < B * L - 3, `${schedule.name}: ${maskedCount} of ${B * L} masked`);
    assert.ok(Math.abs(loss - reference) <= 1e-5 * Math.max(1, reference), `${schedule.name}: md4Loss ${loss} vs float64 terms ${reference}`);
  }
});

test("md4Loss averages to the exact NELBO of a table denoiser at L = 2, V = 2 (closed form, any schedule)", () => {
  const V = 2, L = 2, MASK = V;
  // logits per position for each of the 9 states z ∈ {0, 1, MASK}²: a fixed, asymmetric table
  const table = new Map<string, number[]>();
  const r = new Rng(11);
  for (let a = 0; a <= MASK; a++) for (let b = 0; b <= MASK; b++) table.set(`${a},${b}`, Array.from({ length: L * V }, () => 3 * (r.next() - 0.5)));
  const logitsOf = (z: ArrayLike<number>): number[] => table.get(`${z[0]},${z[1]}`)!;
  const denoiser = functionDenoiser(V, false, (z) => Float64Array.from(logitsOf(z)));
  const network = {
    timeConditioned: false,
    forward(z: Tensor): Tensor {
      const zs = ints(z);
      const out: number[] = [];
      for (let i = 0; i < zs.length; i += L) out.push(...logitsOf(zs.subarray(i, i + L)));
      return tensor(out, [zs.length / L, L, V]);
    },
  } as unknown as DenoisingNetwork;
  const layout = tokenLayout(V);
  const param = consistentSet(layout);
  const seqs = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const exact = seqs.map((x) => exactNelboTimeAgnostic(denoiser, Int32Array.from(x)));
  const exactPerToken = exact.reduce((a, b) => a + b, 0) / (seqs.length * L);
  // the exact values differ by sequence and from a uniform guess (so a wrong weight or mask rate shows)
  assert.ok(Math.max(...exact) - Math.min(...exact) > 0.1, `exact NELBOs ${exact}`);
  for (const schedule of [linear(), polynomial(3)]) {
    const B = 4000, rounds = 5;
    const values: number[] = [];
    const rng = new Rng(3);
    manualSeed(9);
    for (let k = 0; k < rounds; k++) {
      const xs = Int32Array.from({ length: B * L }, (_, n) => seqs[Math.floor(n / L) % 4]![n % L]!);
      const t = Float64Array.from({ length: B }, (_, b) => Math.max(1e-6, (b + rng.next()) / B)); // stratified on (0, 1]
      values.push(tidy(() => md4Loss(network, param, layout.maskId, { x: tensor(xs, [B, L], { dtype: "int64" }), t, schedule }).loss.item()));
    }
    const mean = values.reduce((a, b) => a + b, 0) / rounds;
    const se = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (rounds - 1) / rounds);
    assert.ok(Math.abs(mean - exactPerToken) <= Math.max(4 * se, 0.01 * exactPerToken), `${schedule.name}: md4Loss mean ${mean} ± ${se} vs exact ${exactPerToken}`);
    // power: the tolerance must be far below the gap to the reconstruction-free value of a loss on all positions
    assert.ok(4 * se < 0.05 * exactPerToken, `${schedule.name}: Monte-Carlo error ${se} too large for the check to mean anything`);
  }
});

// Our DiT, NELBO and ancestral sampler against the project's PyTorch peer (bench/torch_peer.py):
// identical weights and inputs (through safetensors) must give the same logits, loss and parameter
// gradients within 1e-5 relative, and the peer's sampler must see the same μ as ours on the same states.
// Without torch these tests are skipped with the install command; under CI ($CI set) they fail instead.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { manualSeed, noGrad, randn, type Tensor, tidy } from "../src/engine/index.js";
import { Rng } from "../src/engine/rng.js";
import { loadSafetensors, saveSafetensors } from "../src/engine/safetensors.js";
import { maskedNelbo } from "../src/methods/md4/masked-nelbo.js";
import { unmaskProbability } from "../src/diffusion/samplers/ancestral.js";
import { sample } from "../src/diffusion/samplers/index.js";
import type { SamplerPolicy } from "../src/diffusion/samplers/policy.js";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { DiT } from "../src/models/dit.js";
import { consistentSet } from "../src/diffusion/parameterization.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import { netDenoiser } from "../src/models/net-denoiser.js";
import { benchConfigs, ditConfig, type PeerConfig } from "../bench/configs.js";
import { peerUnavailable, runPeer, skipWithoutPeer } from "./helpers/torch-reference.js";

/** max |a − b| / max |b|: the error relative to the reference's scale. */
function relErr(a: Tensor, b: Tensor): number {
  return tidy(() => a.to("float64").sub(b.to("float64")).abs().max().item() / Math.max(b.to("float64").abs().max().item(), 1e-30));
}

const skip = skipWithoutPeer();
const tol = 1e-5;

function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "maskdiff-eq-"));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const needPeer = () => assert.equal(peerUnavailable(), null, `the equivalence tests need the PyTorch peer: ${peerUnavailable()}`);

test("the peer's configurations are bench/configs.ts's", { skip }, () => {
  needPeer();
  assert.deepEqual(runPeer(["--print-configs"]), benchConfigs);
});

for (const name of ["tiny", "small"]) {
  test(`DiT + NELBO match PyTorch (${name})`, { skip }, (t) => withTempDir(async (dir) => {
    needPeer();
    const file = join(dir, `${name}.safetensors`);
    runPeer(["--config", name, "--export", file]);
    const { tensors, metadata } = await loadSafetensors(file);
    const cfg = JSON.parse(metadata.config!) as PeerConfig;
    const model = new DiT(ditConfig(cfg));
    const weights = Object.fromEntries(Object.entries(tensors).filter(([k]) => !k.startsWith("case.") && !k.startsWith("grad.")));
    model.loadStateDict(weights);

    tidy(() => {
      const x = tensors["case.x"]!;
      const tt = tensors["case.t"]!;
      const masked = tensors["case.masked"]!.to("bool");
      const z = x.maskedFill(masked, cfg.vocab - 1);
      const logits = model.forward(z, tt);
      const loss = maskedNelbo(logits, x, masked, tt.pow(-1));
      loss.backward();
      const errs: Record<string, number> = {
        logits: relErr(logits, tensors["case.logits"]!),
        loss: relErr(loss.reshape(1), tensors["case.loss"]!),
      };
      for (const [n, p] of model.namedParameters()) {
        const want = tensors[`grad.${n}`];
        assert.ok(want, `the peer exported no gradient for '${n}'`);
        errs[`grad.${n}`] = relErr(p.grad!, want);
      }
      assert.equal(Object.keys(errs).length, 2 + Object.keys(weights).length);
      const gradMax = Math.max(...Object.entries(errs).filter(([k]) => k.startsWith("grad.")).map(([, e]) => e));
      t.diagnostic(`max relative error: logits ${errs.logits!.toExponential(2)}, loss ${errs.loss!.toExponential(2)}, gradients ${gradMax.toExponential(2)}`);
      const worst = Object.entries(errs).sort((a, b) => b[1] - a[1]).slice(0, 3);
      for (const [k, e] of Object.entries(errs)) assert.ok(e <= tol, `${k}: relative error ${e.toExponential(2)} > ${tol} (worst: ${JSON.stringify(worst)})`);
    });
  }));
}

// The peer samples; our loop replays its states. At every step our loop (prediction cache + DiT + SUBS)
// must hand the policy the μ the peer drew from, with the same (t, s) and reveal probability, and the
// exact caching of both sides must make the same number of network calls on the same state sequence.
test("the peer's ancestral sampler sees our μ on the same weights and states (time-agnostic DiT)", { skip }, (t) => withTempDir(async (dir) => {
  needPeer();
  const cfg: PeerConfig = { vocab: 28, seq: 32, d: 64, layers: 2, heads: 4, cond: 32, timeConditioning: false };
  manualSeed(3);
  const model = new DiT(ditConfig(cfg)).eval();
  // adaLN-zero gates would make every position's logits depend on its own token only; open them
  tidy(() => noGrad(() => model.loadStateDict(Object.fromEntries(model.namedParameters().map(([n, p]) => [n, n.endsWith("ada.weight") || n.endsWith("ada.bias") ? randn(p.shape).mul(0.05) : p])))));
  const weights = join(dir, "dit.safetensors");
  const traceFile = join(dir, "trace.safetensors");
  await saveSafetensors(weights, model.stateDict(), { config: JSON.stringify(cfg) });
  const B = 3, T = 48, V = cfg.vocab - 1, L = cfg.seq;
  const peer = runPeer<{ nfe_noncached: number; idle_steps: number }>(["--sample", weights, "--batch", String(B), "--steps", String(T), "--seed", "7", "--warmup", "0", "--trace", traceFile]);
  const { tensors: trace } = await loadSafetensors(traceFile);
  const stateAt = (k: number) => (k < T ? trace[`step.${k}.tokens`]! : trace["final.tokens"]!).toInt32Array();
  const schedule = scheduleFromName("linear");
  let worstMu = 0;
  const replay: SamplerPolicy = {
    name: "replay",
    step(ctx) {
      const tsp = trace[`step.${ctx.step}.tsp`]!.toFloat64Array();
      assert.equal(ctx.t, tsp[0]);
      assert.equal(ctx.s, tsp[1]);
      assert.ok(Math.abs(unmaskProbability(schedule.maskProb(ctx.t), schedule.maskProb(ctx.s)) - tsp[2]!) < 1e-15);
      assert.deepEqual(ctx.tokens, stateAt(ctx.step));
      const mu = trace[`step.${ctx.step}.probs`]!.toFloat64Array();
      const ours = Array.from({ length: B * L }, (_, n) => ctx.probsOf(n));
      for (let i = 0; i < mu.length; i++) worstMu = Math.max(worstMu, Math.abs(ours[Math.floor(i / V)]![i % V]! - mu[i]!));
      const next = stateAt(ctx.step + 1);
      for (let n = 0; n < next.length; n++) {
        if (next[n] === ctx.tokens[n]) continue;
        // the peer's move is an ancestral one: MASK -> a class that μ gives positive probability
        assert.equal(ctx.tokens[n], V, `the peer changed the revealed position ${n}`);
        assert.ok(ours[n]![next[n]!]! > 0, `the peer drew a class of zero probability at ${n}`);
      }
      ctx.tokens.set(next);
    },
  };
  const ours = sample(netDenoiser(model, tokenLayout(V), consistentSet(tokenLayout(V))), replay, { batch: B, length: L, steps: T, schedule, rng: new Rng(0) });
  t.diagnostic(`max |μ_ours − μ_peer| over ${T} steps: ${worstMu.toExponential(2)}; network calls: ours ${ours.stats.nfeNonCached}, peer ${peer.nfe_noncached}`);
  assert.ok(worstMu <= 1e-5, `μ differs by ${worstMu}`);
  assert.equal(ours.stats.nfeNonCached, peer.nfe_noncached);
  assert.equal(ours.stats.idleSteps, peer.idle_steps);
  assert.deepEqual(ours.tokens, stateAt(T));
  assert.ok(!ours.tokens.includes(V));
}));

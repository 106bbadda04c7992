// Our DiT and NELBO against the PyTorch peer: identical weights and inputs (through safetensors)
// must give the same logits, loss and parameter gradients within 1e-5 relative.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type Tensor, tidy } from "../src/engine/index.js";
import { loadSafetensors } from "../src/engine/safetensors.js";
import { maskedNelbo } from "../src/diffusion/losses/md4.js";
import { DiT, type DiTConfig } from "../src/models/dit.js";
import { referenceScript, referenceUnavailable, torchPython } from "./helpers/torch-reference.js";

/** max |a − b| / max |b|: the error relative to the reference's scale. */
function relErr(a: Tensor, b: Tensor): number {
  return tidy(() => a.to("float64").sub(b.to("float64")).abs().max().item() / Math.max(b.to("float64").abs().max().item(), 1e-30));
}

const missing = referenceUnavailable();
const tol = 1e-5;

for (const name of ["tiny", "small"]) {
  test(`DiT + NELBO match PyTorch (${name})`, { skip: missing && !process.env.CI ? missing : false }, async () => {
    assert.equal(missing, null, `the equivalence test needs the PyTorch peer: ${missing}`);
    const dir = mkdtempSync(join(tmpdir(), "maskdiff-eq-"));
    try {
      const file = join(dir, `${name}.safetensors`);
      const r = spawnSync(torchPython, [referenceScript, "--config", name, "--export", file], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const { tensors, metadata } = await loadSafetensors(file);
      const cfg = JSON.parse(metadata.config!) as DiTConfig;
      const model = new DiT(cfg);
      const weights = Object.fromEntries(Object.entries(tensors).filter(([k]) => !k.startsWith("case.") && !k.startsWith("grad.")));
      model.loadStateDict(weights);

      tidy(() => {
        const x = tensors["case.x"]!;
        const t = tensors["case.t"]!;
        const masked = tensors["case.masked"]!.to("bool");
        const z = x.maskedFill(masked, cfg.vocab - 1);
        const logits = model.forward(z, t);
        const loss = maskedNelbo(logits, x, masked, t.pow(-1));
        loss.backward();
        const errs: Record<string, number> = {
          logits: relErr(logits, tensors["case.logits"]!),
          loss: relErr(loss.reshape(1), tensors["case.loss"]!),
        };
        for (const [n, p] of model.namedParameters()) {
          const want = tensors[`grad.${n}`];
          assert.ok(want, `the reference exported no gradient for '${n}'`);
          errs[`grad.${n}`] = relErr(p.grad!, want);
        }
        assert.equal(Object.keys(errs).length, 2 + Object.keys(weights).length);
        const worst = Object.entries(errs).sort((a, b) => b[1] - a[1]).slice(0, 3);
        for (const [k, e] of Object.entries(errs)) assert.ok(e <= tol, `${k}: relative error ${e.toExponential(2)} > ${tol} (worst: ${JSON.stringify(worst)})`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// End to end: a small DiT trained for about a minute on the oracle Markov chain must reach a NELBO
// per token within 15% of the chain's exact entropy (and, being a bound, not fall below it).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { datasetFromName, type MarkovChain, type TokenDataset } from "../src/data/index.js";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { evaluateBound } from "../src/eval/evaluate.js";
import { truncatedContinuous } from "../src/diffusion/bounds.js";
import { loadTrainConfig } from "../src/train/config.js";
import { train } from "../src/train/trainer.js";
import { dataOptions } from "../src/train/config-dataset.js";

test("oracle Markov chain: trained NELBO/token within 15% of the exact entropy", { timeout: 600_000 }, async (t) => {
  const config = loadTrainConfig(join(import.meta.dirname, "..", "..", "configs", "markov-oracle.json"));
  const data = datasetFromName(config.data.name, dataOptions({ config })) as TokenDataset & { chain: MarkovChain };
  const dir = mkdtempSync(join(tmpdir(), "maskdiff-oracle-"));
  try {
    const r = await train(config, data, { outDir: dir });
    const L = config.data.seqLen;
    const exact = data.chain.exactSequenceEntropy(L) / L;
    const report = r.ema.withAveraged(() =>
      evaluateBound(r.model.denoiser(), truncatedContinuous("nelbo", "NELBO", "digit"), data.splits.test, { seqLen: L, schedule: scheduleFromName("linear"), seed: 11, maxSequences: 2000, batch: 64, tMin: 1e-3, steps: 1 }),
    );
    t.diagnostic(`exact entropy ${exact.toFixed(4)} nats/token; NELBO ${report.nats_per_token.toFixed(4)} ± ${report.nats_per_token_stderr.toFixed(4)}`);
    const rel = (report.nats_per_token - exact) / exact;
    assert.ok(Math.abs(rel) < 0.15, `NELBO ${report.nats_per_token} vs entropy ${exact}: ${(100 * rel).toFixed(1)}% off`);
    assert.ok(report.nats_per_token > exact - 3 * report.nats_per_token_stderr, "a NELBO cannot fall below the entropy");
    const log = readFileSync(join(dir, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.ok(log.some((x) => x.valid), "the run log holds validation records");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

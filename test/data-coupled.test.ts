/** The coupled-token tasks: exact laws, samples that follow them, record-aligned training rows, config checks. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { coupledDataset, coupledLaw, COUPLED_TASKS, type CoupledTask } from "../src/data/coupled.js";
import { BatchReader } from "../src/data/batch-reader.js";
import { UserError } from "../src/cli/user-error.js";
import { parseTrainConfig } from "../src/train/config.js";
import { checkSplitsFit } from "../src/train/data-fit.js";
import { assertFits } from "./helpers/chi-square.js";

const H = (law: Float64Array): number => -law.reduce((a, q) => a + (q > 0 ? q * Math.log(q) : 0), 0);

test("laws: support sizes and entropies by hand (ln 10, D2's, ln 100), the p-family interpolates to independence", () => {
  const support = (task: CoupledTask) => coupledLaw(task).filter((q) => q > 0).length;
  assert.deepEqual(Object.keys(COUPLED_TASKS).filter((t) => t !== "pairs-mixed").map((t) => support(t as CoupledTask)), [10, 10, 10, 100]);
  for (const t of Object.keys(COUPLED_TASKS) as CoupledTask[]) assert.ok(Math.abs(coupledLaw(t).reduce((a, b) => a + b, 0) - 1) < 1e-12, t);
  assert.ok(Math.abs(H(coupledLaw("pairs")) - Math.log(10)) < 1e-12);
  const d2 = Array.from({ length: 10 }, (_, k) => (k + 1) / 55);
  assert.ok(Math.abs(H(coupledLaw("pairs-weighted")) - -d2.reduce((a, q) => a + q * Math.log(q), 0)) < 1e-12);
  assert.ok(Math.abs(H(coupledLaw("quads-two-pairs")) - Math.log(100)) < 1e-12);
  assert.equal(coupledLaw("pairs")[3 * 10 + 4], 0.1);
  assert.equal(coupledLaw("quads")[7890], 0.1);
  assert.ok(coupledLaw("pairs-mixed", 0).every((q) => Math.abs(q - 0.01) < 1e-15), "p = 0: independent uniform tokens");
  assert.deepEqual(Array.from(coupledLaw("pairs-mixed", 1)), Array.from(coupledLaw("pairs")));
  assert.throws(() => coupledLaw("pairs-mixed", 1.5), /coupling p must be in \[0, 1\]/);
});

test("records follow the law (chi-square); training rows start on record boundaries, so every pair is in the support", () => {
  const data = coupledDataset("pairs-weighted", { seed: 4, size: 40_000 });
  const counts = new Float64Array(100);
  for (let r = 0; r < data.splits.train.length / 2; r++) counts[data.splits.train[2 * r]! * 10 + data.splits.train[2 * r + 1]!]!++;
  assertFits(counts, data.law, "pairs-weighted records");
  const reader = new BatchReader(data.splits.train, { batchSize: 500, seqLen: 2, seed: 1, recordLength: 2 });
  const b = reader.next().data;
  for (let r = 0; r < 500; r++) assert.equal(b[2 * r + 1], (b[2 * r]! + 1) % 10, `row ${r}`);
  const unaligned = new BatchReader(data.splits.train, { batchSize: 500, seqLen: 2, seed: 1 }).next().data;
  assert.ok(Array.from({ length: 500 }, (_, r) => unaligned[2 * r + 1] === (unaligned[2 * r]! + 1) % 10).filter((x) => !x).length > 100, "without alignment, rows straddle records");
  assert.equal(data.decode([1, 2, 10]), "12_");
  assert.deepEqual(coupledDataset("pairs", { seed: 4, size: 100 }).splits.test, coupledDataset("pairs", { seed: 4, size: 100 }).splits.test, "seeded");
});

test("config: seqLen must be a multiple of the record length; coupled fields only for coupled tasks", () => {
  assert.throws(() => checkSplitsFit(coupledDataset("quads", { size: 100 }), 6), (e: Error) => e instanceof UserError && /records of 4 tokens: data.seqLen \(6\) must be a multiple of 4/.test(e.message));
  const base = { model: { d: 16, layers: 1, heads: 2, cond: 8 }, train: { steps: 1, batch: 1, lr: 1e-3 } };
  assert.throws(() => parseTrainConfig({ ...base, data: { name: "fortunes", seqLen: 8, coupledSeed: 1 } }), /apply only to the coupled-token tasks/);
  assert.throws(() => parseTrainConfig({ ...base, data: { name: "pairs", seqLen: 2, coupling: 0.5 } }), /coupling applies only to data.name "pairs-mixed"/);
  assert.throws(() => parseTrainConfig({ ...base, data: { name: "pairs-mixed", seqLen: 2, coupling: 2 } }), /data.coupling/);
  assert.equal(parseTrainConfig({ ...base, data: { name: "pairs-mixed", seqLen: 2, coupling: 0.3 } }).data.coupling, 0.3);
});

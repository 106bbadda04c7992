// Entropy and repetition rates of samples, checked on sequences whose values follow from the definitions by hand.
import assert from "node:assert/strict";
import { test } from "node:test";
import { repetitionRate, sampleStatistics } from "../src/eval/sample-statistics.js";

test("repetitionRate: 1 − distinct/total n-grams per sequence, averaged", () => {
  assert.equal(repetitionRate([[1, 1, 1, 1]], 1), 0.75); // 4 unigrams, 1 distinct
  assert.equal(repetitionRate([[1, 1, 1, 1]], 2), 1 - 1 / 3); // 3 bigrams, 1 distinct
  assert.equal(repetitionRate([[1, 2, 1, 2]], 2), 1 - 2 / 3); // (1,2) (2,1) (1,2)
  assert.equal(repetitionRate([[1, 2, 3, 4]], 1), 0);
  // [1,2,1,2] has rep-1 = 1/2, [3,4,5,6] and [7] have 0: the mean is 1/6.
  assert.equal(repetitionRate([[1, 2, 1, 2], [3, 4, 5, 6], [7]], 1), (0.5 + 0 + 0) / 3);
  assert.equal(repetitionRate([[1, 1, 1, 1], [7]], 4), 0);
  assert.equal(repetitionRate([[1, 1, 1], [1]], 2), 0.5);
  assert.throws(() => repetitionRate([[1]], 2), /no sequence has 2 tokens/);
  assert.throws(() => repetitionRate([[1]], 0), /positive integer/);
});

test("sampleStatistics: per-sequence entropy in nats and rep-1..4", () => {
  const s = sampleStatistics([[0, 1, 0, 1], [2, 2, 2, 2]], 3);
  assert.ok(Math.abs(s.entropy - Math.log(2) / 2) < 1e-12); // ln 2 and 0, averaged
  assert.equal(s.repetition.rep1, (0.5 + 0.75) / 2);
  assert.equal(s.repetition.rep4, 0);
});

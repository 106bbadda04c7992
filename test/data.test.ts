import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BatchReader,
  CHAR_ALPHABET,
  CHAR_MASK_ID,
  bigramCrossEntropy,
  countChunks,
  decode,
  encode,
  normalizeText,
  sequentialBatches,
  splitStream,
  unigramCrossEntropy,
  type BatchReaderState,
  type TokenBatch,
} from "../src/data/index.js";

/** A stream whose token at position i is i mod 251, so every window is recognisable. */
const ramp = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i % 251);

test("normalizeText: lowercases, keeps a-z, turns every other run (digits too) into one space, trims", () => {
  assert.equal(normalizeText("Hello, World!  It's 2024."), "hello world it s");
  assert.equal(normalizeText("a1b22c"), "a b c");
  assert.equal(normalizeText("  \tCafé Naïve\n\n"), "cafe naive");
  assert.equal(normalizeText("\ufb01le"), "file"); // the "fi" ligature decomposes
  assert.equal(normalizeText("Ελληνικά abc ---"), "abc");
  assert.equal(normalizeText("123 ..."), "");
  assert.equal(normalizeText(""), "");
  const out = normalizeText("Some -- MIXED\r\ntext\u00a0with  odd\tspacing 42!");
  assert.match(out, /^([a-z]+( [a-z]+)*)?$/);
  assert.equal(out, "some mixed text with odd spacing");
});

test("alphabet: a..z are ids 0..25, space is 26, the mask 27 decodes as '_'", () => {
  assert.equal(CHAR_ALPHABET.length, 27);
  assert.deepEqual(Array.from(encode("az ")), [0, 25, 26]);
  assert.equal(decode([7, 8, 26, CHAR_MASK_ID, 0]), "hi _a");
});

test("encode/decode round-trip normalised text; bad input names the offending character and index", () => {
  const s = normalizeText("The quick brown fox jumps over the lazy dog, 3 times!");
  const ids = encode(s);
  assert.ok(ids instanceof Uint8Array);
  assert.equal(ids.length, s.length);
  assert.equal(decode(ids), s);
  assert.throws(() => encode("ab,c"), /"," .*index 2.*normalizeText/);
  assert.throws(() => encode("Abc"), /index 0/);
  assert.throws(() => decode([3, 28]), /id 28 at index 1/);
  assert.throws(() => decode([-1]), /id -1 at index 0/);
});

test("splitStream: contiguous 90/5/5 views; text8's 100M gives exactly 90M/5M/5M", () => {
  const s = splitStream(ramp(100));
  assert.deepEqual([s.train.length, s.valid.length, s.test.length], [90, 5, 5]);
  assert.equal(s.valid[0], 90);
  assert.equal(s.test[0], 95);
  const big = splitStream(new Uint8Array(100_000_000));
  assert.deepEqual([big.train.length, big.valid.length, big.test.length], [90_000_000, 5_000_000, 5_000_000]);
  const custom = splitStream(ramp(10), [0.5, 0.3, 0.2]);
  assert.deepEqual([custom.train.length, custom.valid.length, custom.test.length], [5, 3, 2]);
  assert.throws(() => splitStream(ramp(10), [0.5, 0.5, 0.5]), /summing to 1/);
  assert.throws(() => splitStream(ramp(10), [1.1, -0.05, -0.05]), /non-negative/);
});

/** Asserts every row of a batch is a contiguous window of ramp(n) and returns the row starts. */
function rowStarts(batch: TokenBatch): number[] {
  const { data, batchSize: B, seqLen: L } = batch;
  assert.equal(data.length, B * L);
  const starts: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let k = 1; k < L; k++) assert.equal(data[b * L + k], (data[b * L + k - 1]! + 1) % 251);
    starts.push(data[b * L]!);
  }
  return starts;
}

test("BatchReader: [B, L] windows of the stream at every offset in [0, n-L], seeded", () => {
  const stream = ramp(20); // values equal positions
  const r = new BatchReader(stream, { batchSize: 4, seqLen: 17, seed: 1 });
  const seen = new Set<number>();
  for (let i = 0; i < 50; i++) for (const s of rowStarts(r.next())) seen.add(s);
  assert.deepEqual([...seen].sort((a, b) => a - b), [0, 1, 2, 3]);
  assert.equal(r.batches, 50);
  const a = new BatchReader(ramp(5000), { batchSize: 3, seqLen: 8, seed: 7 });
  const b = new BatchReader(ramp(5000), { batchSize: 3, seqLen: 8, seed: 7 });
  const c = new BatchReader(ramp(5000), { batchSize: 3, seqLen: 8, seed: 8 });
  const [ba, bb, bc] = [a.next(), b.next(), c.next()];
  assert.deepEqual(ba.data, bb.data);
  assert.notDeepEqual(ba.data, bc.data);
});

test("BatchReader: state() → JSON → restore() resumes with exactly the same batches", () => {
  const stream = ramp(10_000);
  const opts = { batchSize: 5, seqLen: 32, seed: 42 };
  const first = new BatchReader(stream, opts);
  for (let i = 0; i < 3; i++) first.next();
  const saved = JSON.parse(JSON.stringify(first.state())) as BatchReaderState;
  const expected = Array.from({ length: 4 }, () => first.next().data);
  const resumed = new BatchReader(stream, { ...opts, seed: 999 }); // the seed is overridden by the state
  resumed.next();
  resumed.restore(saved);
  assert.equal(resumed.batches, 3);
  for (const e of expected) assert.deepEqual(resumed.next().data, e);
  assert.equal(resumed.batches, 7);
});

test("BatchReader: clear errors for short streams, bad options and mismatched states", () => {
  assert.throws(() => new BatchReader(ramp(5), { batchSize: 1, seqLen: 6, seed: 0 }), /5 tokens, fewer than seqLen 6/);
  assert.throws(() => new BatchReader(ramp(50), { batchSize: 0, seqLen: 6, seed: 0 }), /batchSize must be a positive integer, got 0/);
  const r = new BatchReader(ramp(50), { batchSize: 2, seqLen: 6, seed: 0 });
  const other = new BatchReader(ramp(50), { batchSize: 2, seqLen: 7, seed: 0 });
  assert.throws(() => other.restore(r.state()), /seqLen 6 vs 7/);
  assert.throws(() => r.restore({ ...r.state(), rng: [1.5] }), /array of integers/);
});

test("sequentialBatches: non-overlapping chunks in order, tail dropped, optional limit", () => {
  const stream = ramp(10);
  assert.equal(countChunks(10, 3), 3);
  const all = [...sequentialBatches(stream, { seqLen: 3, batchSize: 2 })];
  assert.deepEqual(all.map((b) => b.batchSize), [2, 1]);
  assert.deepEqual(Array.from(all[0]!.data), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(all[1]!.data), [6, 7, 8]);
  const limited = [...sequentialBatches(stream, { seqLen: 3, batchSize: 5, maxChunks: 2 })];
  assert.equal(limited.length, 1);
  assert.deepEqual(Array.from(limited[0]!.data), [0, 1, 2, 3, 4, 5]);
  assert.equal([...sequentialBatches(stream, { seqLen: 11, batchSize: 1 })].length, 0);
  assert.throws(() => [...sequentialBatches(stream, { seqLen: 0, batchSize: 1 })], /seqLen must be a positive integer/);
});

test("n-gram cross-entropies match hand-computed add-one values", () => {
  const train = Uint8Array.from([0, 0, 0, 1]);
  // p(0) = (3+1)/(4+2) = 2/3, p(1) = (1+1)/6 = 1/3: eval [1, 0] costs (log2 3 + log2 1.5)/2.
  assert.ok(Math.abs(unigramCrossEntropy(train, Uint8Array.from([1, 0])) - (1.584962500721156 + 0.5849625007211562) / 2) < 1e-12);
  // Train bigrams 00, 00, 01: p(1|0) = (1+1)/(3+2) = 0.4, p(0|1) = (0+1)/(0+2) = 0.5.
  const bi = bigramCrossEntropy(train, Uint8Array.from([0, 1, 0]));
  assert.ok(Math.abs(bi - (1.3219280948873622 + 1) / 2) < 1e-12, `bigram ${bi}`);
  // With V = 3 and alpha = 0.5: p(2) = 0.5/(4 + 1.5).
  const u3 = unigramCrossEntropy(train, Uint8Array.from([2]), { vocabSize: 3, alpha: 0.5 });
  assert.ok(Math.abs(u3 - Math.log2(5.5 / 0.5)) < 1e-12);
  assert.throws(() => unigramCrossEntropy(train, Uint8Array.from([2]), { vocabSize: 2 }), /largest id seen: 2/);
  assert.throws(() => bigramCrossEntropy(train, Uint8Array.from([0])), /at least 2 tokens/);
});

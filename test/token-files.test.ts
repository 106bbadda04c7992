// GPT-2 token folders: uint16 files read by ranges, MDLM's BOS/EOS wrapping, `data tokenize`, and the dataset name gpt2:<dir>.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BatchReader } from "../src/data/batch-reader.js";
import { sequentialBatches } from "../src/data/eval-chunks.js";
import { GPT2_EOS, gpt2Encode } from "../src/data/gpt2-tokenizer.js";
import { datasetFromName } from "../src/data/index.js";
import { Uint16FileStream } from "../src/data/uint16-file.js";
import { WrappedStream } from "../src/data/wrapped-stream.js";
import { okJson, runCli, userError } from "./helpers/cli.js";

const fresh = () => mkdtempSync(join(tmpdir(), "maskdiff-tokens-"));

function writeUint16(file: string, ids: number[]): void {
  const b = Buffer.alloc(2 * ids.length);
  ids.forEach((v, i) => b.writeUInt16LE(v, 2 * i));
  writeFileSync(file, b);
}

test("Uint16FileStream: little-endian ranges read at offsets; odd sizes and ids outside the vocabulary refused", () => {
  const dir = fresh();
  const f = join(dir, "a.bin");
  const ids = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 50257);
  writeUint16(f, ids);
  const s = new Uint16FileStream(f, 50257);
  assert.equal(s.length, 1000);
  assert.deepEqual(Array.from(s.subarray(0, 5)), ids.slice(0, 5));
  assert.deepEqual(Array.from(s.subarray(997, 1003)), ids.slice(997)); // clipped at the end, like a typed array
  assert.deepEqual(Array.from(s.subarray(500, 500)), []);
  const bytes = readFileSync(f);
  assert.equal(bytes[2], 7919 & 0xff); // the format is little-endian on disk
  writeFileSync(join(dir, "odd.bin"), Buffer.alloc(3));
  assert.throws(() => new Uint16FileStream(join(dir, "odd.bin"), 50257), /3 bytes, an odd number/);
  writeUint16(join(dir, "big.bin"), [1, 2, 60000]);
  const big = new Uint16FileStream(join(dir, "big.bin"), 50257);
  assert.deepEqual(Array.from(big.subarray(0, 2)), [1, 2]);
  assert.throws(() => big.subarray(0, 3), /token 2 is 60000, outside the vocabulary 0\.\.50256/);
  assert.throws(() => new Uint16FileStream(join(dir, "none.bin"), 50257), /does not exist/);
});

test("WrappedStream: rows of BOS + L − 2 stream tokens + EOS, the short tail dropped (MDLM's OpenWebText wrapping)", () => {
  const inner = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const w = new WrappedStream(inner, 5, 90, 91);
  assert.equal(w.length, 15);
  const all = Array.from(w.subarray(0, w.length));
  assert.deepEqual(all, [90, 1, 2, 3, 91, 90, 4, 5, 6, 91, 90, 7, 8, 9, 91]);
  for (let b = 0; b <= 15; b++) for (let e = b; e <= 15; e++) assert.deepEqual(Array.from(w.subarray(b, e)), all.slice(b, e), `[${b}, ${e})`);
  assert.throws(() => new WrappedStream(inner, 2, 0, 0), /at least 3 tokens/);
});

test("data tokenize -> gpt2:<dir>: documents + EOS in train.bin / val.bin, wrapped rows for training and evaluation", () => {
  const dir = fresh();
  const docs = Array.from({ length: 45 }, (_, i) => `Document ${i}: 日本 🙂 line one.\nline two of ${i}.`);
  const txt = join(dir, "corpus.txt");
  writeFileSync(txt, docs.join("\n\n") + "\n");
  const out = join(dir, "tok");
  const r = okJson(runCli(["data", "tokenize", "--from", txt, "--tokenizer", "gpt2", "--out", out, "--valid-every", "10"]));
  assert.deepEqual(r.documents, { train: 41, valid: 4 }); // documents 10, 20, 30, 40 (1-based) go to val.bin
  const expect = (keep: (i: number) => boolean) => docs.flatMap((d, i) => (keep(i) ? [...gpt2Encode(d), GPT2_EOS] : []));
  const train = expect((i) => (i + 1) % 10 !== 0);
  const valid = expect((i) => (i + 1) % 10 === 0);
  const raw = datasetFromName(`gpt2:${out}`);
  assert.deepEqual(Array.from(raw.splits.train.subarray(0, raw.splits.train.length)), train);
  assert.deepEqual(Array.from(raw.splits.valid.subarray(0, raw.splits.valid.length)), valid);
  assert.equal(raw.splits.test.length, 0);
  assert.equal(raw.vocabSize, 50257);
  assert.equal(raw.decode(train.slice(0, train.indexOf(GPT2_EOS))), docs[0]);

  const L = 16;
  const d = datasetFromName(`gpt2:${out}`, { seqLen: L });
  assert.equal(d.recordLength, L);
  assert.equal(d.splits.train.length, Math.floor(train.length / (L - 2)) * L);
  const rows = [...sequentialBatches(d.splits.valid, { seqLen: L, batchSize: 3 })].flatMap((b) => Array.from({ length: b.batchSize }, (_, k) => Array.from(b.data.subarray(k * L, (k + 1) * L))));
  assert.equal(rows.length, Math.floor(valid.length / (L - 2)));
  rows.forEach((row, k) => assert.deepEqual(row, [GPT2_EOS, ...valid.slice(k * (L - 2), (k + 1) * (L - 2)), GPT2_EOS], `valid row ${k}`));
  const reader = new BatchReader(d.splits.train, { batchSize: 4, seqLen: L, seed: 1, recordLength: d.recordLength });
  const batch = reader.next();
  for (let b = 0; b < 4; b++) {
    const row = Array.from(batch.data.subarray(b * L, (b + 1) * L));
    const start = train.findIndex((_, i) => i % (L - 2) === 0 && row.slice(1, L - 1).every((v, j) => train[i + j] === v));
    assert.ok(row[0] === GPT2_EOS && row[L - 1] === GPT2_EOS && start >= 0, `training row ${b} is a whole wrapped row: ${row}`);
  }
});

test("data tokenize and gpt2:<dir>: one clear message for bad input", () => {
  const dir = fresh();
  const txt = join(dir, "few.txt");
  writeFileSync(txt, "one\n\ntwo\n");
  userError(runCli(["data", "tokenize", "--from", txt, "--tokenizer", "gpt2", "--out", join(dir, "t")]), /holds 2 documents: with --valid-every 20 one split would be empty/);
  userError(runCli(["data", "tokenize", "--from", join(dir, "missing.txt"), "--tokenizer", "gpt2", "--out", join(dir, "t")]), /is not a readable text file/);
  userError(runCli(["data", "tokenize", "--from", txt, "--out", join(dir, "t")]), /needs --from FILE.txt --tokenizer gpt2 --out DIR/);
  userError(runCli(["data", "fortunes", "--tokenizer", "gpt2"]), /--tokenizer applies only to `maskdiff data tokenize`/);
  const many = join(dir, "many.txt");
  writeFileSync(many, Array.from({ length: 30 }, (_, i) => `doc ${i}`).join("\n\n"));
  const tok = join(dir, "tok");
  okJson(runCli(["data", "tokenize", "--from", many, "--tokenizer", "gpt2", "--out", tok]));
  const before = readFileSync(join(tok, "train.bin"));
  userError(runCli(["data", "tokenize", "--from", many, "--tokenizer", "gpt2", "--out", tok, "--valid-every", "5"]), /already holds train\.bin, val\.bin, meta\.json; give another folder, or --force/);
  assert.deepEqual(readFileSync(join(tok, "train.bin")), before, "a refused tokenize leaves the existing files as they were");
  okJson(runCli(["data", "tokenize", "--from", many, "--tokenizer", "gpt2", "--out", tok, "--valid-every", "5", "--force"]));
  assert.throws(() => datasetFromName(`gpt2:${join(dir, "empty")}`), /has no train\.bin; make one with: maskdiff data tokenize/);
  assert.throws(() => datasetFromName("gpt2:"), /needs a token folder/);
  const vocabOnly = datasetFromName("gpt2");
  assert.equal(vocabOnly.vocabSize, 50257);
  assert.equal(vocabOnly.splits.train.length, 0);
});

test("train and eval on gpt2:<dir>: rows come from the wrapped token files", () => {
  const dir = fresh();
  const txt = join(dir, "corpus.txt");
  writeFileSync(txt, Array.from({ length: 60 }, (_, i) => `Paragraph ${i} of a small corpus, with words enough for a few rows.`).join("\n\n"));
  okJson(runCli(["data", "tokenize", "--from", txt, "--tokenizer", "gpt2", "--out", join(dir, "tok")]));
  const config = {
    seed: 0, data: { name: `gpt2:${join(dir, "tok")}`, seqLen: 16 }, model: { d: 16, layers: 1, heads: 2, cond: 8 },
    train: { steps: 3, batch: 2, lr: 1e-3, warmup: 1, evalEvery: 3, evalSequences: 2, checkpointEvery: 3, keepCheckpoints: 1 },
  };
  writeFileSync(join(dir, "c.json"), JSON.stringify(config));
  const r = okJson(runCli(["train", "--config", join(dir, "c.json"), "--out", join(dir, "run"), "--samples", "0", "--json"], 120_000));
  assert.equal(r.steps, 3);
  assert.equal(r.baselines_bits_per_token, null); // the n-gram baselines would read the files whole
  const e = okJson(runCli(["eval", "--checkpoint", r.checkpoint, "--json"]));
  assert.equal(e.n_sequences, Math.floor(datasetFromName(`gpt2:${join(dir, "tok")}`, { seqLen: 16 }).splits.valid.length / 16));
});

// Damaged checkpoints are refused on load, naming what is wrong; resume falls back past them;
// temporary files of killed writes are cleaned up.
import assert from "node:assert/strict";
import { spawnSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { test } from "node:test";
import { getRngState, readSafetensorsHeader, Rng, saveSafetensors, tensor, type Tensor } from "../src/engine/index.js";
import { parseTrainConfig } from "../src/train/config.js";
import {
  CHECKPOINT_FORMAT, CorruptCheckpointError, checkpointName, describeFallback, listCheckpoints, loadCheckpoint,
  newestValidCheckpoint, readCheckpointMeta, saveCheckpoint, type CheckpointMeta,
} from "../src/train/checkpoint.js";
import { UserError } from "../src/cli/user-error.js";

const config = parseTrainConfig({
  seed: 7,
  data: { name: "markov", seqLen: 16, markovSeed: 3, markovSymbols: 5, markovSize: 20000 },
  model: { d: 8, layers: 1, heads: 2, cond: 4 },
  train: { steps: 10, batch: 4, lr: 1e-3, warmup: 1, evalEvery: 5, evalSequences: 4, checkpointEvery: 1, keepCheckpoints: 10, logEvery: 1 },
});
const shapes = { "a.weight": [2, 3], "b.bias": [3] };

function meta(step: number): CheckpointMeta {
  return {
    config, step, rng: new Rng(9).state(), torchRng: Buffer.from(getRngState()).toString("base64"),
    data: { rng: new Rng(8).state(), batches: step, streamLength: 20000, batchSize: 4, seqLen: 16 }, adamStep: step, version: "test",
  };
}

function group(fill: (name: string) => number[] = (n) => (n === "a.weight" ? [1, 2, 3, 4, 5, 6] : [0.5, -0.5, 0])): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(shapes).map(([n, s]) => [n, tensor(fill(n), s)]));
}
const tensors = () => ({ model: group(), ema: group(), adamM: group(), adamV: group() });

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "maskdiff-harden-ckpt-"));
}

/** The string metadata saveCheckpoint writes for meta(step). */
function rawMeta(step: number): Record<string, string> {
  const m = meta(step);
  return {
    format: CHECKPOINT_FORMAT, config: JSON.stringify(m.config), step: String(m.step), rng: JSON.stringify(m.rng), torch_rng: m.torchRng,
    data: JSON.stringify(m.data), adam_step: String(m.adamStep), version: m.version,
  };
}

async function writeRaw(path: string, metadata: Record<string, string>, flat?: Record<string, Tensor>): Promise<void> {
  const t = tensors();
  const all: Record<string, Tensor> = flat ?? {};
  if (!flat) for (const [role, pre] of [["model", "model."], ["ema", "ema."], ["adamM", "adam.m."], ["adamV", "adam.v."]] as const)
    for (const [n, x] of Object.entries(t[role])) all[pre + n] = x;
  await saveSafetensors(path, all, metadata);
}

const isCorrupt = (re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof UserError, `expected a UserError, got ${e}`);
  assert.match((e as Error).message, re);
  return true;
};

test("a valid checkpoint loads (control)", async () => {
  const dir = tmp();
  try {
    const p = await saveCheckpoint(dir, meta(3), tensors(), 5);
    const { meta: m, tensors: t } = await loadCheckpoint(p, shapes);
    assert.equal(m.step, 3);
    assert.deepEqual(t.model["a.weight"]!.toArray(), [1, 2, 3, 4, 5, 6]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("NaN, ±Inf and huge weights are refused on load, naming the tensor", async () => {
  const dir = tmp();
  try {
    const cases: [string, "model" | "ema" | "adamM" | "adamV", number, RegExp][] = [
      ["nan", "model", NaN, /model\.a\.weight holds NaN/],
      ["inf", "ema", Infinity, /ema\.a\.weight holds ±Inf/],
      ["ninf", "adamM", -Infinity, /adam\.m\.a\.weight holds ±Inf/],
      ["huge", "model", 1e30, /model\.a\.weight holds \|x\| = 1\.000e\+30/],
      ["hugev", "adamV", 3e38, /adam\.v\.a\.weight holds \|x\|/],
    ];
    for (const [name, role, bad, re] of cases) {
      const sub = join(dir, name);
      const t = tensors();
      t[role]["a.weight"] = tensor([1, 2, bad, 4, 5, 6], [2, 3]);
      const { mkdirSync } = await import("node:fs");
      mkdirSync(sub);
      const p = await saveCheckpoint(sub, meta(2), t, 5);
      await assert.rejects(loadCheckpoint(p, shapes), (e: unknown) => e instanceof CorruptCheckpointError && isCorrupt(re)(e), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a tensor whose stored dtype differs from the expected one is refused; dtypes can be given per name", async () => {
  const dir = tmp();
  try {
    for (const [from, to] of [["F32", "I32"], ["F32", "F64"]] as const) {
      const p = await saveCheckpoint(dir, meta(1), tensors(), 5);
      // Relabel model.b.bias in the header, keeping the header length: F32 -> I32 has the same byte size,
      // so only a dtype check catches it; F32 -> F64 no longer matches its byte range.
      const buf = readFileSync(p);
      const len = Number(buf.readBigUInt64LE(0));
      const header = buf.subarray(8, 8 + len).toString("utf8");
      const key = `"model.b.bias":{"dtype":"${from}"`;
      assert.ok(header.includes(key));
      const patched = header.replace(key, `"model.b.bias":{"dtype":"${to}"`);
      writeFileSync(p, Buffer.concat([buf.subarray(0, 8), Buffer.from(patched, "utf8"), buf.subarray(8 + len)]));
      if (to === "I32") {
        await assert.rejects(loadCheckpoint(p, shapes), isCorrupt(/model\.b\.bias is stored as int32, expected float32/));
        await assert.rejects(loadCheckpoint(p, shapes, "float32"), isCorrupt(/model\.b\.bias is stored as int32/));
        // other roles are still float32, so asking for int32 everywhere names those
        await assert.rejects(loadCheckpoint(p, shapes, { "b.bias": "int32" }), isCorrupt(/ema\.b\.bias is stored as float32, expected int32/));
      } else {
        // a relabelled F64 no longer matches its byte range: the header check refuses it
        await assert.rejects(loadCheckpoint(p, shapes), isCorrupt(/model\.b\.bias/));
      }
      rmSync(p);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("corrupt resume metadata is refused with a message naming the field", async () => {
  const dir = tmp();
  try {
    const zeros = JSON.stringify([0, 0, 0, 0]);
    const data = (o: Record<string, unknown>) => JSON.stringify({ ...meta(5).data as object, ...o });
    const cases: [string, Partial<Record<string, string>> | ((m: Record<string, string>) => void), RegExp][] = [
      ["step not numeric", { step: "abc" }, /field "step" must be a non-negative integer/],
      ["step negative", { step: "-1" }, /field "step"/],
      ["step fractional", { step: "2.5" }, /field "step"/],
      ["step huge", { step: "99999999999999999999" }, /field "step"/],
      ["step beyond train.steps", { step: "11" }, /field "step" is 11, beyond the run's train\.steps 10/],
      ["step missing", (m) => delete m.step, /field "step" is missing/],
      ["rng not JSON", { rng: "[1,2" }, /field "rng" is not valid JSON/],
      ["rng wrong kind", { rng: JSON.stringify("abc") }, /field "rng" must be an array/],
      ["rng wrong length", { rng: "[1,2,3]" }, /field "rng" must hold the 4 words/],
      ["rng not int32", { rng: "[1,2,3,4294967296]" }, /field "rng\.3"/],
      ["rng all zero", { rng: zeros }, /field "rng" is all zeros/],
      ["torch_rng not base64", { torch_rng: "not base64!" }, /field "torch_rng" must be base64/],
      ["torch_rng wrong size", { torch_rng: Buffer.alloc(100).toString("base64") }, /field "torch_rng" decodes to 100 bytes/],
      ["data null", { data: "null" }, /field "data" must be a batch reader state/],
      ["data negative batches", { data: data({ batches: -1 }) }, /field "data\.batches"/],
      ["data batches beyond step", { data: data({ batches: 6 }) }, /field "data\.batches" is 6, more than step 5/],
      ["data wrong batch size", { data: data({ batchSize: 8 }) }, /field "data\.batchSize" is 8/],
      ["data wrong seqLen", { data: data({ seqLen: 32 }) }, /field "data\.seqLen" is 32/],
      ["data rng wrong kind", { data: data({ rng: "x" }) }, /field "data\.rng"/],
      ["data unknown key", { data: data({ extra: 1 }) }, /field "data"/],
      ["adam_step negative", { adam_step: "-3" }, /field "adam_step"/],
      ["adam_step beyond step", { adam_step: "6" }, /field "adam_step" is 6, more than step 5/],
      ["config not JSON", { config: "{" }, /field "config" is not valid JSON/],
    ];
    for (const [name, change, re] of cases) {
      const m = rawMeta(5);
      if (typeof change === "function") change(m);
      else Object.assign(m, change);
      const p = join(dir, checkpointName(5));
      await writeRaw(p, m);
      await assert.rejects(readCheckpointMeta(p), (e: unknown) => e instanceof CorruptCheckpointError && isCorrupt(re)(e), name);
      await assert.rejects(loadCheckpoint(p, shapes), (e: unknown) => e instanceof CorruptCheckpointError && isCorrupt(re)(e), name);
      rmSync(p);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("newestValidCheckpoint walks back past corrupt checkpoints and names them", async () => {
  const dir = tmp();
  try {
    assert.equal(await newestValidCheckpoint(dir), null);
    for (const s of [1, 2, 3, 4]) await saveCheckpoint(dir, meta(s), tensors(), 10);
    const [, p2, p3, p4] = listCheckpoints(dir);
    // newest: truncated (killed mid-copy); next: NaN weights; next: metadata damaged
    truncateSync(p4!, 200);
    const t = tensors();
    t.model["b.bias"] = tensor([NaN, 0, 0], [3]);
    await saveCheckpoint(dir, meta(3), t, 10);
    const m2 = rawMeta(2);
    m2.step = "x";
    await writeRaw(p2!, m2);

    const found = await newestValidCheckpoint(dir, shapes);
    assert.ok(found);
    assert.equal(basename(found.path), checkpointName(1));
    assert.equal(found.meta.step, 1);
    assert.ok(found.tensors);
    assert.deepEqual(found.skipped.map((s) => basename(s.path)), [checkpointName(4), checkpointName(3), checkpointName(2)]);
    assert.match(found.skipped[1]!.reason, /model\.b\.bias holds NaN/);
    const msg = describeFallback(found)!;
    assert.match(msg, /skipped corrupt checkpoints ckpt-00000004\.safetensors, ckpt-00000003\.safetensors, ckpt-00000002\.safetensors; resuming from ckpt-00000001\.safetensors \(step 1\)/);

    // Metadata only: the NaN checkpoint passes the header check
    const metaOnly = await newestValidCheckpoint(dir);
    assert.equal(basename(metaOnly!.path), basename(p3!));
    assert.deepEqual(metaOnly!.skipped.map((s) => basename(s.path)), [checkpointName(4)]);

    // A checkpoint of another model is not "corrupt": the mismatch is thrown, not skipped past
    await assert.rejects(newestValidCheckpoint(dir, { "a.weight": [9, 9], "b.bias": [3] }), (e: unknown) => e instanceof UserError && !(e instanceof CorruptCheckpointError) && /does not match the model/.test((e as Error).message));

    // All corrupt: one UserError naming each
    truncateSync(listCheckpoints(dir)[0]!, 100);
    await assert.rejects(newestValidCheckpoint(dir, shapes), isCorrupt(/no valid checkpoint in .*: all 4 are corrupt/s));
    assert.equal(describeFallback({ path: "x", meta: meta(1), skipped: [] }), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("temporary files of killed checkpoint writes are removed on the next write in that directory", async () => {
  const dir = tmp();
  const sleeper = spawn("sleep", ["30"]);
  try {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const deadPid = Number(dead.stdout);
    assert.ok(deadPid > 0);
    const stale = [
      `${checkpointName(2)}.tmp-${deadPid}-0123456789ab`,
      `${checkpointName(7)}.tmp-${deadPid}-abcdefabcdef`,
      `${checkpointName(3)}.tmp-${process.pid}-00000000aaaa`, // this PID, but no write in flight: a reused PID
    ];
    const live = `${checkpointName(4)}.tmp-${sleeper.pid}-0123456789ab`;
    const unrelated = ["notes.tmp-1-0123456789ab.txt", "log.jsonl"];
    for (const n of [...stale, live, ...unrelated]) writeFileSync(join(dir, n), "partial");
    await saveCheckpoint(dir, meta(5), tensors(), 3);
    const left = readdirSync(dir).sort();
    for (const n of stale) assert.ok(!left.includes(n), `${n} should have been removed`);
    assert.ok(left.includes(live), "a live writer's temporary file is kept");
    for (const n of unrelated) assert.ok(left.includes(n));
    assert.ok(left.includes(checkpointName(5)));
    assert.ok(!left.some((n) => n.startsWith(checkpointName(5) + ".tmp-")), "the write's own temporary file is gone");
    assert.ok(existsSync(join(dir, checkpointName(5))));
    assert.equal((await readSafetensorsHeader(join(dir, checkpointName(5)))).metadata.step, "5");
  } finally {
    sleeper.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

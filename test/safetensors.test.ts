import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadSafetensors, readSafetensorsHeader, saveSafetensors, scalar, tensor, tidy, zeros, type Tensor } from "../src/engine/index.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maskdiff-safetensors-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const fresh = (name: string): string => path.join(dir, `${counter++}-${name}`);

const disposeAll = (ts: Record<string, Tensor>): void => Object.values(ts).forEach((t) => t.dispose());
const values = (t: Tensor): unknown[] => Array.from(t.data() as ArrayLike<unknown>);

/** Builds a safetensors file by hand: 8-byte LE length, the header text as given, then data. */
function rawFile(header: string | object | Uint8Array, data: Uint8Array | number = 0, declared?: bigint): Buffer {
  const text =
    header instanceof Uint8Array ? header : Buffer.from(typeof header === "string" ? header : JSON.stringify(header), "utf8");
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(declared ?? BigInt(text.length));
  return Buffer.concat([len, text, typeof data === "number" ? Buffer.alloc(data) : data]);
}

function writeRaw(name: string, bytes: Uint8Array): string {
  const p = fresh(name);
  fs.writeFileSync(p, bytes);
  return p;
}

/** Asserts that promise rejects with an Error whose message matches re. */
async function rejectsWith(promise: Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof Error, `expected an Error, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  });
}

/** The message prefix every error carries, for a given file. */
const prefix = (p: string): string => `^safetensors: ${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `;

test("round trip of all six dtypes, a 0-d and an empty tensor, with metadata", async () => {
  const p = fresh("all.safetensors");
  const src = tidy(() => ({
    f32: tensor(Float32Array.from([1.5, -0, NaN, Infinity, -3.25e-38, 0.1]), [2, 3]),
    f64: tensor(Float64Array.from([Math.PI, -Math.E, 1e300, 5e-324]), [2, 1, 2]),
    i64: tensor(BigInt64Array.from([-(2n ** 62n), 2n ** 62n + 1n, 0n, -1n, 9007199254740993n]), [5]),
    i32: tensor(Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 7, -7]), [2, 2]),
    mask: tensor([true, false, true], [3], { dtype: "bool" }),
    bytes: tensor(Uint8Array.from([0, 255, 7, 128]), [4, 1]),
    scalar: scalar(42.5),
    empty: zeros([0, 3]),
  }));
  const metadata = { step: "1200", note: "ünïcödé ☃ \"quoted\"", empty: "" };
  await saveSafetensors(p, src, metadata);

  // Data starts on an 8-byte boundary.
  const raw = fs.readFileSync(p);
  assert.equal(Number(raw.readBigUInt64LE(0)) % 8, 0);

  const { tensors, metadata: meta } = await loadSafetensors(p);
  assert.deepEqual(meta, metadata);
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(src).sort());
  for (const [name, t] of Object.entries(src)) {
    const u = tensors[name];
    assert.equal(u.dtype, t.dtype, name);
    assert.deepEqual(u.shape, t.shape, name);
    assert.deepEqual(u.data(), t.data(), name);
  }
  assert.deepEqual(tensors.scalar.shape, []);
  assert.deepEqual(tensors.empty.shape, [0, 3]);
  assert.deepEqual(values(tensors.mask), [1, 0, 1]);

  const header = await readSafetensorsHeader(p);
  assert.deepEqual(header.metadata, metadata);
  const f32 = header.entries.find((e) => e.name === "f32");
  assert.deepEqual(f32 && { dtype: f32.dtype, shape: f32.shape, size: f32.end - f32.begin }, { dtype: "float32", shape: [2, 3], size: 24 });
  disposeAll(src);
  disposeAll(tensors);
});

test("saving with no metadata loads as an empty metadata object", async () => {
  const p = fresh("nometa.safetensors");
  const src = { x: tensor([1, 2, 3]) };
  await saveSafetensors(p, src);
  const { tensors, metadata } = await loadSafetensors(p);
  assert.deepEqual(metadata, {});
  assert.deepEqual(values(tensors.x), [1, 2, 3]);
  disposeAll(src);
  disposeAll(tensors);
});

test("byte-level fixture: a hand-built file parses, and the writer produces the same bytes", async () => {
  // Header text: 79 bytes, padded with one space to 80.
  const json = '{"__metadata__":{"a":"b"},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  assert.equal(json.length, 79);
  const expected = Buffer.from([
    80, 0, 0, 0, 0, 0, 0, 0, // header length, u64 little-endian
    ...Buffer.from(json + " ", "ascii"),
    0x00, 0x00, 0x80, 0x3f, // 1.0f
    0x00, 0x00, 0x00, 0x40, // 2.0f
  ]);
  assert.equal(expected.length, 96);

  const p = writeRaw("fixture.safetensors", expected);
  const { tensors, metadata } = await loadSafetensors(p);
  assert.deepEqual(metadata, { a: "b" });
  assert.equal(tensors.x.dtype, "float32");
  assert.deepEqual(tensors.x.shape, [2]);
  assert.deepEqual(values(tensors.x), [1, 2]);
  assert.deepEqual(await readSafetensorsHeader(p), {
    metadata: { a: "b" },
    entries: [{ name: "x", dtype: "float32", shape: [2], begin: 0, end: 8 }],
  });
  disposeAll(tensors);

  const q = fresh("fixture-written.safetensors");
  const x = tensor([1, 2]);
  await saveSafetensors(q, { x }, { a: "b" });
  assert.deepEqual(fs.readFileSync(q), expected);
  x.dispose();
});

test("a hand-built file with an unpadded header, out-of-order data and a gap parses", async () => {
  // i32 [3] at bytes 8..20 (after a 4-byte gap), u8 [2] at 0..2; header of odd length.
  const header = { b: { dtype: "I32", shape: [3], data_offsets: [8, 20] }, a: { dtype: "U8", shape: [2], data_offsets: [0, 2] } };
  const data = Buffer.alloc(20);
  data.writeUInt8(9, 0);
  data.writeUInt8(250, 1);
  data.writeInt32LE(-5, 8);
  data.writeInt32LE(6, 12);
  data.writeInt32LE(2147483647, 16);
  const p = writeRaw("unpadded.safetensors", rawFile(header, data));
  const { tensors } = await loadSafetensors(p);
  assert.deepEqual(values(tensors.a), [9, 250]);
  assert.deepEqual(values(tensors.b), [-5, 6, 2147483647]);
  assert.equal(tensors.b.dtype, "int32");
  disposeAll(tensors);
});

test("malformed files are rejected with a message saying what is wrong", async (t) => {
  const f32x6 = (offsets: number[]) => ({ w: { dtype: "F32", shape: [2, 3], data_offsets: offsets } });
  const cases: { name: string; bytes: Uint8Array; message: string | RegExp }[] = [
    { name: "empty", bytes: new Uint8Array(0), message: "file is 0 bytes, shorter than the 8-byte header length" },
    { name: "short", bytes: new Uint8Array(5), message: "file is 5 bytes, shorter than the 8-byte header length" },
    { name: "huge header length", bytes: rawFile("{}", 118, 1000000n), message: "header says 1000000 bytes but only 120 follow" },
    { name: "u64 max header length", bytes: rawFile("{}", 0, 2n ** 64n - 1n), message: "header says 18446744073709551615 bytes but only 2 follow" },
    { name: "bad JSON", bytes: rawFile('{"w": {"dtype": "F32",', 0), message: /header is not valid UTF-8 JSON \(.+\)$/ },
    { name: "empty header", bytes: rawFile("", 0), message: /header is not valid UTF-8 JSON/ },
    { name: "bad UTF-8", bytes: rawFile(Uint8Array.from([0x7b, 0xff, 0x7d])), message: /header is not valid UTF-8 JSON/ },
    { name: "JSON array", bytes: rawFile("[1, 2]"), message: "header is [1,2], expected a JSON object" },
    {
      name: "unsupported dtype",
      bytes: rawFile({ w: { dtype: "F8_E4M3", shape: [2], data_offsets: [0, 2] } }, 2),
      message: "tensor 'w': dtype 'F8_E4M3' is not supported (expected one of F32, F64, I64, I32, BOOL, U8, F16, BF16)",
    },
    {
      name: "missing dtype",
      bytes: rawFile({ w: { shape: [2], data_offsets: [0, 4] } }, 4),
      message: "tensor 'w': dtype is missing or not a string (expected one of F32, F64, I64, I32, BOOL, U8, F16, BF16)",
    },
    {
      name: "offsets mismatch",
      bytes: rawFile(f32x6([0, 12]), 24),
      message: "tensor 'w': data_offsets [0, 12] hold 12 bytes but shape [2, 3] of F32 needs 24",
    },
    {
      name: "offsets out of range",
      bytes: rawFile(f32x6([8, 32]), 24),
      message: "tensor 'w': data_offsets [8, 32] run past the end of the 24-byte data section",
    },
    {
      name: "offsets reversed",
      bytes: rawFile(f32x6([24, 0]), 24),
      message: "tensor 'w': data_offsets [24, 0] end before they begin",
    },
    {
      name: "offsets not integers",
      bytes: rawFile(f32x6([0.5, 24.5]), 25),
      message: "tensor 'w': data_offsets [0.5,24.5] is not a pair [begin, end] of non-negative integers",
    },
    {
      name: "negative shape",
      bytes: rawFile({ w: { dtype: "U8", shape: [-1], data_offsets: [0, 0] } }),
      message: "tensor 'w': shape [-1] is not a list of non-negative integers",
    },
    {
      name: "overlap",
      bytes: rawFile(
        { a: { dtype: "I32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "I32", shape: [2], data_offsets: [4, 12] } },
        12,
      ),
      message: "tensors 'a' [0, 8] and 'b' [4, 12] overlap",
    },
    {
      name: "metadata not strings",
      bytes: rawFile({ __metadata__: { step: 3 } }),
      message: "metadata 'step' is 3, expected a string",
    },
    {
      name: "entry not an object",
      bytes: rawFile({ w: 5 }),
      message: "tensor 'w': expected an object with dtype, shape and data_offsets",
    },
  ];

  // A valid file cut in the middle of its data.
  const whole = fresh("whole.safetensors");
  const src = { w: tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]) };
  await saveSafetensors(whole, src);
  src.w.dispose();
  const full = fs.readFileSync(whole);
  cases.push({
    name: "truncated",
    bytes: full.subarray(0, full.length - 10),
    message: "tensor 'w': data_offsets [0, 24] run past the end of the 14-byte data section",
  });

  for (const c of cases) {
    await t.test(c.name, async () => {
      const p = writeRaw(`${c.name.replace(/\W+/g, "-")}.safetensors`, c.bytes);
      const want = new RegExp(prefix(p) + (typeof c.message === "string" ? c.message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "$" : c.message.source));
      await rejectsWith(loadSafetensors(p), want);
      await rejectsWith(readSafetensorsHeader(p), want);
    });
  }
});

test("a header longer than 100 MB is refused before reading it", async () => {
  const p = fresh("bigheader.safetensors");
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(100_000_001n);
  fs.writeFileSync(p, head);
  fs.truncateSync(p, 8 + 100_000_008); // sparse: cheap to create
  await rejectsWith(readSafetensorsHeader(p), new RegExp(prefix(p) + "header is 100000001 bytes, more than the 100000000-byte limit$"));
});

test("a failed save leaves the existing file byte-identical and no temporary files", async () => {
  const sub = fs.mkdtempSync(path.join(dir, "atomic-"));
  const p = path.join(sub, "model.safetensors");
  const old = { w: tensor([1, 2, 3]) };
  await saveSafetensors(p, old, { version: "old" });
  const before = fs.readFileSync(p);

  // A disposed tensor.
  const good = tensor([4, 5, 6]);
  const gone = tensor([7, 8]);
  gone.dispose();
  await rejectsWith(saveSafetensors(p, { a: good, z: gone }, { version: "new" }), new RegExp(prefix(p) + "tensor 'z': "));
  assert.deepEqual(fs.readFileSync(p), before);
  assert.deepEqual(fs.readdirSync(sub), ["model.safetensors"]);

  // A tensor whose data fails only after the header and the first tensor are written.
  const flaky = tensor([9, 9]);
  Object.defineProperty(flaky, "data", { value: () => { throw new Error("device lost"); } });
  await rejectsWith(saveSafetensors(p, { a: good, z: flaky }), new RegExp(prefix(p) + "tensor 'z': device lost$"));
  assert.deepEqual(fs.readFileSync(p), before);
  assert.deepEqual(fs.readdirSync(sub), ["model.safetensors"]);

  // Bad inputs are refused too.
  await rejectsWith(saveSafetensors(p, { __metadata__: good }), /'__metadata__' is reserved/);
  await rejectsWith(saveSafetensors(p, { a: good }, { n: 3 as unknown as string }), /metadata 'n' is a number, expected a string/);
  assert.deepEqual(fs.readFileSync(p), before);
  assert.deepEqual(fs.readdirSync(sub), ["model.safetensors"]);

  // A successful save replaces the file and leaves nothing else behind.
  await saveSafetensors(p, { a: good }, { version: "new" });
  assert.deepEqual(fs.readdirSync(sub), ["model.safetensors"]);
  const { tensors, metadata } = await loadSafetensors(p);
  assert.deepEqual(metadata, { version: "new" });
  assert.deepEqual(values(tensors.a), [4, 5, 6]);
  disposeAll(tensors);
  disposeAll(old);
  good.dispose();
  flaky.dispose();

  // A missing directory fails cleanly.
  const one = tensor([1]);
  await rejectsWith(saveSafetensors(path.join(sub, "nope", "x.safetensors"), { a: one }), /ENOENT/);
  one.dispose();
});

// ---------------------------------------------------------------- Python interop

const PYTHON = "/usr/bin/python3";
const hasTorch = (): boolean => {
  try {
    return spawnSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
  } catch {
    return false;
  }
};

function python(code: string, ...args: string[]): string {
  const r = spawnSync(PYTHON, ["-c", code, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

// Parses the format by hand (the safetensors package is not assumed) and prints every tensor.
const PY_READ = `
import json, struct, sys, torch
DT = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32, "BOOL": torch.bool, "U8": torch.uint8}
raw = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
assert (8 + n) % 8 == 0, "data section not 8-byte aligned"
header = json.loads(raw[8:8 + n].decode("utf-8"))
data = raw[8 + n:]
meta = header.pop("__metadata__", {})
out = {}
for name, e in header.items():
    begin, end = e["data_offsets"]
    dt = DT[e["dtype"]]
    chunk = bytearray(data[begin:end])
    t = torch.frombuffer(chunk, dtype=dt) if chunk else torch.empty(0, dtype=dt)
    t = t.reshape(e["shape"])
    vals = t.reshape(-1).tolist()
    if dt == torch.int64:
        vals = [str(v) for v in vals]
    out[name] = {"dtype": str(t.dtype), "shape": list(t.shape), "values": vals}
print(json.dumps({"metadata": meta, "tensors": out}))
`;

// Writes tensors by hand: no header padding, data in reverse name order.
const PY_WRITE = `
import json, math, struct, sys, torch
T = {
    "f32": torch.tensor([[0.5, -1.25, 3.0], [0.1, 1e-30, 65504.0]], dtype=torch.float32),
    "f32t": torch.arange(6, dtype=torch.float32).reshape(2, 3).t(),
    "f64": torch.tensor([math.pi, -math.e, 1e300], dtype=torch.float64),
    "i64": torch.tensor([-(2 ** 62), 2 ** 62 + 1, 0, -1], dtype=torch.int64),
    "i32": torch.tensor([[-(2 ** 31), 2 ** 31 - 1]], dtype=torch.int32),
    "b": torch.tensor([True, False, True]),
    "u8": torch.arange(250, 256, dtype=torch.uint8).reshape(2, 3),
    "s": torch.tensor(7.0),
    "e": torch.zeros(0, 4),
}
CODE = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32", torch.bool: "BOOL", torch.uint8: "U8"}
header = {"__metadata__": {"from": "python", "torch": torch.__version__}}
blobs, off = [], 0
for name in sorted(T, reverse=True):
    t = T[name].contiguous()
    b = bytes(t.reshape(-1).view(torch.uint8).tolist())
    header[name] = {"dtype": CODE[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
h = json.dumps(header).encode("utf-8")
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(h)))
    f.write(h)
    f.write(b"".join(blobs))
`;

test("python (torch) reads a file written here", async (t) => {
  if (!hasTorch()) {
    t.skip("python3 with torch is not available");
    return;
  }
  const p = fresh("to-python.safetensors");
  const src = tidy(() => ({
    f32: tensor(Float32Array.from([0.1, -2.5, 3e38, -0, 1e-40, 7]), [3, 2]),
    f64: tensor(Float64Array.from([Math.PI, -1e-300]), [2]),
    i64: tensor(BigInt64Array.from([-(2n ** 62n), 2n ** 62n + 1n, 3n]), [1, 3]),
    i32: tensor(Int32Array.from([-(2 ** 31), 2 ** 31 - 1]), [2]),
    b: tensor([false, true, true, false], [2, 2], { dtype: "bool" }),
    u8: tensor(Uint8Array.from([0, 128, 255]), [3]),
    s: scalar(-4.5, { dtype: "float64" }),
    e: zeros([2, 0], { dtype: "int32" }),
  }));
  await saveSafetensors(p, src, { origin: "typescript", unicode: "ü☃" });
  const got = JSON.parse(python(PY_READ, p)) as {
    metadata: Record<string, string>;
    tensors: Record<string, { dtype: string; shape: number[]; values: unknown[] }>;
  };
  assert.deepEqual(got.metadata, { origin: "typescript", unicode: "ü☃" });
  const torchName = { float32: "torch.float32", float64: "torch.float64", int64: "torch.int64", int32: "torch.int32", bool: "torch.bool", uint8: "torch.uint8" };
  assert.deepEqual(Object.keys(got.tensors).sort(), Object.keys(src).sort());
  for (const [name, s] of Object.entries(src)) {
    const expected = Array.from(s.data() as ArrayLike<number | bigint>, (v) =>
      s.dtype === "int64" ? String(v) : s.dtype === "bool" ? v === 1 : Number(v),
    );
    assert.deepEqual(got.tensors[name], { dtype: torchName[s.dtype], shape: s.shape, values: expected }, name);
  }
  disposeAll(src);
});

test("a file written by python (torch) loads here", async (t) => {
  if (!hasTorch()) {
    t.skip("python3 with torch is not available");
    return;
  }
  const p = fresh("from-python.safetensors");
  python(PY_WRITE, p);
  const { tensors, metadata } = await loadSafetensors(p);
  assert.equal(metadata.from, "python");
  assert.match(metadata.torch, /^\d+\.\d+/);
  const check = (name: string, dtype: string, shape: number[], data: ArrayLike<unknown>) => {
    const x = tensors[name];
    assert.ok(x, `missing tensor ${name}`);
    assert.equal(x.dtype, dtype, name);
    assert.deepEqual(x.shape, shape, name);
    assert.deepEqual(values(x), Array.from(data), name);
  };
  check("f32", "float32", [2, 3], Float32Array.from([0.5, -1.25, 3, 0.1, 1e-30, 65504]));
  check("f32t", "float32", [3, 2], Float32Array.from([0, 3, 1, 4, 2, 5]));
  check("f64", "float64", [3], [Math.PI, -Math.E, 1e300]);
  check("i64", "int64", [4], [-(2n ** 62n), 2n ** 62n + 1n, 0n, -1n]);
  check("i32", "int32", [1, 2], [-(2 ** 31), 2 ** 31 - 1]);
  check("b", "bool", [3], [1, 0, 1]);
  check("u8", "uint8", [2, 3], [250, 251, 252, 253, 254, 255]);
  check("s", "float32", [], [7]);
  check("e", "float32", [0, 4], []);
  assert.equal(Object.keys(tensors).length, 9);
  disposeAll(tensors);
});

test("F16 and BF16 tensors load widened to float32, exactly: IEEE bit patterns by hand", async () => {
  // binary16: 1, −2.5, 65504 (largest), 2^-24 (smallest subnormal), 2^-14 (smallest normal), −0, +∞, NaN
  const f16 = [0x3c00, 0xc100, 0x7bff, 0x0001, 0x0400, 0x8000, 0x7c00, 0x7e00];
  // bfloat16: 1, −2.5, 3.140625, 2^-133 (smallest subnormal), −∞
  const bf16 = [0x3f80, 0xc020, 0x4049, 0x0001, 0xff80];
  const data = Buffer.alloc(2 * (f16.length + bf16.length));
  [...f16, ...bf16].forEach((h, i) => data.writeUInt16LE(h, 2 * i));
  const header = {
    h: { dtype: "F16", shape: [2, 4], data_offsets: [0, 16] },
    b: { dtype: "BF16", shape: [5], data_offsets: [16, 26] },
  };
  const p = writeRaw("half.safetensors", rawFile(header, data));
  const { entries } = await readSafetensorsHeader(p);
  assert.deepEqual(entries.map((e) => [e.name, e.dtype, e.stored]), [["h", "float32", "F16"], ["b", "float32", "BF16"]]);
  const { tensors } = await loadSafetensors(p);
  assert.equal(tensors.h.dtype, "float32");
  assert.deepEqual(tensors.h.shape, [2, 4]);
  const h = values(tensors.h) as number[];
  assert.deepEqual(h.slice(0, 7), [1, -2.5, 65504, 2 ** -24, 2 ** -14, -0, Infinity]);
  assert.ok(Object.is(h[5], -0), "−0 keeps its sign");
  assert.ok(Number.isNaN(h[7]));
  assert.deepEqual(values(tensors.b), [1, -2.5, 3.140625, 2 ** -133, -Infinity]);
  disposeAll(tensors);
  // the byte count is checked against 2 bytes per element
  const short = writeRaw("half-short.safetensors", rawFile({ h: { dtype: "F16", shape: [3], data_offsets: [0, 4] } }, 4));
  await rejectsWith(loadSafetensors(short), /tensor 'h': data_offsets \[0, 4\] hold 4 bytes but shape \[3\] of F16 needs 6/);
});

test("F16 and BF16 tensors written by python (torch) load as torch widens them to float32", async (t) => {
  if (!hasTorch()) {
    t.skip("python3 with torch is not available");
    return;
  }
  const p = fresh("half-from-python.safetensors");
  python(
    `
import json, struct, sys, torch
g = torch.Generator().manual_seed(0)
x = torch.randn(64, generator=g) * torch.logspace(-8, 4, 64)
T = {"h": x.to(torch.float16), "b": x.to(torch.bfloat16)}
T["h32"], T["b32"] = T["h"].float(), T["b"].float()
CODE = {torch.float16: "F16", torch.bfloat16: "BF16", torch.float32: "F32"}
header, blobs, off = {}, [], 0
for name, t in T.items():
    b = bytes(t.contiguous().view(torch.uint8).tolist()) if t.dtype == torch.float32 else bytes(t.contiguous().view(torch.int16).numpy().tobytes())
    header[name] = {"dtype": CODE[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
h = json.dumps(header).encode("utf-8")
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(h))); f.write(h); f.write(b"".join(blobs))
`,
    p,
  );
  const { tensors } = await loadSafetensors(p);
  assert.deepEqual(values(tensors.h), values(tensors.h32), "F16 widened as torch's .float()");
  assert.deepEqual(values(tensors.b), values(tensors.b32), "BF16 widened as torch's .float()");
  assert.ok((values(tensors.h) as number[]).some((v) => v !== 0 && Math.abs(v) < 6.2e-5), "the sample includes F16 subnormals");
  disposeAll(tensors);
});

/**
 * Engine ops against hand-computed values or independent plain-JS computations.
 * Every test runs inside tidy() so nothing it creates outlives it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Tensor,
  tensor,
  scalar,
  full,
  zeros,
  ones,
  arange,
  rand,
  randn,
  randint,
  multinomial,
  cat,
  stack,
  where,
  linear,
  layerNorm,
  embedding,
  dropout,
  crossEntropy,
  attention,
  tidy,
  manualSeed,
  getRngState,
  setRngState,
} from "../src/engine/index.js";
import { jsValues } from "./helpers/js-values.js";

// ---------------------------------------------------------------------------------------------
// helpers (plain JS, independent of the engine)

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6, msg = ""): void {
  assert.equal(actual.length, expected.length, `${msg}: length ${actual.length} vs expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `${msg}[${i}]: got ${a}, expected NaN`);
    else if (!Number.isFinite(e)) assert.equal(a, e, `${msg}[${i}]`);
    else assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${msg}[${i}]: got ${a}, expected ${e}`);
  }
}

/** erf by its Taylor series (accurate to ~1e-14 for |x| <= 3). */
function erf(x: number): number {
  let sum = 0;
  let term = x; // (-1)^n x^(2n+1) / n!
  for (let n = 0; n < 200; n++) {
    const c = term / (2 * n + 1);
    sum += c;
    if (Math.abs(c) < 1e-17) break;
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

const sigmoidJs = (x: number): number => 1 / (1 + Math.exp(-x));

function softmaxJs(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function logsumexpJs(row: number[]): number {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
}

/** Row-major [r, c] matrix product of a [n,k] and b [k,m]. */
function matmulJs(a: number[], b: number[], n: number, k: number, m: number): number[] {
  const out = new Array<number>(n * m).fill(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i * k + t]! * b[t * m + j]!;
      out[i * m + j] = s;
    }
  return out;
}

const f64 = (data: number[], shape?: number[]): Tensor => tensor(Float64Array.from(data), shape);
const i64 = (data: number[], shape?: number[]): Tensor => tensor(data, shape, { dtype: "int64" });
const bools = (t: Tensor): boolean[] => Array.from(t.data() as Uint8Array, (v) => v !== 0);
/** Elements of a non-int64 tensor in its own dtype, as plain numbers. */
const nums = (t: Tensor): number[] => Array.from(t.data() as ArrayLike<number>);

// ---------------------------------------------------------------------------------------------
// creation

test("tensor() from each typed array type keeps dtype, shape and values", () =>
  tidy(() => {
    const f32 = tensor(new Float32Array([1.5, -2.25, 3, 4, 5, 6]), [2, 3]);
    assert.equal(f32.dtype, "float32");
    assert.deepEqual(f32.shape, [2, 3]);
    assert.equal(f32.size, 6);
    assert.equal(f32.rank, 2);
    assert.deepEqual(nums(f32), [1.5, -2.25, 3, 4, 5, 6]);

    const d = tensor(new Float64Array([0.1, 1e-300, -7]));
    assert.equal(d.dtype, "float64");
    assert.deepEqual(d.shape, [3]);
    assert.deepEqual(nums(d), [0.1, 1e-300, -7]);

    const i32 = tensor(new Int32Array([-5, 0, 2147483647, 7]), [2, 2]);
    assert.equal(i32.dtype, "int32");
    assert.deepEqual(Array.from(i32.data() as Int32Array), [-5, 0, 2147483647, 7]);

    const big = tensor(new BigInt64Array([-(2n ** 40n), 3n, 9007199254740993n]));
    assert.equal(big.dtype, "int64");
    assert.deepEqual(Array.from(big.data() as BigInt64Array), [-(2n ** 40n), 3n, 9007199254740993n]);

    const u8 = tensor(new Uint8Array([0, 7, 255]));
    assert.equal(u8.dtype, "uint8");
    assert.deepEqual(nums(u8), [0, 7, 255]);

    const plain = tensor([1, 2, 3, 4], [4, 1]);
    assert.equal(plain.dtype, "float32");
    assert.deepEqual(plain.shape, [4, 1]);
    assert.deepEqual(plain.toArray(), [1, 2, 3, 4]);

    const b = tensor([true, false, true]);
    assert.equal(b.dtype, "bool");
    assert.deepEqual(bools(b), [true, false, true]);
  }));

test("tensor() copies its data and converts to a requested dtype", () =>
  tidy(() => {
    const src = new Float32Array([1, 2, 3]);
    const t = tensor(src);
    src[0] = 100;
    assert.deepEqual(t.toArray(), [1, 2, 3]);

    const l = tensor([1.7, -2.7, 3], [3], { dtype: "int64" });
    assert.equal(l.dtype, "int64");
    assert.deepEqual(Array.from(l.data() as BigInt64Array), [1n, -2n, 3n]);

    const i = tensor(new Float64Array([4, 5]), undefined, { dtype: "int32" });
    assert.equal(i.dtype, "int32");
    assert.deepEqual(nums(i), [4, 5]);

    const s = scalar(4.5);
    assert.deepEqual(s.shape, []);
    assert.equal(s.size, 1);
    assert.equal(s.item(), 4.5);
  }));

test("tensor(numbers, shape, { dtype: 'uint8' }) keeps byte values", () =>
  tidy(() => {
    const t = tensor([5, 200, 0], [3], { dtype: "uint8" });
    assert.equal(t.dtype, "uint8");
    assert.deepEqual(nums(t), [5, 200, 0]);
  }));

test("full/zeros/ones/arange", () =>
  tidy(() => {
    const f = full([2, 2], 3.5);
    assert.equal(f.dtype, "float32");
    assert.deepEqual(f.shape, [2, 2]);
    assert.deepEqual(f.toArray(), [3.5, 3.5, 3.5, 3.5]);

    const fb = full([3], true, { dtype: "bool" });
    assert.equal(fb.dtype, "bool");
    assert.deepEqual(bools(fb), [true, true, true]);

    const z = zeros([2, 3], { dtype: "float64" });
    assert.equal(z.dtype, "float64");
    assert.deepEqual(z.shape, [2, 3]);
    assert.deepEqual(z.toArray(), [0, 0, 0, 0, 0, 0]);

    const o = ones([4], { dtype: "int32" });
    assert.equal(o.dtype, "int32");
    assert.deepEqual(nums(o), [1, 1, 1, 1]);

    const empty = zeros([0, 3]);
    assert.equal(empty.size, 0);
    assert.deepEqual(empty.shape, [0, 3]);

    const a = arange(0, 5);
    assert.equal(a.dtype, "int64");
    assert.deepEqual(Array.from(a.data() as BigInt64Array), [0n, 1n, 2n, 3n, 4n]);
    const af = arange(1, 2, 0.25, { dtype: "float32" });
    assert.equal(af.dtype, "float32");
    assert.deepEqual(af.toArray(), [1, 1.25, 1.5, 1.75]);
    assert.deepEqual(arange(5, 0, -2).toArray(), [5, 3, 1]);
  }));

test("data() of a transposed (non-contiguous) tensor is in logical row-major order", () =>
  tidy(() => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]).transpose(0, 1);
    assert.deepEqual(x.shape, [3, 2]);
    assert.deepEqual(nums(x), [1, 4, 2, 5, 3, 6]);
    assert.deepEqual(Array.from(x.toInt32Array()), [1, 4, 2, 5, 3, 6]);
  }));

// ---------------------------------------------------------------------------------------------
// elementwise arithmetic

test("add/sub/mul/div/pow broadcast [2,1] with [1,3]", () =>
  tidy(() => {
    const av = [1.5, -2];
    const bv = [2, 0.5, 3];
    const a = f64(av, [2, 1]);
    const b = f64(bv, [1, 3]);
    const outer = (op: (x: number, y: number) => number): number[] => av.flatMap((x) => bv.map((y) => op(x, y)));
    const cases: [Tensor, (x: number, y: number) => number, string][] = [
      [a.add(b), (x, y) => x + y, "add"],
      [a.sub(b), (x, y) => x - y, "sub"],
      [a.mul(b), (x, y) => x * y, "mul"],
      [a.div(b), (x, y) => x / y, "div"],
      [a.abs().pow(b), (x, y) => Math.abs(x) ** y, "pow"],
    ];
    for (const [t, op, name] of cases) {
      assert.deepEqual(t.shape, [2, 3], name);
      assertClose(t.toArray(), outer(op), 1e-12, name);
    }
    // [2,3] with [3]
    const m = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    const r = f64([10, 20, 30]);
    assert.deepEqual(m.add(r).toArray(), [11, 22, 33, 14, 25, 36]);
    assert.deepEqual(m.mul(r).toArray(), [10, 40, 90, 40, 100, 180]);
  }));

test("scalar operands", () =>
  tidy(() => {
    const xs = [1, -2, 4, 0.5];
    const x = f64(xs);
    assertClose(x.add(2.5).toArray(), xs.map((v) => v + 2.5), 1e-12, "add");
    assertClose(x.sub(1).toArray(), xs.map((v) => v - 1), 1e-12, "sub");
    assertClose(x.mul(-2).toArray(), xs.map((v) => v * -2), 1e-12, "mul");
    assertClose(x.div(4).toArray(), xs.map((v) => v / 4), 1e-12, "div");
    assertClose(x.pow(2).toArray(), xs.map((v) => v * v), 1e-12, "pow 2");
    assertClose(x.abs().pow(0.5).toArray(), xs.map((v) => Math.sqrt(Math.abs(v))), 1e-12, "pow 0.5");
    assertClose(x.pow(3).toArray(), xs.map((v) => v ** 3), 1e-12, "pow 3");
    assert.equal(x.add(1).dtype, "float64");
    assertClose(x.maximum(0.7).toArray(), xs.map((v) => Math.max(v, 0.7)), 0, "maximum scalar");
    assertClose(x.minimum(0.7).toArray(), xs.map((v) => Math.min(v, 0.7)), 0, "minimum scalar");
    assertClose(x.clamp(-1, 2).toArray(), [1, -1, 2, 0.5], 0, "clamp");
    assertClose(x.clamp(null, 0.9).toArray(), [0.9, -2, 0.9, 0.5], 0, "clamp max only");
    assertClose(x.clamp(0, null).toArray(), [1, 0, 4, 0.5], 0, "clamp min only");
    assertClose(x.neg().toArray(), xs.map((v) => -v), 0, "neg");
    assertClose(x.square().toArray(), xs.map((v) => v * v), 0, "square");
    assertClose(x.abs().toArray(), xs.map(Math.abs), 0, "abs");
    assertClose(f64([-1.5, 0.2, 2.7]).floor().toArray(), [-2, 0, 2], 0, "floor");
    assertClose(f64([-1.5, 0, 2.7]).sign().toArray(), [-1, 0, 1], 0, "sign");
  }));

test("integer tensors: tensor-tensor ops keep int64, true division gives float", () =>
  tidy(() => {
    const a = i64([7, -3, 4]);
    const b = i64([2, 2, 2]);
    assert.equal(a.add(b).dtype, "int64");
    assert.deepEqual(Array.from(a.add(b).data() as BigInt64Array), [9n, -1n, 6n]);
    assert.equal(a.mul(b).dtype, "int64");
    const q = a.div(b);
    assert.ok(q.dtype === "float32" || q.dtype === "float64");
    assert.deepEqual(q.toArray(), [3.5, -1.5, 2]);
  }));

test(
  "integer tensor plus an integer JS number keeps the integer dtype",
  () =>
    tidy(() => {
      const a = i64([16777217, 2]);
      const r = a.add(1);
      assert.equal(r.dtype, "int64");
      assert.deepEqual(Array.from(r.data() as BigInt64Array), [16777218n, 3n]);
    }),
);

test("unary math: exp/log/log1p/expm1/sqrt/rsqrt/tanh/sigmoid/silu/sin/cos", () =>
  tidy(() => {
    const pos = [0.1, 0.5, 1, 2, 4];
    const p = f64(pos);
    assertClose(p.exp().toArray(), pos.map(Math.exp), 1e-12, "exp");
    assertClose(p.log().toArray(), pos.map(Math.log), 1e-12, "log");
    assertClose(p.log1p().toArray(), pos.map(Math.log1p), 1e-12, "log1p");
    assertClose(p.expm1().toArray(), pos.map(Math.expm1), 1e-12, "expm1");
    assertClose(p.sqrt().toArray(), pos.map(Math.sqrt), 1e-12, "sqrt");
    assertClose(p.rsqrt().toArray(), pos.map((v) => 1 / Math.sqrt(v)), 1e-12, "rsqrt");
    const xs = [-3, -1.2, -0.3, 0, 0.4, 1.5, 2.9];
    const x = f64(xs);
    assertClose(x.tanh().toArray(), xs.map(Math.tanh), 1e-12, "tanh");
    assertClose(x.sigmoid().toArray(), xs.map(sigmoidJs), 1e-12, "sigmoid");
    assertClose(x.silu().toArray(), xs.map((v) => v * sigmoidJs(v)), 1e-12, "silu");
    assertClose(x.sin().toArray(), xs.map(Math.sin), 1e-12, "sin");
    assertClose(x.cos().toArray(), xs.map(Math.cos), 1e-12, "cos");
    assertClose(x.relu().toArray(), xs.map((v) => Math.max(v, 0)), 0, "relu");
    // tiny arguments: log1p/expm1 must not lose precision
    assertClose(f64([1e-10]).log1p().toArray(), [1e-10 - 5e-21], 1e-9, "log1p tiny");
    assertClose(f64([1e-10]).expm1().toArray(), [1e-10 + 5e-21], 1e-9, "expm1 tiny");
    // float32 too
    assertClose(tensor(pos).exp().toArray(), pos.map(Math.exp), 1e-6, "exp float32");
  }));

test("gelu exact (x·Φ(x) with erf) and tanh approximation", () =>
  tidy(() => {
    const xs = [-3, -1.5, -0.5, 0, 0.3, 1, 2.2, 3];
    const x = f64(xs);
    const exact = xs.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
    const approx = xs.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
    assertClose(x.gelu().toArray(), exact, 1e-10, "gelu exact");
    assertClose(x.gelu("none").toArray(), exact, 1e-10, "gelu none");
    assertClose(x.gelu("tanh").toArray(), approx, 1e-10, "gelu tanh");
    // the two differ measurably somewhere, so each check above can tell them apart
    assert.ok(Math.max(...exact.map((e, i) => Math.abs(e - approx[i]!))) > 1e-4);
  }));

// ---------------------------------------------------------------------------------------------
// softmax family and reductions

test("softmax/logSoftmax/logsumexp over both dims", () =>
  tidy(() => {
    const v = [1, 2, 3, -1, 0.5, 4];
    const x = f64(v, [2, 3]);
    const rows = [v.slice(0, 3), v.slice(3)];
    const cols = [0, 1, 2].map((j) => [v[j]!, v[3 + j]!]);
    assertClose(x.softmax(-1).toArray(), rows.flatMap(softmaxJs), 1e-12, "softmax -1");
    assertClose(x.softmax(1).toArray(), rows.flatMap(softmaxJs), 1e-12, "softmax 1");
    const sm0 = cols.map(softmaxJs);
    assertClose(x.softmax(0).toArray(), [0, 1].flatMap((i) => [0, 1, 2].map((j) => sm0[j]![i]!)), 1e-12, "softmax 0");
    assertClose(
      x.logSoftmax(1).toArray(),
      rows.flatMap((r) => r.map((e) => e - logsumexpJs(r))),
      1e-12,
      "logSoftmax",
    );
    const lse = x.logsumexp(1);
    assert.deepEqual(lse.shape, [2]);
    assertClose(lse.toArray(), rows.map(logsumexpJs), 1e-12, "logsumexp");
    const lsek = x.logsumexp(1, true);
    assert.deepEqual(lsek.shape, [2, 1]);
    const lse0 = x.logsumexp([0]);
    assertClose(lse0.toArray(), cols.map(logsumexpJs), 1e-12, "logsumexp 0");
    const all = x.logsumexp([0, 1]);
    assert.deepEqual(all.shape, []);
    assertClose([all.item()], [logsumexpJs(v)], 1e-12, "logsumexp all");
    // stability: huge logits
    const big = f64([1000, 1000]);
    assertClose(big.softmax(0).toArray(), [0.5, 0.5], 1e-12, "softmax stable");
    assertClose(big.logsumexp(0).toArray(), [1000 + Math.log(2)], 1e-12, "lse stable");
  }));

test("sum/mean/max/min/argmax/cumsum with dims and keepdim", () =>
  tidy(() => {
    const x = f64([1, 5, 3, 4, 2, 6], [2, 3]);
    assert.deepEqual(x.sum(0).toArray(), [5, 7, 9]);
    assert.deepEqual(x.sum(0).shape, [3]);
    const s1 = x.sum(1, true);
    assert.deepEqual(s1.shape, [2, 1]);
    assert.deepEqual(s1.toArray(), [9, 12]);
    assert.deepEqual(x.sum().shape, []);
    assert.equal(x.sum().item(), 21);
    assert.equal(x.sum([0, 1]).item(), 21);
    assert.deepEqual(x.mean(1).toArray(), [3, 4]);
    assert.deepEqual(x.mean(0, true).shape, [1, 3]);
    assert.deepEqual(x.mean(0, true).toArray(), [2.5, 3.5, 4.5]);
    assert.equal(x.mean().item(), 3.5);
    assert.deepEqual(x.max(1).toArray(), [5, 6]);
    assert.deepEqual(x.max(0, true).shape, [1, 3]);
    assert.deepEqual(x.max(0, true).toArray(), [4, 5, 6]);
    assert.equal(x.max().item(), 6);
    assert.deepEqual(x.min(0).toArray(), [1, 2, 3]);
    assert.deepEqual(x.min(1, true).shape, [2, 1]);
    assert.deepEqual(x.min(1, true).toArray(), [1, 2]);
    assert.equal(x.min().item(), 1);
    const am = x.argmax(1);
    assert.equal(am.dtype, "int64");
    assert.deepEqual(Array.from(am.data() as BigInt64Array), [1n, 2n]);
    const am0 = x.argmax(0, true);
    assert.deepEqual(am0.shape, [1, 3]);
    assert.deepEqual(am0.toArray(), [1, 0, 1]);
    assert.deepEqual(x.cumsum(1).toArray(), [1, 6, 9, 4, 6, 12]);
    assert.deepEqual(x.cumsum(0).toArray(), [1, 5, 3, 5, 7, 9]);
    assert.deepEqual(x.cumsum(-1).shape, [2, 3]);
    // 3-D reduction over two dims
    const y = f64(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    const expected = [0, 1, 2, 3].map((k) => {
      let s = 0;
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) s += i * 12 + j * 4 + k;
      return s;
    });
    assert.deepEqual(y.sum([0, 1]).toArray(), expected);
    assert.deepEqual(y.sum([0, 1], true).shape, [1, 1, 4]);
  }));

test("sort (values and indices, ascending/descending) and topk", () =>
  tidy(() => {
    const x = f64([3, 1, 2, 5]);
    const [v, i] = x.sort();
    assert.deepEqual(v.toArray(), [1, 2, 3, 5]);
    assert.equal(i.dtype, "int64");
    assert.deepEqual(i.toArray(), [1, 2, 0, 3]);
    const [vd, id] = x.sort(-1, true);
    assert.deepEqual(vd.toArray(), [5, 3, 2, 1]);
    assert.deepEqual(id.toArray(), [3, 0, 2, 1]);
    const m = f64([4, 1, 2, 3, 0, 9], [3, 2]);
    const [v0, i0] = m.sort(0, true);
    assert.deepEqual(v0.toArray(), [4, 9, 2, 3, 0, 1]);
    assert.deepEqual(i0.toArray(), [0, 2, 1, 1, 2, 0]);
    const [tv, ti] = x.topk(2);
    assert.deepEqual(tv.toArray(), [5, 3]);
    assert.deepEqual(ti.toArray(), [3, 0]);
    const [sv, si] = x.topk(2, -1, false);
    assert.deepEqual(sv.toArray(), [1, 2]);
    assert.deepEqual(si.toArray(), [1, 2]);
    const [rv, ri] = m.topk(1, 1);
    assert.deepEqual(rv.shape, [3, 1]);
    assert.deepEqual(rv.toArray(), [4, 3, 9]);
    assert.deepEqual(ri.toArray(), [0, 1, 1]);
  }));

// ---------------------------------------------------------------------------------------------
// indexing

test("gather / scatter / scatterAdd / indexSelect / embedding", () =>
  tidy(() => {
    const x = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    const g = x.gather(1, i64([2, 0, 1, 1], [2, 2]));
    assert.deepEqual(g.shape, [2, 2]);
    assert.deepEqual(g.toArray(), [3, 1, 5, 5]);
    assert.deepEqual(x.gather(0, i64([1, 0, 1], [1, 3])).toArray(), [4, 2, 6]);

    const base = zeros([2, 3], { dtype: "float64" });
    const sc = base.scatter(1, i64([0, 2, 1, 0], [2, 2]), f64([1, 2, 3, 4], [2, 2]));
    assert.deepEqual(sc.toArray(), [1, 0, 2, 4, 3, 0]);
    assert.deepEqual(base.toArray(), [0, 0, 0, 0, 0, 0], "scatter is out of place");
    assert.deepEqual(base.scatter(1, i64([2, 1], [2, 1]), 7).toArray(), [0, 0, 7, 0, 7, 0]);

    const sa = zeros([3], { dtype: "float64" }).scatterAdd(0, i64([0, 1, 0, 2, 0]), f64([1, 2, 3, 4, 5]));
    assert.deepEqual(sa.toArray(), [9, 2, 4]);
    const sa2 = ones([2, 2], { dtype: "float64" }).scatterAdd(1, i64([1, 1, 0, 1], [2, 2]), f64([1, 2, 3, 4], [2, 2]));
    assert.deepEqual(sa2.toArray(), [1, 4, 4, 5]);

    const m = f64([1, 2, 3, 4, 5, 6], [3, 2]);
    const is0 = m.indexSelect(0, i64([2, 0, 2]));
    assert.deepEqual(is0.shape, [3, 2]);
    assert.deepEqual(is0.toArray(), [5, 6, 1, 2, 5, 6]);
    assert.deepEqual(m.indexSelect(1, i64([1])).toArray(), [2, 4, 6]);

    const w = f64([0, 1, 10, 11, 20, 21, 30, 31], [4, 2]);
    const e = embedding(w, i64([3, 0, 1, 1], [2, 2]));
    assert.deepEqual(e.shape, [2, 2, 2]);
    assert.deepEqual(e.toArray(), [30, 31, 0, 1, 10, 11, 10, 11]);
    assert.deepEqual(embedding(w, i64([2])).shape, [1, 2]);
  }));

test("layerNorm with and without affine vs JS", () =>
  tidy(() => {
    const v = [1, 2, 4, 7, -1, 0, 3, 0.5];
    const x = f64(v, [2, 4]);
    const eps = 1e-5;
    const norm = (row: number[]): number[] => {
      const mu = row.reduce((a, b) => a + b, 0) / row.length;
      const varr = row.reduce((a, b) => a + (b - mu) ** 2, 0) / row.length;
      return row.map((r) => (r - mu) / Math.sqrt(varr + eps));
    };
    const plain = [v.slice(0, 4), v.slice(4)].flatMap(norm);
    assertClose(layerNorm(x, [4]).toArray(), plain, 1e-10, "plain");
    const wv = [1, 2, 0.5, -1];
    const bv = [0, 0.1, -0.2, 3];
    const aff = plain.map((p, i) => p * wv[i % 4]! + bv[i % 4]!);
    assertClose(layerNorm(x, [4], f64(wv), f64(bv)).toArray(), aff, 1e-10, "affine");
    // weight only
    assertClose(layerNorm(x, [4], f64(wv)).toArray(), plain.map((p, i) => p * wv[i % 4]!), 1e-10, "weight only");
    // over the trailing two dims
    assertClose(layerNorm(x, [2, 4]).toArray(), norm(v), 1e-10, "two dims");
    // custom eps matters for a constant row
    assertClose(layerNorm(f64([2, 2, 2, 2], [1, 4]), [4], null, null, 1).toArray(), [0, 0, 0, 0], 1e-12, "const row");
  }));

test("where / maskedFill / comparisons / logical ops", () =>
  tidy(() => {
    const c = tensor([true, false, true, false]);
    const a = f64([1, 2, 3, 4]);
    const b = f64([-1, -2, -3, -4]);
    assert.deepEqual(where(c, a, b).toArray(), [1, -2, 3, -4]);
    assert.deepEqual(where(c, a, 0).toArray(), [1, 0, 3, 0]);
    assert.deepEqual(where(c, 9, b).toArray(), [9, -2, 9, -4]);
    assert.deepEqual(where(c, 1, 0).toArray(), [1, 0, 1, 0]);
    // broadcasting: cond [2,1] with a [1,3]
    const c2 = tensor([true, false], [2, 1]);
    const w = where(c2, f64([1, 2, 3], [1, 3]), f64([7], [1]));
    assert.deepEqual(w.shape, [2, 3]);
    assert.deepEqual(w.toArray(), [1, 2, 3, 7, 7, 7]);

    const mf = a.maskedFill(c, -100);
    assert.deepEqual(mf.toArray(), [-100, 2, -100, 4]);
    assert.deepEqual(a.toArray(), [1, 2, 3, 4], "maskedFill is out of place");
    assert.deepEqual(f64([1, 2, 3, 4, 5, 6], [2, 3]).maskedFill(tensor([false, true, false]), 0).toArray(), [1, 0, 3, 4, 0, 6]);
    assert.deepEqual(a.maskedFill(c, -Infinity).toArray(), [-Infinity, 2, -Infinity, 4]);

    const p = f64([1, 2, 3]);
    const q = f64([3, 2, 1]);
    const cmp: [Tensor, boolean[], string][] = [
      [p.eq(q), [false, true, false], "eq"],
      [p.ne(q), [true, false, true], "ne"],
      [p.lt(q), [true, false, false], "lt"],
      [p.le(q), [true, true, false], "le"],
      [p.gt(q), [false, false, true], "gt"],
      [p.ge(q), [false, true, true], "ge"],
      [p.eq(2), [false, true, false], "eq scalar"],
      [p.gt(1.5), [false, true, true], "gt scalar"],
      [p.le(1), [true, false, false], "le scalar"],
    ];
    for (const [t, e, name] of cmp) {
      assert.equal(t.dtype, "bool", name);
      assert.deepEqual(bools(t), e, name);
    }
    const u = tensor([true, true, false, false]);
    const v = tensor([true, false, true, false]);
    assert.deepEqual(bools(u.logicalAnd(v)), [true, false, false, false]);
    assert.deepEqual(bools(u.logicalOr(v)), [true, true, true, false]);
    assert.deepEqual(bools(u.logicalNot()), [false, false, true, true]);
    assert.equal(u.logicalAnd(v).dtype, "bool");
    assert.deepEqual(bools(u.logicalAnd(true)), [true, true, false, false]);
    assert.deepEqual(bools(u.logicalAnd(false)), [false, false, false, false]);
    assert.deepEqual(bools(u.logicalOr(true)), [true, true, true, true]);
  }));

// ---------------------------------------------------------------------------------------------
// shapes

test("reshape/permute/transpose/expand/unsqueeze/squeeze", () =>
  tidy(() => {
    const vals = Array.from({ length: 24 }, (_, i) => i);
    const x = f64(vals, [2, 3, 4]);
    assert.deepEqual(x.reshape(6, 4).shape, [6, 4]);
    assert.deepEqual(x.reshape(-1).shape, [24]);
    assert.deepEqual(x.reshape(4, -1).shape, [4, 6]);
    assert.deepEqual(x.reshape(-1).toArray(), vals);
    const p = x.permute(2, 0, 1);
    assert.deepEqual(p.shape, [4, 2, 3]);
    const expP: number[] = [];
    for (let k = 0; k < 4; k++) for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) expP.push(i * 12 + j * 4 + k);
    assert.deepEqual(p.toArray(), expP);
    const t = x.transpose(0, 2);
    assert.deepEqual(t.shape, [4, 3, 2]);
    const expT: number[] = [];
    for (let k = 0; k < 4; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) expT.push(i * 12 + j * 4 + k);
    assert.deepEqual(t.toArray(), expT);
    assert.deepEqual(x.transpose(-2, -1).shape, [2, 4, 3]);
    // reshape of a non-contiguous view
    assert.deepEqual(t.reshape(-1).toArray(), expT);

    const r = f64([1, 2], [1, 2]);
    const e = r.expand(3, -1);
    assert.deepEqual(e.shape, [3, 2]);
    assert.deepEqual(e.toArray(), [1, 2, 1, 2, 1, 2]);
    assert.deepEqual(f64([5]).expand(2, 2).toArray(), [5, 5, 5, 5]);
    assert.deepEqual(r.unsqueeze(0).shape, [1, 1, 2]);
    assert.deepEqual(r.unsqueeze(-1).shape, [1, 2, 1]);
    assert.deepEqual(r.unsqueeze(1).shape, [1, 1, 2]);
    assert.deepEqual(r.squeeze(0).shape, [2]);
    assert.deepEqual(r.squeeze(0).toArray(), [1, 2]);
    assert.deepEqual(f64([1, 2], [2, 1]).squeeze(-1).shape, [2]);
  }));

test("cat/stack/chunk/slice (step, negative start)", () =>
  tidy(() => {
    const a = f64([1, 2, 3, 4], [2, 2]);
    const b = f64([5, 6], [1, 2]);
    const c0 = cat([a, b]);
    assert.deepEqual(c0.shape, [3, 2]);
    assert.deepEqual(c0.toArray(), [1, 2, 3, 4, 5, 6]);
    const c1 = cat([a, f64([7, 8], [2, 1])], 1);
    assert.deepEqual(c1.shape, [2, 3]);
    assert.deepEqual(c1.toArray(), [1, 2, 7, 3, 4, 8]);
    assert.deepEqual(cat([a, a], -1).shape, [2, 4]);

    const s0 = stack([f64([1, 2]), f64([3, 4]), f64([5, 6])]);
    assert.deepEqual(s0.shape, [3, 2]);
    assert.deepEqual(s0.toArray(), [1, 2, 3, 4, 5, 6]);
    const s1 = stack([f64([1, 2]), f64([3, 4]), f64([5, 6])], 1);
    assert.deepEqual(s1.shape, [2, 3]);
    assert.deepEqual(s1.toArray(), [1, 3, 5, 2, 4, 6]);

    const r = arange(0, 7, 1, { dtype: "float64" });
    const ch = r.chunk(3);
    assert.equal(ch.length, 3);
    assert.deepEqual(ch.map((t) => t.toArray()), [[0, 1, 2], [3, 4, 5], [6]]);
    const m = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    const cc = m.chunk(3, 1);
    assert.deepEqual(cc.map((t) => t.shape), [[2, 1], [2, 1], [2, 1]]);
    assert.deepEqual(cc[1]!.toArray(), [2, 5]);

    const e = arange(0, 8, 1, { dtype: "float64" });
    assert.deepEqual(e.slice(0, 1, 6, 2).toArray(), [1, 3, 5]);
    assert.deepEqual(e.slice(0, -3).toArray(), [5, 6, 7]);
    assert.deepEqual(e.slice(0, 2).toArray(), [2, 3, 4, 5, 6, 7]);
    assert.deepEqual(e.slice(0, 0, -2).toArray(), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(e.slice(0, -5, 8, 3).toArray(), [3, 6]);
    assert.deepEqual(m.slice(1, 1).toArray(), [2, 3, 5, 6]);
    assert.deepEqual(m.slice(1, 0, 3, 2).toArray(), [1, 3, 4, 6]);
    assert.deepEqual(m.slice(0, -1).shape, [1, 3]);
  }));

// ---------------------------------------------------------------------------------------------
// matrix products

test("matmul (2-D, matrix-vector, broadcast batch) and bmm", () =>
  tidy(() => {
    const av = jsValues(6, 1);
    const bv = jsValues(6, 2);
    assertClose(f64(av, [2, 3]).matmul(f64(bv, [3, 2])).toArray(), matmulJs(av, bv, 2, 3, 2), 1e-12, "2-D");
    const mv = f64(av, [2, 3]).matmul(f64([1, 2, 3]));
    assert.deepEqual(mv.shape, [2]);
    assertClose(mv.toArray(), matmulJs(av, [1, 2, 3], 2, 3, 1), 1e-12, "mat-vec");

    const A = jsValues(12, 3); // [2,2,3]
    const B = jsValues(12, 4); // [2,3,2]
    const Bshared = jsValues(6, 5); // [3,2]
    const bm = f64(A, [2, 2, 3]).bmm(f64(B, [2, 3, 2]));
    assert.deepEqual(bm.shape, [2, 2, 2]);
    const expB = [0, 1].flatMap((k) => matmulJs(A.slice(k * 6, k * 6 + 6), B.slice(k * 6, k * 6 + 6), 2, 3, 2));
    assertClose(bm.toArray(), expB, 1e-12, "bmm");
    assertClose(f64(A, [2, 2, 3]).matmul(f64(B, [2, 3, 2])).toArray(), expB, 1e-12, "batched matmul");
    const bc = f64(A, [2, 2, 3]).matmul(f64(Bshared, [3, 2]));
    assert.deepEqual(bc.shape, [2, 2, 2]);
    const expBc = [0, 1].flatMap((k) => matmulJs(A.slice(k * 6, k * 6 + 6), Bshared, 2, 3, 2));
    assertClose(bc.toArray(), expBc, 1e-12, "broadcast matmul");
    // float32
    assertClose(tensor(av, [2, 3]).matmul(tensor(bv, [3, 2])).toArray(), matmulJs(av, bv, 2, 3, 2), 1e-6, "float32");
  }));

test("linear with and without bias", () =>
  tidy(() => {
    const xv = jsValues(6, 7); // [2,3]
    const wv = jsValues(12, 8); // [4,3]
    const bv = jsValues(4, 9);
    // x·Wᵀ
    const wt: number[] = [];
    for (let k = 0; k < 3; k++) for (let o = 0; o < 4; o++) wt.push(wv[o * 3 + k]!);
    const noBias = matmulJs(xv, wt, 2, 3, 4);
    const y = linear(f64(xv, [2, 3]), f64(wv, [4, 3]));
    assert.deepEqual(y.shape, [2, 4]);
    assertClose(y.toArray(), noBias, 1e-12, "no bias");
    assertClose(
      linear(f64(xv, [2, 3]), f64(wv, [4, 3]), f64(bv)).toArray(),
      noBias.map((v, i) => v + bv[i % 4]!),
      1e-12,
      "bias",
    );
    // batched input [1,2,3]
    assert.deepEqual(linear(f64(xv, [1, 2, 3]), f64(wv, [4, 3]), f64(bv)).shape, [1, 2, 4]);
  }));

// ---------------------------------------------------------------------------------------------
// losses and attention

test("crossEntropy mean/sum/none vs JS", () =>
  tidy(() => {
    const lv = jsValues(12, 11, -3, 3);
    const targets = [1, 0, 3];
    const per = targets.map((t, i) => {
      const row = lv.slice(i * 4, i * 4 + 4);
      return logsumexpJs(row) - row[t]!;
    });
    const logits = f64(lv, [3, 4]);
    const tgt = i64(targets);
    const none = crossEntropy(logits, tgt, "none");
    assert.deepEqual(none.shape, [3]);
    assertClose(none.toArray(), per, 1e-12, "none");
    const sum = crossEntropy(logits, tgt, "sum");
    assert.deepEqual(sum.shape, []);
    assertClose([sum.item()], [per[0]! + per[1]! + per[2]!], 1e-12, "sum");
    assertClose([crossEntropy(logits, tgt).item()], [(per[0]! + per[1]! + per[2]!) / 3], 1e-12, "mean default");
    assertClose([crossEntropy(logits, tgt, "mean").item()], [(per[0]! + per[1]! + per[2]!) / 3], 1e-12, "mean");
    assertClose([crossEntropy(tensor(lv, [3, 4]), tgt, "sum").item()], [per[0]! + per[1]! + per[2]!], 1e-5, "float32");
  }));

function attentionJs(q: number[], k: number[], v: number[], B: number, S: number, d: number, allowed?: (i: number, j: number) => boolean): number[] {
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < S; i++) {
      const scores: number[] = [];
      for (let j = 0; j < S; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += q[(b * S + i) * d + t]! * k[(b * S + j) * d + t]!;
        scores.push(allowed && !allowed(i, j) ? -Infinity : s / Math.sqrt(d));
      }
      const p = softmaxJs(scores);
      for (let t = 0; t < d; t++) {
        let o = 0;
        for (let j = 0; j < S; j++) o += p[j]! * v[(b * S + j) * d + t]!;
        out.push(o);
      }
    }
  }
  return out;
}

test("attention with and without a boolean mask vs JS", () =>
  tidy(() => {
    const B = 2, S = 3, d = 4;
    const qv = jsValues(B * S * d, 21), kv = jsValues(B * S * d, 22), vv = jsValues(B * S * d, 23);
    const q = f64(qv, [B, S, d]), k = f64(kv, [B, S, d]), v = f64(vv, [B, S, d]);
    const plain = attention(q, k, v);
    assert.deepEqual(plain.shape, [B, S, d]);
    assertClose(plain.toArray(), attentionJs(qv, kv, vv, B, S, d), 1e-12, "no mask");
    const causal = tensor([true, false, false, true, true, false, true, true, true], [S, S]);
    const masked = attention(q, k, v, causal);
    const expMasked = attentionJs(qv, kv, vv, B, S, d, (i, j) => j <= i);
    assertClose(masked.toArray(), expMasked, 1e-12, "causal mask");
    // first query may only see the first key: output equals v[:, 0]
    assertClose(masked.slice(1, 0, 1).toArray(), [0, 1].flatMap((b) => vv.slice(b * S * d, b * S * d + d)), 1e-12, "row 0");
    // additive float mask equivalent to the boolean one
    const additive = where(causal, 0, -Infinity).to("float64");
    assertClose(attention(q, k, v, additive).toArray(), expMasked, 1e-12, "additive mask");
  }));

test("dropout: training zeroes ~p and rescales survivors, eval is identity", () =>
  tidy(() => {
    manualSeed(1234);
    const n = 100_000;
    const p = 0.3;
    const x = ones([n]);
    const y = dropout(x, p, true);
    assert.deepEqual(y.shape, [n]);
    const d = y.toFloat32Array();
    let zerosCount = 0;
    for (const v of d) {
      if (v === 0) zerosCount++;
      else assert.ok(Math.abs(v - 1 / (1 - p)) < 1e-5, `survivor ${v} not scaled by 1/(1-p)`);
    }
    const frac = zerosCount / n;
    assert.ok(Math.abs(frac - p) < 0.01, `zero fraction ${frac}`);
    const ev = dropout(x, p, false);
    assert.deepEqual(ev.shape, [n]);
    assert.deepEqual(Array.from(ev.toFloat32Array().subarray(0, 10)), new Array(10).fill(1));
    assert.equal(ev.sum().item(), n);
    const small = f64([1, -2, 3]);
    assert.deepEqual(dropout(small, 0.5, false).toArray(), [1, -2, 3]);
    assert.deepEqual(dropout(small, 0, true).toArray(), [1, -2, 3]);
  }));

// ---------------------------------------------------------------------------------------------
// in place

test("in-place ops mutate and return this", () =>
  tidy(() => {
    const x = f64([1, 2, 3]);
    const r = x.addInPlace(f64([1, 1, 1]), 2);
    assert.equal(r, x);
    assert.deepEqual(x.toArray(), [3, 4, 5]);
    x.addInPlace(f64([10, 20, 30]));
    assert.deepEqual(x.toArray(), [13, 24, 35]);
    x.addInPlace(1);
    assert.deepEqual(x.toArray(), [14, 25, 36]);

    const m = f64([1, 2, 3]);
    assert.equal(m.mulInPlace(f64([2, 3, 4])), m);
    assert.deepEqual(m.toArray(), [2, 6, 12]);
    m.mulInPlace(0.5);
    assert.deepEqual(m.toArray(), [1, 3, 6]);

    const a = f64([1, 2, 3]), b = f64([4, 5, 6]);
    const c = f64([1, 1, 1]);
    assert.equal(c.addcmulInPlace(a, b, 0.5), c);
    assert.deepEqual(c.toArray(), [1 + 0.5 * 4, 1 + 0.5 * 10, 1 + 0.5 * 18]);
    c.addcmulInPlace(a, b);
    assert.deepEqual(c.toArray(), [3 + 4, 6 + 10, 10 + 18]);

    const dd = f64([0, 0, 0]);
    assert.equal(dd.addcdivInPlace(a, b, 2), dd);
    assertClose(dd.toArray(), [2 / 4, 4 / 5, 6 / 6], 1e-12, "addcdiv");

    const l = f64([0, 10, -4]);
    assert.equal(l.lerpInPlace(f64([4, 0, 4]), 0.25), l);
    assert.deepEqual(l.toArray(), [1, 7.5, -2]);

    const dst = zeros([2, 3]);
    assert.equal(dst.copyInPlace(f64([1.5, 2.5, 3.5])), dst);
    assert.equal(dst.dtype, "float32");
    assert.deepEqual(dst.toArray(), [1.5, 2.5, 3.5, 1.5, 2.5, 3.5]);

    const fl = f64([1, 2]);
    assert.equal(fl.fillInPlace(-7), fl);
    assert.deepEqual(fl.toArray(), [-7, -7]);
    const fb = tensor([true, false]);
    fb.fillInPlace(true);
    assert.deepEqual(bools(fb), [true, true]);

    // views share storage: in place on a slice writes through
    const base = f64([1, 2, 3, 4]);
    base.slice(0, 1, 3).fillInPlace(0);
    assert.deepEqual(base.toArray(), [1, 0, 0, 4]);
  }));

test("addInPlace(number, alpha) scales the number by alpha", () =>
  tidy(() => {
    const x = f64([1, 2, 3]);
    x.addInPlace(2, 3);
    assert.deepEqual(x.toArray(), [7, 8, 9]);
  }));

test("to() converts dtype", () =>
  tidy(() => {
    const x = tensor([1.7, -2.7, 0]);
    const l = x.to("int64");
    assert.equal(l.dtype, "int64");
    assert.deepEqual(Array.from(l.data() as BigInt64Array), [1n, -2n, 0n]);
    const i = x.to("int32");
    assert.equal(i.dtype, "int32");
    assert.deepEqual(nums(i), [1, -2, 0]);
    const d = x.to("float64");
    assert.equal(d.dtype, "float64");
    assertClose(d.toArray(), [1.7, -2.7, 0], 1e-6, "float64");
    const b = x.to("bool");
    assert.equal(b.dtype, "bool");
    assert.deepEqual(bools(b), [true, true, false]);
    const back = tensor([true, false]).to("float32");
    assert.equal(back.dtype, "float32");
    assert.deepEqual(back.toArray(), [1, 0]);
    const same = x.to(null, "cpu");
    assert.equal(same.device, "cpu");
    assert.equal(same.dtype, "float32");
    assert.equal(x.device, "cpu");
    const u = tensor(new Int32Array([3, 250])).to("uint8");
    assert.equal(u.dtype, "uint8");
    assert.deepEqual(nums(u), [3, 250]);
  }));

// ---------------------------------------------------------------------------------------------
// seeded randomness

test("manualSeed makes rand/randn/randint/multinomial reproducible; seeds differ", () =>
  tidy(() => {
    const probs = f64([0.1, 0.2, 0.3, 0.4]);
    const draw = (seed: number | bigint): number[][] =>
      tidy(() => {
        manualSeed(seed);
        return [
          rand([50]).toArray(),
          randn([50]).toArray(),
          randint(0, 1000, [50]).toArray(),
          multinomial(probs, 20, true).toArray(),
          multinomial(probs, 4, false).toArray(),
        ];
      });
    const a = draw(42);
    const b = draw(42);
    assert.deepEqual(a, b);
    const c = draw(43);
    for (let i = 0; i < 4; i++) assert.notDeepEqual(a[i], c[i], `draw ${i} identical across seeds`);
    // successive draws after one seed differ from each other
    manualSeed(5);
    const r1 = rand([10]).toArray();
    const r2 = rand([10]).toArray();
    assert.notDeepEqual(r1, r2);
  }));

test("manualSeed accepts a bigint seed equal to the number seed", () =>
  tidy(() => {
    manualSeed(42);
    const a = rand([10]).toArray();
    manualSeed(42n);
    assert.deepEqual(rand([10]).toArray(), a);
    manualSeed(2n ** 63n + 5n);
    assert.equal(rand([1]).size, 1);
  }));

test("getRngState/setRngState replay the same draws", () =>
  tidy(() => {
    manualSeed(99);
    rand([7]); // advance
    const state = getRngState();
    assert.ok(state instanceof Uint8Array && state.length > 0);
    const a = [rand([20]).toArray(), randn([20]).toArray(), randint(0, 50, [20]).toArray()];
    const afterA = rand([5]).toArray();
    setRngState(state);
    const b = [rand([20]).toArray(), randn([20]).toArray(), randint(0, 50, [20]).toArray()];
    assert.deepEqual(b, a);
    assert.deepEqual(rand([5]).toArray(), afterA);
    // the saved state is a copy: drawing more does not change it
    setRngState(state);
    assert.deepEqual(rand([20]).toArray(), a[0]);
  }));

test("distributions: rand in [0,1), randint in range, randn moments, multinomial frequencies", () =>
  tidy(() => {
    manualSeed(2024);
    const n = 100_000;
    const u = rand([n]);
    assert.equal(u.dtype, "float32");
    const ud = u.toFloat64Array();
    let mn = Infinity, mx = -Infinity, s = 0;
    for (const v of ud) {
      mn = Math.min(mn, v);
      mx = Math.max(mx, v);
      s += v;
    }
    assert.ok(mn >= 0 && mx < 1, `rand range [${mn}, ${mx}]`);
    assert.ok(Math.abs(s / n - 0.5) < 0.01, `rand mean ${s / n}`);
    assert.equal(rand([3], { dtype: "float64" }).dtype, "float64");

    const ri = randint(3, 7, [n]);
    assert.equal(ri.dtype, "int64");
    const counts = new Map<number, number>();
    for (const v of ri.toArray()) counts.set(v, (counts.get(v) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), [3, 4, 5, 6]);
    for (const [k, c] of counts) assert.ok(Math.abs(c / n - 0.25) < 0.01, `randint ${k}: ${c / n}`);
    assert.equal(randint(0, 5, [2], { dtype: "int32" }).dtype, "int32");

    const g = randn([n]).toFloat64Array();
    let sum = 0, sq = 0;
    for (const v of g) {
      sum += v;
      sq += v * v;
    }
    const mean = sum / n;
    const std = Math.sqrt(sq / n - mean * mean);
    assert.ok(Math.abs(mean) < 0.02, `randn mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 0.02, `randn std ${std}`);

    const probs = [0.1, 0.2, 0.7];
    const m = multinomial(tensor(probs), n, true);
    assert.equal(m.dtype, "int64");
    assert.deepEqual(m.shape, [n]);
    const mc = [0, 0, 0];
    for (const v of m.toArray()) mc[v]!++;
    probs.forEach((p, i) => assert.ok(Math.abs(mc[i]! / n - p) < 0.01, `multinomial ${i}: ${mc[i]! / n}`));
    // unnormalised rows, 2-D probs
    const m2 = multinomial(tensor([1, 0, 3, 0, 5, 0], [2, 3]), 4000, true);
    assert.deepEqual(m2.shape, [2, 4000]);
    const rows = m2.toArray();
    const r0 = rows.slice(0, 4000), r1 = rows.slice(4000);
    assert.ok(r0.every((v) => v === 0 || v === 2), "row 0 never draws a zero-probability class");
    assert.ok(Math.abs(r0.filter((v) => v === 2).length / 4000 - 0.75) < 0.03);
    assert.ok(r1.every((v) => v === 1));
    // without replacement: distinct
    const wo = multinomial(tensor([1, 1, 1, 1, 1]), 5, false).toArray();
    assert.deepEqual([...wo].sort(), [0, 1, 2, 3, 4]);
  }));

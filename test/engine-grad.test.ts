/**
 * Finite-difference gradient checks (float64, central differences) for every differentiable op,
 * and the autograd bookkeeping: requiresGrad, grad, zeroGrad, detach, noGrad.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Tensor,
  tensor,
  ones,
  cat,
  stack,
  where,
  linear,
  layerNorm,
  embedding,
  crossEntropy,
  attention,
  tidy,
  noGrad,
  isGradEnabled,
} from "../src/engine/index.js";
import { jsValues } from "./helpers/js-values.js";

// ---------------------------------------------------------------------------------------------
// helpers

/** Values whose magnitudes stay at least `gap` away from 0 (for abs/relu). */
function awayFromZero(n: number, seed: number, gap = 0.1): number[] {
  return jsValues(n, seed).map((v) => (v >= 0 ? gap + v : -gap + v));
}

/** A shuffled set of well-separated distinct values (for max/maximum). */
function distinct(n: number, seed: number): number[] {
  const vals = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.37 + 0.05);
  const r = jsValues(n, seed, 0, 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r[i]! * (i + 1));
    [vals[i], vals[j]] = [vals[j]!, vals[i]!];
  }
  return vals;
}

const f64 = (data: number[], shape?: number[]): Tensor => tensor(Float64Array.from(data), shape);
const i64 = (data: number[], shape?: number[]): Tensor => tensor(data, shape, { dtype: "int64" });
const rnd = (shape: number[], seed: number, lo = -1, hi = 1): Tensor =>
  f64(jsValues(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape);

/**
 * Compares the analytic gradient of sum(f(xs) · w) (w: fixed random weights) with central
 * differences (eps = 1e-6) for every element of every input; asserts the largest
 * |a − n| / max(1, |a|, |n|) is below tol.
 */
function gradCheck(f: (xs: Tensor[]) => Tensor, inputs: Tensor[], tol = 1e-5, eps = 1e-6): void {
  tidy(() => {
    const datas = inputs.map((t, i) => {
      assert.equal(t.dtype, "float64", `input ${i} must be float64`);
      return t.toFloat64Array();
    });
    const shapes = inputs.map((t) => t.shape);
    const build = (i: number, j: number, delta: number): Tensor[] =>
      datas.map((d, k) => {
        const c = Float64Array.from(d);
        if (k === i) c[j]! += delta;
        return tensor(c, shapes[k]);
      });
    const out0 = noGrad(() => f(build(-1, 0, 0)));
    assert.equal(out0.dtype, "float64", "f must give float64");
    const outShape = out0.shape;
    const w = f64(jsValues(out0.size, 987654321, -1, 1), outShape);
    const objective = (xs: Tensor[]): Tensor => f(xs).mul(w).sum();

    // analytic
    const leaves = build(-1, 0, 0);
    for (const l of leaves) l.requiresGrad = true;
    const loss = objective(leaves);
    assert.equal(loss.requiresGrad, true, "objective does not require grad");
    loss.backward();
    const analytic = leaves.map((l, i) => {
      const g = l.grad;
      assert.ok(g !== null, `input ${i} received no gradient`);
      assert.deepEqual(g.shape, shapes[i], `grad ${i} shape`);
      return g.toFloat64Array();
    });

    // numeric
    let worst = 0;
    let where_ = "";
    for (let i = 0; i < datas.length; i++) {
      for (let j = 0; j < datas[i]!.length; j++) {
        const at = (delta: number): number => tidy(() => noGrad(() => objective(build(i, j, delta)).item()));
        const num = (at(eps) - at(-eps)) / (2 * eps);
        const a = analytic[i]![j]!;
        const err = Math.abs(a - num) / Math.max(1, Math.abs(a), Math.abs(num));
        assert.ok(Number.isFinite(a) && Number.isFinite(num), `input ${i}[${j}]: analytic ${a}, numeric ${num}`);
        if (err > worst) {
          worst = err;
          where_ = `input ${i}[${j}]: analytic ${a}, numeric ${num}`;
        }
      }
    }
    assert.ok(worst < tol, `max relative error ${worst} at ${where_}`);
  });
}

/** Registers a gradient-check test. */
function check(name: string, f: (xs: Tensor[]) => Tensor, makeInputs: () => Tensor[]): void {
  test(`grad: ${name}`, () => tidy(() => gradCheck(f, makeInputs())));
}

// ---------------------------------------------------------------------------------------------
// self-test of the checker: a wrong gradient must be caught

test("gradCheck detects a wrong analytic gradient", () =>
  tidy(() => {
    // detach() hides part of the dependency from autograd, so the analytic gradient is wrong
    const bad = ([x]: Tensor[]): Tensor => x!.mul(x!.detach());
    assert.throws(() => gradCheck(bad, [rnd([4], 1)]), /max relative error/);
    // and the honest version passes
    gradCheck(([x]) => x!.mul(x!), [rnd([4], 1)]);
  }));

// ---------------------------------------------------------------------------------------------
// elementwise binary (with broadcasting)

check("add (broadcast [2,3] + [3])", ([a, b]) => a!.add(b!), () => [rnd([2, 3], 1), rnd([3], 2)]);
check("add scalar", ([a]) => a!.add(1.5), () => [rnd([2, 3], 3)]);
check("sub (broadcast [2,1] - [1,3])", ([a, b]) => a!.sub(b!), () => [rnd([2, 1], 4), rnd([1, 3], 5)]);
check("mul (broadcast)", ([a, b]) => a!.mul(b!), () => [rnd([2, 3], 6), rnd([2, 1], 7)]);
check("div", ([a, b]) => a!.div(b!), () => [rnd([2, 3], 8), rnd([2, 3], 9, 0.5, 2)]);
check("div by scalar", ([a]) => a!.div(-3), () => [rnd([4], 10)]);
check("pow tensor exponent (positive base)", ([a, b]) => a!.pow(b!), () => [rnd([2, 3], 11, 0.5, 2), rnd([2, 3], 12, -1.5, 2)]);
check("pow scalar exponent 2.5", ([a]) => a!.pow(2.5), () => [rnd([5], 13, 0.5, 2)]);
check("pow scalar exponent -1", ([a]) => a!.pow(-1), () => [rnd([5], 14, 0.5, 2)]);
check("maximum (distinct)", ([a, b]) => a!.maximum(b!), () => {
  const v = distinct(12, 15);
  return [f64(v.slice(0, 6), [2, 3]), f64(v.slice(6), [2, 3])];
});
check("minimum (distinct)", ([a, b]) => a!.minimum(b!), () => {
  const v = distinct(12, 16);
  return [f64(v.slice(0, 6), [2, 3]), f64(v.slice(6), [2, 3])];
});

// ---------------------------------------------------------------------------------------------
// elementwise unary

check("neg", ([x]) => x!.neg(), () => [rnd([2, 3], 20)]);
check("exp", ([x]) => x!.exp(), () => [rnd([2, 3], 21)]);
check("log", ([x]) => x!.log(), () => [rnd([2, 3], 22, 0.3, 3)]);
check("log1p", ([x]) => x!.log1p(), () => [rnd([2, 3], 23, -0.5, 3)]);
check("expm1", ([x]) => x!.expm1(), () => [rnd([2, 3], 24)]);
check("sqrt", ([x]) => x!.sqrt(), () => [rnd([2, 3], 25, 0.3, 3)]);
check("rsqrt", ([x]) => x!.rsqrt(), () => [rnd([2, 3], 26, 0.3, 3)]);
check("abs (away from 0)", ([x]) => x!.abs(), () => [f64(awayFromZero(6, 27))]);
check("square", ([x]) => x!.square(), () => [rnd([2, 3], 28)]);
check("tanh", ([x]) => x!.tanh(), () => [rnd([2, 3], 29, -2, 2)]);
check("sigmoid", ([x]) => x!.sigmoid(), () => [rnd([2, 3], 30, -3, 3)]);
check("relu (away from 0)", ([x]) => x!.relu(), () => [f64(awayFromZero(8, 31))]);
check("silu", ([x]) => x!.silu(), () => [rnd([2, 3], 32, -3, 3)]);
check("sin", ([x]) => x!.sin(), () => [rnd([2, 3], 33, -3, 3)]);
check("cos", ([x]) => x!.cos(), () => [rnd([2, 3], 34, -3, 3)]);
check("gelu exact", ([x]) => x!.gelu(), () => [rnd([2, 4], 35, -3, 3)]);
check("gelu tanh", ([x]) => x!.gelu("tanh"), () => [rnd([2, 4], 36, -3, 3)]);
check("clamp (away from edges)", ([x]) => x!.clamp(-0.5, 0.5), () => [f64([-0.9, -0.3, 0.1, 0.45, 0.8, -0.6])]);
check("clamp min only", ([x]) => x!.clamp(0, null), () => [f64([-0.9, -0.3, 0.1, 0.45, 0.8, -0.6])]);
check("clamp max only", ([x]) => x!.clamp(null, 0.2), () => [f64([-0.9, -0.3, 0.1, 0.45, 0.8, -0.6])]);

// ---------------------------------------------------------------------------------------------
// matrix products

check("matmul 2-D", ([a, b]) => a!.matmul(b!), () => [rnd([2, 3], 40), rnd([3, 4], 41)]);
check("matmul batched [2,2,3]x[2,3,4]", ([a, b]) => a!.matmul(b!), () => [rnd([2, 2, 3], 42), rnd([2, 3, 4], 43)]);
check("matmul broadcast [2,2,3]x[3,2]", ([a, b]) => a!.matmul(b!), () => [rnd([2, 2, 3], 44), rnd([3, 2], 45)]);
check("matmul matrix-vector", ([a, b]) => a!.matmul(b!), () => [rnd([2, 3], 46), rnd([3], 47)]);
check("bmm", ([a, b]) => a!.bmm(b!), () => [rnd([2, 2, 3], 48), rnd([2, 3, 2], 49)]);
check("linear with bias", ([x, w, b]) => linear(x!, w!, b!), () => [rnd([2, 3], 50), rnd([4, 3], 51), rnd([4], 52)]);
check("linear without bias, 3-D input", ([x, w]) => linear(x!, w!), () => [rnd([2, 2, 3], 53), rnd([4, 3], 54)]);

// ---------------------------------------------------------------------------------------------
// reductions and normalisers

check("sum all", ([x]) => x!.sum(), () => [rnd([2, 3], 60)]);
check("sum dim 1", ([x]) => x!.sum(1), () => [rnd([2, 3], 61)]);
check("sum dims [0,2] keepdim", ([x]) => x!.sum([0, 2], true), () => [rnd([2, 3, 2], 62)]);
check("mean all", ([x]) => x!.mean(), () => [rnd([2, 3], 63)]);
check("mean dim 0 keepdim", ([x]) => x!.mean(0, true), () => [rnd([2, 3], 64)]);
check("mean dims [1,2]", ([x]) => x!.mean([1, 2]), () => [rnd([2, 3, 2], 65)]);
check("max over dim 1", ([x]) => x!.max(1), () => [f64(distinct(12, 66), [3, 4])]);
check("max over dim 0 keepdim", ([x]) => x!.max(0, true), () => [f64(distinct(12, 67), [3, 4])]);
check("min over dim 1", ([x]) => x!.min(1), () => [f64(distinct(12, 68), [3, 4])]);
check("max of all", ([x]) => x!.max(), () => [f64(distinct(6, 69), [2, 3])]);
check("logsumexp dim 1", ([x]) => x!.logsumexp(1), () => [rnd([3, 4], 70, -2, 2)]);
check("logsumexp dims [0,1] keepdim", ([x]) => x!.logsumexp([0, 1], true), () => [rnd([3, 4], 71, -2, 2)]);
check("cumsum dim 1", ([x]) => x!.cumsum(1), () => [rnd([2, 4], 72)]);
check("cumsum dim 0", ([x]) => x!.cumsum(0), () => [rnd([3, 2], 73)]);
check("softmax dim -1", ([x]) => x!.softmax(-1), () => [rnd([2, 4], 74, -2, 2)]);
check("softmax dim 0", ([x]) => x!.softmax(0), () => [rnd([3, 2], 75, -2, 2)]);
check("logSoftmax dim -1", ([x]) => x!.logSoftmax(-1), () => [rnd([2, 4], 76, -2, 2)]);
check(
  "layerNorm (input, weight, bias)",
  ([x, w, b]) => layerNorm(x!, [4], w!, b!),
  () => [rnd([3, 4], 77, -2, 2), rnd([4], 78, 0.5, 1.5), rnd([4], 79)],
);
check("layerNorm without affine", ([x]) => layerNorm(x!, [4]), () => [rnd([2, 4], 80, -2, 2)]);
check(
  "layerNorm over two trailing dims",
  ([x, w, b]) => layerNorm(x!, [2, 3], w!, b!),
  () => [rnd([2, 2, 3], 81, -2, 2), rnd([2, 3], 82, 0.5, 1.5), rnd([2, 3], 83)],
);

// ---------------------------------------------------------------------------------------------
// indexing

check("gather dim 1 (repeated indices)", ([x]) => x!.gather(1, i64([2, 0, 2, 1, 1, 3], [2, 3])), () => [rnd([2, 4], 90)]);
check("gather dim 0", ([x]) => x!.gather(0, i64([1, 0, 2, 0], [1, 4])), () => [rnd([3, 4], 91)]);
check(
  "scatter (self and src tensor)",
  ([x, s]) => x!.scatter(1, i64([0, 3, 2, 1], [2, 2]), s!),
  () => [rnd([2, 4], 92), rnd([2, 2], 93)],
);
check(
  "scatterAdd (self and src, duplicate indices)",
  ([x, s]) => x!.scatterAdd(1, i64([0, 0, 2, 1, 1, 1], [2, 3]), s!),
  () => [rnd([2, 4], 94), rnd([2, 3], 95)],
);
check("indexSelect dim 0 (repeated)", ([x]) => x!.indexSelect(0, i64([2, 0, 2])), () => [rnd([3, 2], 96)]);
check("indexSelect dim 1", ([x]) => x!.indexSelect(1, i64([1, 1, 0])), () => [rnd([2, 3], 97)]);
check("embedding (weight)", ([w]) => embedding(w!, i64([0, 2, 2, 3, 0, 0], [2, 3])), () => [rnd([5, 3], 98)]);
check(
  "where (both branches)",
  ([a, b]) => where(tensor([true, false, false, true, true, false]).reshape(2, 3), a!, b!),
  () => [rnd([2, 3], 99), rnd([2, 3], 100)],
);
check("where (broadcast cond, scalar other)", ([a]) => where(tensor([true, false, true], [1, 3]), a!, 0.5), () => [rnd([2, 3], 101)]);
check("maskedFill", ([x]) => x!.maskedFill(tensor([false, true, false, false, true, true], [2, 3]), -2), () => [rnd([2, 3], 102)]);

// ---------------------------------------------------------------------------------------------
// shapes

check("reshape", ([x]) => x!.reshape(3, 2).mul(x!.reshape(3, 2)), () => [rnd([2, 3], 110)]);
check("permute", ([x, y]) => x!.permute(2, 0, 1).mul(y!), () => [rnd([2, 3, 2], 111), rnd([2, 2, 3], 112)]);
check("transpose", ([x, y]) => x!.transpose(0, 1).matmul(y!), () => [rnd([3, 2], 113), rnd([3, 2], 114)]);
check("cat dim 1", ([a, b]) => cat([a!, b!.square()], 1), () => [rnd([2, 2], 115), rnd([2, 3], 116)]);
check("cat dim 0", ([a, b]) => cat([a!.exp(), b!], 0), () => [rnd([1, 3], 117), rnd([2, 3], 118)]);
check("stack dim 1", ([a, b]) => stack([a!, b!.mul(b!)], 1), () => [rnd([2, 3], 119), rnd([2, 3], 120)]);
check(
  "chunk",
  ([x]) => {
    const [p, q, r] = x!.chunk(3, 1);
    return cat([r!.mul(2), p!.square(), q!], 1);
  },
  () => [rnd([2, 5], 121)],
);
check("slice with step and negative start", ([x]) => x!.slice(1, -5, 6, 2).square(), () => [rnd([2, 6], 122)]);
check("slice dim 0", ([x]) => x!.slice(0, 1, 3), () => [rnd([4, 2], 123)]);
check("expand", ([x, y]) => x!.expand(3, -1).mul(y!), () => [rnd([1, 4], 124), rnd([3, 4], 125)]);
check("unsqueeze", ([x, y]) => x!.unsqueeze(1).mul(y!), () => [rnd([2, 3], 126), rnd([2, 2, 3], 127)]);
check("squeeze", ([x, y]) => x!.squeeze(1).mul(y!), () => [rnd([3, 1], 128), rnd([3], 129)]);

// ---------------------------------------------------------------------------------------------
// losses and attention

for (const reduction of ["mean", "sum", "none"] as const) {
  check(`crossEntropy ${reduction} (logits)`, ([l]) => crossEntropy(l!, i64([1, 0, 3]), reduction), () => [rnd([3, 4], 130, -2, 2)]);
}
check(
  "attention (q, k, v) without mask",
  ([q, k, v]) => attention(q!, k!, v!),
  () => [rnd([2, 3, 4], 140), rnd([2, 3, 4], 141), rnd([2, 3, 4], 142)],
);
check(
  "attention (q, k, v) with a boolean mask",
  ([q, k, v]) => attention(q!, k!, v!, tensor([true, false, false, true, true, false, true, false, true], [3, 3])),
  () => [rnd([2, 3, 4], 143), rnd([2, 3, 4], 144), rnd([2, 3, 4], 145)],
);
check(
  "attention (q, k, v) with an additive float mask",
  ([q, k, v]) => attention(q!, k!, v!, f64([0, -1, -1e9, 0.5, 0, -2, 0, 0, 0], [3, 3])),
  () => [rnd([1, 3, 4], 146), rnd([1, 3, 4], 147), rnd([1, 3, 4], 148)],
);

// ---------------------------------------------------------------------------------------------
// autograd semantics

test("requiresGrad defaults to false, can be set, and propagates", () =>
  tidy(() => {
    const x = f64([1, 2, 3]);
    assert.equal(x.requiresGrad, false);
    assert.equal(x.grad, null);
    const y = x.mul(2);
    assert.equal(y.requiresGrad, false);
    x.requiresGrad = true;
    assert.equal(x.requiresGrad, true);
    assert.equal(x.mul(2).requiresGrad, true);
    assert.equal(x.mul(2).add(f64([1, 1, 1])).requiresGrad, true);
    assert.equal(x.grad, null, "no gradient before backward");
    x.requiresGrad = false;
    assert.equal(x.mul(2).requiresGrad, false);
  }));

test("backward fills grad with the analytic value (hand-computed)", () =>
  tidy(() => {
    const x = f64([1, 2, 3]);
    x.requiresGrad = true;
    // d/dx Σ x³ = 3x²
    x.pow(3).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [3, 12, 27]);
    assert.equal(x.grad!.dtype, "float64");
    // non-scalar output with an explicit gradient
    const y = f64([1, 2]);
    y.requiresGrad = true;
    y.mul(y).backward(f64([10, 100]));
    assert.deepEqual(y.grad!.toArray(), [20, 400]);
  }));

test("noGrad: results do not require grad, recording is restored afterwards (even on throw)", () =>
  tidy(() => {
    const x = f64([1, 2]);
    x.requiresGrad = true;
    assert.equal(isGradEnabled(), true);
    const y = noGrad(() => {
      assert.equal(isGradEnabled(), false);
      return x.mul(3).add(1);
    });
    assert.equal(y.requiresGrad, false);
    assert.deepEqual(y.toArray(), [4, 7]);
    assert.equal(isGradEnabled(), true);
    // nested
    noGrad(() => {
      noGrad(() => assert.equal(isGradEnabled(), false));
      assert.equal(isGradEnabled(), false);
    });
    assert.equal(isGradEnabled(), true);
    assert.throws(() => noGrad(() => {
      throw new Error("inside");
    }), /inside/);
    assert.equal(isGradEnabled(), true);
    assert.equal(x.mul(3).requiresGrad, true);
    // backward through a noGrad result fails: it has no graph
    assert.throws(() => y.sum().backward());
  }));

test("detach cuts the graph", () =>
  tidy(() => {
    const x = f64([1, 2, 3]);
    x.requiresGrad = true;
    const d = x.detach();
    assert.equal(d.requiresGrad, false);
    assert.deepEqual(d.toArray(), [1, 2, 3]);
    // y = x·detach(x) + x: gradient treats detach(x) as a constant → x + 1
    x.mul(d).add(x).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [2, 3, 4]);
  }));

test("gradients accumulate over two backward calls; zeroGrad resets to null", () =>
  tidy(() => {
    const x = f64([1, -2]);
    x.requiresGrad = true;
    x.mul(x).sum().backward(); // 2x
    assert.deepEqual(x.grad!.toArray(), [2, -4]);
    x.mul(3).sum().backward(); // + 3
    assert.deepEqual(x.grad!.toArray(), [5, -1]);
    x.zeroGrad();
    assert.equal(x.grad, null);
    x.mul(5).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [5, 5]);
  }));

test("grad of a leaf used twice sums both paths", () =>
  tidy(() => {
    const w = ones([2], { dtype: "float64" });
    w.requiresGrad = true;
    const h = w.mul(2);
    h.add(w).sum().backward(); // d/dw (2w + w) = 3
    assert.deepEqual(w.grad!.toArray(), [3, 3]);
    assert.equal(h.requiresGrad, true);
  }));

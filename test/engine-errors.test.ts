/**
 * Error paths: libtorch failures surface as JS Errors that name the op and the argument shapes,
 * and the process stays usable afterwards.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  tensor,
  zeros,
  ones,
  full,
  cat,
  embedding,
  crossEntropy,
  tidy,
  hasCuda,
  type DType,
} from "../src/engine/index.js";

/** A small computation whose result is known, to show the engine still works. */
function stillWorks(): void {
  tidy(() => {
    const y = tensor([1, 2, 3, 4], [2, 2]).matmul(tensor([1, 0, 0, 1], [2, 2])).add(1);
    assert.deepEqual(y.toArray(), [2, 3, 4, 5]);
    assert.equal(y.sum().item(), 14);
  });
}

/** Asserts fn throws an Error (a real Error instance) matching every pattern. */
function throwsWith(fn: () => unknown, ...patterns: RegExp[]): Error {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, `expected an Error, got ${String(caught)}`);
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}

test("matmul with incompatible shapes names the op and both shapes", () => {
  tidy(() => {
    const a = zeros([2, 3]);
    const b = zeros([4, 5]);
    const e = throwsWith(() => a.matmul(b), /matmul/, /\[2, 3\]/, /\[4, 5\]/);
    assert.ok(!/Exception raised from/.test(e.message), "C++ backtrace leaked into the message");
    // batched too
    throwsWith(() => zeros([2, 2, 3]).matmul(zeros([2, 4, 2])), /matmul/, /\[2, 2, 3\]/, /\[2, 4, 2\]/);
    throwsWith(() => zeros([2, 2, 3]).bmm(zeros([2, 2, 3])), /bmm/, /\[2, 2, 3\]/);
  });
  stillWorks();
});

test("add of non-broadcastable shapes throws naming the op and shapes", () => {
  tidy(() => {
    throwsWith(() => zeros([2, 3]).add(zeros([4])), /add/, /\[2, 3\]/, /\[4\]/);
    throwsWith(() => zeros([3]).mul(zeros([2])), /mul/);
    throwsWith(() => cat([zeros([2, 3]), zeros([2, 4])], 0), /cat/);
    throwsWith(() => zeros([6]).reshape(4, 2), /reshape/, /\[6\]/);
  });
  stillWorks();
});

test("gather with a float index is a dtype error", () => {
  tidy(() => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    throwsWith(() => x.gather(1, tensor([0, 1], [2, 1])), /gather/, /int64|Long/i);
    throwsWith(() => x.indexSelect(0, tensor([0])), /indexSelect/);
    // out-of-range indices are errors too, not crashes
    throwsWith(() => x.gather(1, tensor([5, 0], [2, 1], { dtype: "int64" })), /gather/, /out of bounds|out of range/i);
    throwsWith(() => embedding(zeros([3, 2]), tensor([3], [1], { dtype: "int64" })), /embedding/, /out of range/i);
    throwsWith(() => crossEntropy(zeros([2, 3]), tensor([0, 7], [2], { dtype: "int64" })), /crossEntropy/, /out of bounds/i);
  });
  stillWorks();
});

test("using a disposed tensor throws 'disposed'", () => {
  tidy(() => {
    const x = ones([3]);
    const y = ones([3]);
    x.dispose();
    assert.equal(x.isDisposed, true);
    assert.equal(y.isDisposed, false);
    assert.equal(x.toString(), "Tensor(<disposed>)");
    throwsWith(() => x.add(1), /disposed/);
    throwsWith(() => y.add(x), /disposed/);
    throwsWith(() => x.shape, /disposed/);
    throwsWith(() => x.data(), /disposed/);
    throwsWith(() => x.item(), /disposed/);
    throwsWith(() => cat([y, x]), /disposed/);
    x.dispose(); // a second dispose is harmless
    assert.deepEqual(y.toArray(), [1, 1, 1]);
  });
  stillWorks();
});

test("to(null, 'cuda') throws on a machine without CUDA", { skip: hasCuda() ? "CUDA is available here" : false }, () => {
  tidy(() => {
    throwsWith(() => ones([2, 3]).to(null, "cuda"), /to/, /cuda/i);
    throwsWith(() => zeros([2], { device: "cuda" }), /cuda/i);
  });
  stillWorks();
});

test("to(null, 'cuda') moves to the GPU when CUDA is available", { skip: hasCuda() ? false : "no CUDA here" }, () => {
  tidy(() => {
    const g = tensor([1, 2, 3]).to(null, "cuda");
    assert.match(g.device, /^cuda/);
    assert.deepEqual(g.mul(2).toArray(), [2, 4, 6]);
  });
  stillWorks();
});

test("tensor() with the wrong element count throws", () => {
  throwsWith(() => tensor([1, 2, 3, 4, 5], [2, 3]), /\[2, 3\]/, /6/, /5/);
  throwsWith(() => tensor(new Float64Array(4), [5]), /5/, /4/);
  stillWorks();
});

test("an unknown dtype string throws", () => {
  tidy(() => {
    throwsWith(() => zeros([2], { dtype: "float16" as DType }), /unknown dtype/, /float16/);
    throwsWith(() => full([2], 1, { dtype: "complex" as DType }), /unknown dtype/);
    throwsWith(() => tensor([1, 2], [2], { dtype: "int8" as DType }), /unknown dtype|int8/);
    throwsWith(() => ones([2]).to("bfloat16" as DType), /unknown dtype/);
  });
  stillWorks();
});

test("backward on a non-scalar without a gradient throws", () => {
  tidy(() => {
    const x = ones([3], { dtype: "float64" });
    x.requiresGrad = true;
    const y = x.mul(2);
    throwsWith(() => y.backward(), /backward/, /scalar/);
    // the graph is still usable with an explicit gradient
    y.backward(ones([3], { dtype: "float64" }));
    assert.deepEqual(x.grad!.toArray(), [2, 2, 2]);
    // backward on something that does not require grad
    throwsWith(() => ones([1]).sum().backward(), /backward/);
  });
  stillWorks();
});

test("after all the errors above, the engine still computes correctly", () => {
  stillWorks();
  tidy(() => {
    const x = tensor([3, 4]);
    assert.equal(x.square().sum().sqrt().item(), 5);
  });
});

/**
 * Tensor lifetimes: tidy() scopes, keep(), and a training loop whose live-tensor count stays flat.
 * Every tensor here is created inside tidy (or disposed explicitly), so garbage collection never
 * changes liveTensors() behind the tests' backs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Tensor,
  tensor,
  zeros,
  ones,
  full,
  randn,
  randint,
  linear,
  crossEntropy,
  tidy,
  keep,
  noGrad,
  manualSeed,
  liveTensors,
} from "../src/engine/index.js";

test("500-step MLP training loop inside tidy returns liveTensors() to its baseline", () => {
  manualSeed(7);
  // parameters: created once (intermediates disposed by tidy), then kept alive by this test
  const params = tidy(() => ({
    w1: randn([16, 8]).mul(0.3),
    b1: zeros([16]),
    w2: randn([4, 16]).mul(0.3),
    b2: zeros([4]),
  }));
  const list: Tensor[] = [params.w1, params.b1, params.w2, params.b2];
  for (const p of list) p.requiresGrad = true;
  const baseline = liveTensors();

  const losses: number[] = [];
  const liveDuring: number[] = [];
  tidy(() => {
    const x = randn([32, 8]);
    const y = randint(0, 4, [32]);
    const inLoop = liveTensors();
    assert.equal(inLoop, baseline + 2);
    for (let step = 0; step < 500; step++) {
      tidy(() => {
        const h = linear(x, params.w1, params.b1).relu();
        const logits = linear(h, params.w2, params.b2);
        const loss = crossEntropy(logits, y);
        loss.backward();
        noGrad(() => {
          for (const p of list) p.addInPlace(p.grad!, -0.1);
        });
        for (const p of list) p.zeroGrad();
        losses.push(loss.item());
      });
      liveDuring.push(liveTensors() - inLoop);
    }
  });

  assert.equal(liveTensors(), baseline, "live tensors after the loop");
  assert.ok(liveDuring.every((d) => d === 0), `live tensors grew during the loop: max +${Math.max(...liveDuring)}`);
  // the loop really trained: parameters were updated in place, loss went down
  assert.equal(losses.length, 500);
  assert.ok(losses.every(Number.isFinite));
  assert.ok(losses[499]! < 0.7 * losses[0]!, `loss ${losses[0]} -> ${losses[499]}`);
  for (const p of list) {
    assert.equal(p.isDisposed, false);
    assert.equal(p.requiresGrad, true);
    assert.equal(p.grad, null);
  }
  for (const p of list) p.dispose();
  assert.equal(liveTensors(), baseline - 4);
});

test("nested tidy moves a returned tensor to the outer scope and disposes the rest", () => {
  const before = liveTensors();
  let innerTemp: Tensor | null = null;
  let innerResult: Tensor | null = null;
  let outerTemp: Tensor | null = null;
  const out = tidy(() => {
    outerTemp = ones([2]);
    innerResult = tidy(() => {
      innerTemp = full([2], 3);
      return innerTemp.add(1);
    });
    assert.equal(innerTemp!.isDisposed, true, "inner temporary disposed at the end of the inner tidy");
    assert.equal(innerResult.isDisposed, false, "returned tensor survives the inner tidy");
    assert.deepEqual(innerResult.toArray(), [4, 4]);
    assert.equal(liveTensors(), before + 2);
    return innerResult.mul(outerTemp);
  });
  assert.equal(innerResult!.isDisposed, true, "the inner result belonged to the outer scope, which disposed it");
  assert.equal(outerTemp!.isDisposed, true);
  assert.equal(out.isDisposed, false);
  assert.deepEqual(out.toArray(), [4, 4]);
  assert.equal(liveTensors(), before + 1);
  out.dispose();
  assert.equal(liveTensors(), before);
});

test("a tensor returned through two tidy levels survives both", () => {
  const before = liveTensors();
  const r = tidy(() => tidy(() => tidy(() => ones([3]).mul(2))));
  assert.equal(r.isDisposed, false);
  assert.deepEqual(r.toArray(), [2, 2, 2]);
  assert.equal(liveTensors(), before + 1);
  r.dispose();
  assert.equal(liveTensors(), before);
});

test("keep() survives tidy", () => {
  const before = liveTensors();
  let kept: Tensor | null = null;
  let temp: Tensor | null = null;
  tidy(() => {
    kept = keep(ones([3]).mul(5));
    temp = ones([3]);
    tidy(() => {
      keep(kept!); // re-keeping is harmless
    });
  });
  assert.equal(temp!.isDisposed, true);
  assert.equal(kept!.isDisposed, false);
  assert.deepEqual(kept!.toArray(), [5, 5, 5]);
  assert.equal(liveTensors(), before + 1);
  kept!.dispose();
  assert.equal(liveTensors(), before);
});

test("tidy disposes everything even when fn throws", () => {
  const before = liveTensors();
  let a: Tensor | null = null;
  let b: Tensor | null = null;
  assert.throws(
    () =>
      tidy(() => {
        a = ones([4]);
        b = tidy(() => a!.add(1));
        throw new Error("boom");
      }),
    /boom/,
  );
  assert.equal(a!.isDisposed, true);
  assert.equal(b!.isDisposed, true);
  assert.equal(liveTensors(), before);
  // an inner throw caught by the outer fn: the inner scope is cleaned, the outer continues
  const r = tidy(() => {
    let inner: Tensor | null = null;
    try {
      tidy(() => {
        inner = zeros([2]);
        throw new Error("inner");
      });
    } catch {
      // expected
    }
    assert.equal(inner!.isDisposed, true);
    return ones([2]);
  });
  assert.equal(liveTensors(), before + 1);
  r.dispose();
  // an async fn is rejected and its tensors disposed
  let asyncT: Tensor | null = null;
  assert.throws(
    () =>
      tidy(() => {
        asyncT = ones([1]);
        return Promise.resolve(1);
      }),
    /synchronous/,
  );
  assert.equal(asyncT!.isDisposed, true);
  assert.equal(liveTensors(), before);
});

test("returning arrays, objects and Maps of tensors keeps them", () => {
  const before = liveTensors();
  let temp: Tensor | null = null;
  const r = tidy(() => {
    temp = ones([2]);
    return {
      a: temp.add(1),
      list: [zeros([2]), { deep: full([1], 3) }],
      map: new Map<string, Tensor>([["m", ones([1]).mul(7)]]),
      n: 5,
      s: "text",
    };
  });
  assert.equal(temp!.isDisposed, true);
  const kept: Tensor[] = [r.a, r.list[0] as Tensor, (r.list[1] as { deep: Tensor }).deep, r.map.get("m")!];
  for (const t of kept) assert.equal(t.isDisposed, false);
  assert.deepEqual(r.a.toArray(), [2, 2]);
  assert.deepEqual((r.list[1] as { deep: Tensor }).deep.toArray(), [3]);
  assert.deepEqual(r.map.get("m")!.toArray(), [7]);
  assert.equal(r.n, 5);
  assert.equal(liveTensors(), before + 4);
  for (const t of kept) t.dispose();
  assert.equal(liveTensors(), before);

  // arrays returned directly (e.g. chunk/sort results)
  const parts = tidy(() => tensor([1, 2, 3, 4]).chunk(2));
  assert.equal(parts.length, 2);
  assert.deepEqual(parts.map((p) => p.toArray()), [[1, 2], [3, 4]]);
  assert.equal(liveTensors(), before + 2);
  for (const p of parts) p.dispose();
  const [vals, idx] = tidy(() => tensor([3, 1, 2]).sort());
  assert.deepEqual(vals.toArray(), [1, 2, 3]);
  assert.deepEqual(idx.toArray(), [1, 2, 0]);
  vals.dispose();
  idx.dispose();
  assert.equal(liveTensors(), before);
});

test("grad tensors read inside tidy are disposed without affecting the stored gradient", () => {
  const before = liveTensors();
  const x = tidy(() => {
    const t = tensor(new Float64Array([1, 2]));
    t.requiresGrad = true;
    t.mul(t).sum().backward();
    return t;
  });
  assert.equal(liveTensors(), before + 1);
  tidy(() => {
    const g = x.grad!;
    assert.deepEqual(g.toArray(), [2, 4]);
  });
  assert.equal(liveTensors(), before + 1);
  tidy(() => assert.deepEqual(x.grad!.toArray(), [2, 4]));
  x.dispose();
  assert.equal(liveTensors(), before);
});

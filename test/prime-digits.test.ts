import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DigitCodec, digitBase } from "../src/methods/prime/digits.js";
import { SuperTokenCodec } from "../src/methods/prime/super-tokens.js";

/** Digits of c in base b, most significant first, via Number.toString (independent of the codec). */
const digitsOf = (c: number, b: number, ell: number): number[] => {
  const s = c.toString(b).padStart(ell, "0");
  return [...s].map((ch) => parseInt(ch, b));
};

describe("digitBase", () => {
  const cases: [number, number, number][] = [
    [32768, 5, 8], [16807, 5, 7],
    [50257, 2, 225], [50257, 3, 37], [50257, 4, 15], [50257, 6, 7], [50257, 8, 4],
    [256, 2, 16], [256, 3, 7], [256, 4, 4], [256, 8, 2], [27, 3, 3], [50257, 1, 50257], [1, 3, 1],
  ];
  for (const [C, ell, b] of cases) test(`C = ${C}, ℓ = ${ell} → ${b}`, () => assert.equal(digitBase(C, ell), b));
  test("rejects non-integers", () => {
    assert.throws(() => digitBase(10.5, 2), /class count/);
    assert.throws(() => digitBase(10, 0), /ℓ/);
  });
});

describe("DigitCodec", () => {
  test("fields and digit table against base-b strings", () => {
    for (const [C, ell] of [[27, 3], [50, 3], [16, 2], [7, 3], [36, 2]] as const) {
      const codec = new DigitCodec(C, ell);
      assert.equal(codec.maskDigit, codec.base);
      assert.equal(codec.digitTable.length, ell * C);
      for (let c = 0; c < C; c++) {
        const d = digitsOf(c, codec.base, ell);
        for (let j = 0; j < ell; j++) assert.equal(codec.digitTable[j * C + c], d[j], `C=${C} c=${c} j=${j}`);
      }
    }
  });

  test("encode layout: position i·ℓ + j holds digit j of token i", () => {
    const codec = new DigitCodec(27, 3);
    assert.deepEqual([...codec.encode(Int32Array.of(5, 26, 9))], [0, 1, 2, 2, 2, 2, 1, 0, 0]);
    assert.throws(() => codec.encode(Int32Array.of(3, 27)), /token 27 at position 1/);
    assert.throws(() => codec.encode(Int32Array.of(-1)), /position 0/);
  });

  test("decode inverts encode on every class and rejects masks and unused codes", () => {
    const codec = new DigitCodec(50, 3); // base 4: codes 50..63 unused
    assert.equal(codec.base, 4);
    const all = Int32Array.from({ length: 50 }, (_, c) => c);
    assert.deepEqual(codec.decode(codec.encode(all)), all);
    for (let code = 50; code < 64; code++) {
      const y = Int32Array.of(0, 0, 0, ...digitsOf(code, 4, 3));
      assert.throws(() => codec.decode(y), new RegExp(`token 1 decodes to code ${code}`));
    }
    assert.throws(() => codec.decode(Int32Array.of(1, 2, 3, 0, 4, 0)), /position 4/);
    assert.throws(() => codec.decode(Int32Array.of(1, 2)), /multiple/);
  });

  test("consistentClasses equals a brute-force filter over every digit pattern", () => {
    for (const [C, ell] of [[50, 3], [7, 3], [16, 2], [10, 4], [5, 1]] as const) {
      const codec = new DigitCodec(C, ell);
      const b = codec.base;
      for (let n = 0; n < (b + 1) ** ell; n++) {
        const y = Int32Array.from(digitsOf(n, b + 1, ell));
        const expected: number[] = [];
        for (let c = 0; c < C; c++) if (digitsOf(c, b, ell).every((d, j) => y[j] === b || y[j] === d)) expected.push(c);
        assert.deepEqual([...codec.consistentClasses(y)], expected, `C=${C} ℓ=${ell} y=${y.join(",")}`);
      }
    }
  });

  test("consistentClasses: fully masked is everything, GPT-2 ℓ = 4 with 3 masked digits has 15³ candidates", () => {
    const small = new DigitCodec(7, 3);
    assert.deepEqual([...small.consistentClasses(Int32Array.of(2, 2, 2))], [0, 1, 2, 3, 4, 5, 6]);
    const gpt2 = new DigitCodec(50257, 4);
    assert.equal(gpt2.consistentClasses(Int32Array.of(3, 15, 15, 15)).length, 15 ** 3);
    assert.throws(() => small.consistentClasses(Int32Array.of(0, 3, 0)), /index 1/);
  });
});

describe("SuperTokenCodec", () => {
  test("ℓ = 2/3 on 8-bit pixels: (R, G, B) → (n div 4096, n mod 4096)", () => {
    const codec = new SuperTokenCodec(256, 2, 3);
    assert.equal(codec.digits.base, 4096);
    const rgb = Int32Array.of(1, 2, 3, 255, 0, 7);
    const n0 = 1 * 65536 + 2 * 256 + 3;
    const n1 = 255 * 65536 + 7;
    assert.deepEqual([...codec.groupTokens(rgb)], [n0, n1]);
    assert.deepEqual([...codec.encode(rgb)], [Math.floor(n0 / 4096), n0 % 4096, Math.floor(n1 / 4096), n1 % 4096]);
    assert.deepEqual(codec.decode(codec.encode(rgb)), rgb);
  });

  test("exhaustive round trips on small cases", () => {
    for (const [C, p, q, L] of [[4, 2, 3, 6], [3, 3, 2, 4], [5, 1, 2, 4], [2, 2, 3, 6]] as const) {
      const codec = new SuperTokenCodec(C, p, q);
      assert.ok(codec.digits.base ** p >= C ** q && (codec.digits.base - 1) ** p < C ** q, `base of C=${C} p=${p} q=${q}`);
      const seen = new Set<string>();
      for (let n = 0; n < C ** L; n++) {
        const x = Int32Array.from(digitsOf(n, C, L));
        const y = codec.encode(x);
        assert.equal(y.length, (L / q) * p);
        seen.add(y.join(","));
        assert.deepEqual(codec.decode(y), x);
      }
      assert.equal(seen.size, C ** L, "encode is injective");
    }
  });

  test("rejects lengths that are not a multiple of q and out-of-range tokens", () => {
    const codec = new SuperTokenCodec(4, 2, 3);
    assert.throws(() => codec.groupTokens(Int32Array.of(1, 2)), /multiple of q = 3/);
    assert.throws(() => codec.groupTokens(Int32Array.of(1, 2, 4)), /position 2/);
    assert.throws(() => codec.ungroupTokens(Int32Array.of(64)), /outside/);
  });
});
